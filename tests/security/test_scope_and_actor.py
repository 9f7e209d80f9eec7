"""Item 3: every stream and list answers with the key's buildings by default (an unknown
event kind is a 422). Item 4: the actor is always the key's name; a note is kept beside
it in the audit log, which is written before the answer."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import httpx
import pytest

from tests.security.conftest import Service, make_service
from twin.devices.registry import parse_rows
from twin.devices.store import save_registry
from twin.store.audit import audit_entries
from twin.store.db import engine_for

KEYS = {
    "root": ("operator", (), ()),
    "op-a": ("operator", ("A",), ()),
    "sys-a": ("system", ("A",), ("devices:read", "alarms:read", "workorders:read")),
}
WAIT_S = 15.0


def _sensor(device_id: str) -> dict[str, str]:
    return {"device_id": device_id, "point": "temp", "brick_class": "Zone_Air_Temperature_Sensor",
            "unit": "degC", "min": "-20", "max": "60", "alarm_above": "30",
            "heartbeat_s": "3600"}  # fmt: skip


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    prepared = make_service(tmp_path_factory.mktemp("scope") / "service", keys=KEYS)
    engine = engine_for(prepared.database_url)
    save_registry(engine, "A", parse_rows([_sensor("A-TS")]))
    save_registry(engine, "B", parse_rows([_sensor("B-TS")]))
    engine.dispose()
    prepared.start()
    yield prepared
    prepared.stop()


def _hot(service: Service, building: str, device_id: str) -> None:
    ts = datetime.now(UTC).isoformat()
    batch = {"readings": [{"device_id": device_id, "ts": ts, "values": {"temp": 31.0}}]}
    with service.client("root") as api:
        answer = api.post("/readings", params={"building": building}, json=batch)
    assert answer.json()["accepted"] == 1, answer.text


def _listen(service: Service, key: str, events: list[dict], ready: threading.Event) -> None:
    with (
        httpx.Client(timeout=httpx.Timeout(30.0, read=WAIT_S)) as client,
        client.stream("GET", f"{service.url}/api/v1/events", headers=service.as_(key)) as stream,
    ):
        for line in stream.iter_lines():
            if line.startswith(": connected"):
                ready.set()
            elif line.startswith("data: "):
                events.append(json.loads(line[6:]))
                if any(e["building"] == "A" and "alarm" in str(e) for e in events):
                    return


@pytest.fixture(scope="module")
def alarms(service: Service) -> dict[str, dict]:
    """An alarm on each building, raised while ``sys-a`` listens to /events unfiltered."""
    events: list[dict] = []
    ready = threading.Event()
    listener = threading.Thread(target=_listen, args=(service, "sys-a", events, ready))
    listener.start()
    assert ready.wait(WAIT_S)
    _hot(service, "B", "B-TS")
    _hot(service, "A", "A-TS")
    listener.join(WAIT_S + 5)
    service.events_seen = events  # type: ignore[attr-defined]
    with service.client("root") as api:
        found = api.get("/alarms", params={"state": "open"}).json()
        for alarm in found:
            assert api.post(f"/alarms/{alarm['id']}/work-order", json={}).status_code == 201
    return {a["building_id"]: a for a in found}


def test_events_without_a_building_carry_only_the_keys_buildings(service: Service, alarms):
    seen = service.events_seen  # type: ignore[attr-defined]
    assert any(e["building"] == "A" for e in seen)
    assert {e["building"] for e in seen} == {"A"}


def test_an_unknown_event_kind_is_a_422(service: Service):
    with (
        service.client("sys-a") as api,
        api.stream("GET", "/events", params={"kind": "alarm,alrm"}) as answer,
    ):
        # (a stream that opened would never end: read only the status)
        assert answer.status_code == 422
        assert "alrm" in answer.read().decode()


@pytest.mark.parametrize(
    ("path", "building_of"),
    [
        ("/alarms", lambda item: item["building_id"]),
        ("/devices", lambda item: item["building_id"]),
        ("/work-orders", lambda item: item["building_id"]),
    ],
)
def test_lists_carry_only_the_keys_buildings(service: Service, alarms, path, building_of):
    with service.client("root") as api:
        assert {building_of(i) for i in api.get(path).json()} == {"A", "B"}
    with service.client("sys-a") as api:
        assert {building_of(i) for i in api.get(path).json()} == {"A"}
        assert api.get(path, params={"building": "B"}).status_code == 403
        assert api.get("/devices-summary").json()["alarm"] == 1


def test_an_acknowledgement_names_the_key_never_the_body(service: Service, alarms):
    alarm_id = alarms["A"]["id"]
    with service.client("op-a") as api:
        spoofed = api.post(f"/alarms/{alarm_id}/acknowledge", json={"by": "someone-else"})
        assert spoofed.status_code == 422
        assert api.get(f"/alarms/{alarm_id}").json()["state"] == "raised"
        acked = api.post(f"/alarms/{alarm_id}/acknowledge", json={"note": "desk 3, Wang"})
    assert acked.status_code == 200, acked.text
    assert acked.json()["acknowledged_by"] == "op-a"
    # The audit row was committed before the answer: no waiting here.
    engine = engine_for(service.database_url)
    with engine.connect() as conn:
        rows = audit_entries(conn, f"api:/api/v1/alarms/{alarm_id}/acknowledge")
    engine.dispose()
    assert [(r["actor"], r["after"]["note"]) for r in rows] == [("op-a", "desk 3, Wang")]


def test_a_work_order_step_names_the_key_never_the_body(service: Service, alarms):
    with service.client("op-a") as api:
        (order,) = [o for o in api.get("/work-orders").json() if o["alarm_id"] == alarms["A"]["id"]]
        spoofed = api.patch(f"/work-orders/{order['id']}", json={"by": "boss", "note": "x"})
        assert spoofed.status_code == 422
        stepped = api.patch(
            f"/work-orders/{order['id']}", json={"status": "in_progress", "note": "on my way"}
        )
    assert stepped.status_code == 200, stepped.text
    notes = [(n["by"], n["text"]) for n in stepped.json()["notes"]]
    assert notes == [("root", "created from alarm"), ("op-a", "on my way")]


def test_concurrent_writes_are_each_audited_before_their_answer(service: Service):
    # Audits of concurrent writes share the device writer's commits: each still
    # lands before its own answer, so k answers mean at least k audit rows.
    engine = engine_for(service.database_url)
    entity = "api:/api/v1/readings"
    with engine.connect() as conn:
        before = len(audit_entries(conn, entity))
    answered = 0
    seen: list[tuple[int, int]] = []
    lock = threading.Lock()

    def write(index: int) -> None:
        nonlocal answered
        ts = datetime.now(UTC).isoformat()
        batch = {"readings": [{"device_id": "A-TS", "ts": ts, "values": {"temp": 20.0 + index}}]}
        with service.client("root") as api:
            assert api.post("/readings", params={"building": "A"}, json=batch).status_code == 200
        with lock:
            answered += 1
            done = answered
        with engine.connect() as conn:
            seen.append((done, len(audit_entries(conn, entity)) - before))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert len(seen) == 8
    assert all(rows >= done for done, rows in seen), seen
    assert max(rows for _, rows in seen) == 8
