"""Two ``twin serve`` workers on one PostgreSQL and one Mosquitto agree on everything.

Every row of issue #15's table, the right way round: events on both, alarms
visible and acknowledgeable on both, one alarm for one condition, order kept
across workers, one offline alarm, upload jobs and building versions on both,
one latest value per device under a shared MQTT subscription. Then the
worker running the periodic work is killed with ``kill -9``: the other takes
over, ingestion (MQTT and HTTP) goes on, nothing acknowledged is lost.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.api.test_live_service import ROOT, Server, now_iso, wait_for
from tests.conftest import sample_dir
from tests.twin.devices.test_mqtt import publisher
from twin.devices.mqtt.topics import topic_for
from twin.devices.registry import parse_rows
from twin.devices.store import save_registry
from twin.store.db import engine_for

API = "/api/v1"
#: Seconds a change may take to reach the other worker, or a takeover to happen.
WAIT_S = 15.0

REGISTRY = [
    {"device_id": "LD-1", "point": "leak", "brick_class": "Leak_Detector_Equipment",
     "unit": "bool", "alarm_when": "true", "heartbeat_s": "3600"},
    {"device_id": "TS-1", "point": "temp", "brick_class": "Zone_Air_Temperature_Sensor",
     "unit": "degC", "min": "-20", "max": "60", "alarm_above": "30", "heartbeat_s": "3600"},
    {"device_id": "HB-1", "point": "temp", "brick_class": "Zone_Air_Temperature_Sensor",
     "unit": "degC", "heartbeat_s": "2"},
    {"device_id": "HB-2", "point": "temp", "brick_class": "Zone_Air_Temperature_Sensor",
     "unit": "degC", "heartbeat_s": "3600"},
] + [
    {"device_id": f"MQ-{i}", "point": "temp", "brick_class": "Zone_Air_Temperature_Sensor",
     "unit": "degC", "heartbeat_s": "3600"}
    for i in range(8)
]  # fmt: skip


def worker_env(base: dict[str, str], name: str) -> dict[str, str]:
    return {**base, "TWIN_MQTT_CLIENT_ID": f"twin-test-{name}"}


@pytest.fixture
def shared_env(tmp_path, postgres_url, mosquitto, monkeypatch) -> dict[str, str]:  # type: ignore[no-untyped-def]
    import os

    # Three service processes start in this test, on a machine other tests share.
    monkeypatch.setattr("tests.api.test_live_service.START_TIMEOUT_S", 90.0)

    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        TWIN_DATA_DIR=str(tmp_path / "data"),
        TWIN_CACHE_DIR=str(tmp_path / "cache"),
        TWIN_DATABASE_URL=postgres_url,
        TWIN_MQTT_URL=mosquitto.url,
        TWIN_MQTT_SHARE_GROUP="twin-workers",
        TWIN_TICK_S="0.2",
    )
    engine = engine_for(postgres_url)
    save_registry(engine, "B1", parse_rows(REGISTRY))
    engine.dispose()
    return env


def post(worker: Server, *readings: dict) -> dict:
    answer = httpx.post(
        f"{worker.url}{API}/readings", json={"readings": list(readings)}, timeout=30
    )
    answer.raise_for_status()
    return answer.json()


def open_alarms(database_url: str, device_id: str, point: str) -> list[tuple]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT id, state, active FROM device_alarms WHERE device_id = :d "
                     "AND point = :p AND state IN ('raised', 'acknowledged')"),
                {"d": device_id, "p": point},
            ).all()  # fmt: skip
    finally:
        engine.dispose()


def periodic_pid(database_url: str) -> int | None:
    """The process holding the periodic-work lock (its session is named after it)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            name = connection.execute(
                text("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a "
                     "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                     "AND a.application_name LIKE 'twin-periodic-%'")
            ).scalar()  # fmt: skip
    finally:
        engine.dispose()
    return None if name is None else int(name.rsplit("-", 1)[1])


def upload(worker: Server, building_id: str, model: Path) -> str:
    with model.open("rb") as stream:
        answer = httpx.post(
            f"{worker.url}{API}/buildings",
            data={"id": building_id},
            files={"files": (model.name, stream, "application/octet-stream")},
            timeout=60,
        )
    assert answer.status_code == 202, answer.text
    return str(answer.json()["job_id"])


def read_stream(
    url: str,
    events: list[dict],
    ready: threading.Event,
    *,
    last_event_id: str | None = None,
    until_id: str | None = None,
) -> None:
    """Append the stream's events (``sse_id``, ``event`` and the data) to ``events``;
    stop after the event ``until_id`` (else when the server goes). A ``reset`` is
    recorded as an event too."""
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    try:
        with httpx.stream("GET", f"{url}{API}/events", params={"building": "B1"},
                          headers=headers, timeout=WAIT_S) as stream:  # fmt: skip
            current: dict = {}
            for line in stream.iter_lines():
                if line.startswith(": connected"):
                    ready.set()
                elif line.startswith("id: "):
                    current["sse_id"] = line[4:]
                elif line.startswith("event: "):
                    current["event"] = line[7:]
                elif line.startswith("data: ") and "event" in current:
                    events.append({**json.loads(line[6:]), **current})
                    if current["sse_id"] == until_id or current["event"] == "reset":
                        return
                    current = {}
    except httpx.HTTPError:
        pass  # the server was killed (or the replay did not come): the stream ends


def seq(event: dict) -> int:
    return int(event["sse_id"].rsplit("-", 1)[1])


def job_state(worker: Server, job_id: str) -> str | None:
    answer = httpx.get(f"{worker.url}{API}/jobs/{job_id}")
    return str(answer.json()["state"]) if answer.status_code == 200 else None


def test_two_workers_share_one_truth_and_survive_a_kill(shared_env, postgres_url):
    a = Server(worker_env(shared_env, "a"))
    b = Server(worker_env(shared_env, "b"))
    workers = {a.process.pid: a, b.process.pid: b}
    events: dict[str, list[dict]] = {"a": [], "b": []}
    for name, worker in (("a", a), ("b", b)):
        ready = threading.Event()
        threading.Thread(
            target=read_stream, args=(worker.url, events[name], ready), daemon=True
        ).start()
        assert ready.wait(WAIT_S)
    client = publisher(shared_env["TWIN_MQTT_URL"])
    try:
        # Events on both: a reading posted to A reaches B's SSE clients, and back.
        assert (
            post(a, {"device_id": "HB-2", "ts": now_iso(-20), "values": {"temp": 20.5}})["accepted"]
            == 1
        )
        assert (
            post(b, {"device_id": "HB-2", "ts": now_iso(-19), "values": {"temp": 21.5}})["accepted"]
            == 1
        )
        for name in ("a", "b"):
            wait_for(lambda n=name: [e["values"]["temp"] for e in events[n]
                                     if e["event"] == "reading" and e["device_id"] == "HB-2"]
                     == [20.5, 21.5], WAIT_S)  # fmt: skip

        # An alarm raised on A is listed on B and acknowledged through B.
        post(a, {"device_id": "TS-1", "ts": now_iso(-18), "values": {"temp": 35.0}})
        listed = httpx.get(f"{b.url}{API}/alarms", params={"state": "open"}).json()
        alarm = next(x for x in listed if x["device_id"] == "TS-1")
        acked = httpx.post(f"{b.url}{API}/alarms/{alarm['id']}/acknowledge", json={"note": "ops"})
        assert acked.status_code == 200 and acked.json()["state"] == "acknowledged"
        by = acked.json()["acknowledged_by"]  # the key's name (open mode: its stand-in)
        assert (
            by and httpx.get(f"{a.url}{API}/alarms/{alarm['id']}").json()["acknowledged_by"] == by
        )
        wait_for(lambda: any(e["event"] == "alarm" and e.get("state") == "acknowledged"
                             for e in events["a"]), WAIT_S)  # fmt: skip

        # One numbering for both: each stream's ids rise with no repeat, and an id names
        # the same event on both workers.
        wait_for(lambda: len(events["b"]) == len(events["a"]), WAIT_S)
        for name in ("a", "b"):
            numbers = [seq(e) for e in events[name]]
            assert numbers == sorted(set(numbers)), name
        assert events["a"] == events["b"]
        # A client of A that left after its first event reconnects to B with its
        # Last-Event-ID: it gets exactly the events it missed, in order, no reset.
        left_at = events["a"][0]["sse_id"]
        replayed: list[dict] = []
        read_stream(b.url, replayed, threading.Event(), last_event_id=left_at,
                    until_id=events["a"][-1]["sse_id"])  # fmt: skip
        assert replayed == events["a"][1:]
        # An id of another database (or a made-up one) gets a reset, not a guess.
        stale: list[dict] = []
        read_stream(b.url, stale, threading.Event(), last_event_id="0badc0de-3", until_id="")
        assert stale and stale[0]["event"] == "reset"

        # The same out-of-range reading to A and to B at once: accepted once, one alarm.
        leak = {"device_id": "LD-1", "ts": now_iso(-17), "values": {"leak": True}}
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda w: post(w, leak), (a, b)))
        assert sorted(x["accepted"] for x in answers) == [0, 1]
        # Different alarming readings raced on both: still one open alarm.
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(
                lambda pair: post(pair[0], {"device_id": "LD-1", "ts": now_iso(pair[1]),
                                            "values": {"leak": True}}),
                ((a, -16), (b, -15)),
            ))  # fmt: skip
        assert sum(x["accepted"] for x in answers) >= 1
        assert len(open_alarms(postgres_url, "LD-1", "leak")) == 1
        for worker in (a, b):
            found = httpx.get(f"{worker.url}{API}/alarms",
                              params={"state": "open", "device_id": "LD-1"}).json()  # fmt: skip
            assert len(found) == 1

        # Order across workers: an older reading to B after a newer one to A is rejected.
        post(a, {"device_id": "TS-1", "ts": now_iso(-10), "values": {"temp": 22.0}})
        older = post(b, {"device_id": "TS-1", "ts": now_iso(-11), "values": {"temp": 23.0}})
        assert older["accepted"] == 0 and older["rejected"] == {"out_of_order": 1}
        for worker in (a, b):
            state = httpx.get(f"{worker.url}{API}/devices/TS-1").json()
            assert state["points"]["temp"]["value"] == 22.0

        # MQTT shared subscription: each message reaches one worker; both hold the same
        # latest value of every device.
        for step in range(3):
            for i in range(8):
                payload = json.dumps({"ts": now_iso(-9 + step), "values": {"temp": 10.0 + step}})
                client.publish(topic_for("B1", f"MQ-{i}"), payload, qos=1).wait_for_publish(5)
        for worker in (a, b):
            for i in range(8):
                wait_for(lambda w=worker, d=f"MQ-{i}": httpx.get(f"{w.url}{API}/devices/{d}")
                         .json()["points"].get("temp", {}).get("value") == 12.0,
                         WAIT_S)  # fmt: skip

        # One offline alarm for a silent device, though both workers tick.
        post(a, {"device_id": "HB-1", "ts": now_iso(-8), "values": {"temp": 20.0}})
        wait_for(lambda: open_alarms(postgres_url, "HB-1", "offline"), WAIT_S)
        time.sleep(2.0)  # both tickers ran many times since
        assert len(open_alarms(postgres_url, "HB-1", "offline")) == 1

        # Upload jobs and building versions are visible on both.
        models = sorted(sample_dir().glob("*.ifc"), key=lambda p: p.stat().st_size)[:2]
        job = upload(a, "HQ", models[0])
        assert wait_for(lambda: job_state(b, job) == "done", 120)
        first = httpx.get(f"{b.url}{API}/buildings/HQ", timeout=60).json()
        job = upload(a, "HQ", models[1])
        assert wait_for(lambda: job_state(b, job) == "done", 120)
        second = wait_for(lambda: (s := httpx.get(f"{b.url}{API}/buildings/HQ", timeout=60)
                                   .json()) != first and s, WAIT_S)  # fmt: skip
        assert second["spaces"] != first["spaces"] or second["equipment"] != first["equipment"]

        # kill -9 the worker running the periodic work.
        leader = wait_for(lambda: periodic_pid(postgres_url), WAIT_S)
        survivor = workers[next(p for p in workers if p != leader)]
        killed = workers[leader]
        before_acked = httpx.get(f"{survivor.url}{API}/alarms/{alarm['id']}").json()
        killed.kill()
        assert wait_for(lambda: periodic_pid(postgres_url) == survivor.process.pid, WAIT_S)
        # Nothing raised twice by the new runner; nothing acknowledged lost.
        time.sleep(1.0)
        assert len(open_alarms(postgres_url, "HB-1", "offline")) == 1
        assert httpx.get(f"{survivor.url}{API}/alarms/{alarm['id']}").json() == before_acked
        # The new runner does the periodic work: the device is heard (its alarm's
        # condition ends), then silent again: the same alarm is active again, not a second.
        ((offline_id, _, _),) = open_alarms(postgres_url, "HB-1", "offline")
        post(survivor, {"device_id": "HB-1", "ts": now_iso(-1), "values": {"temp": 20.0}})
        wait_for(lambda: [(offline_id, "raised", False)] == open_alarms(
            postgres_url, "HB-1", "offline") or None, 3.0)  # fmt: skip
        assert wait_for(lambda: [(offline_id, "raised", True)] == open_alarms(
            postgres_url, "HB-1", "offline"), WAIT_S)  # fmt: skip
        # HTTP and MQTT ingestion go on.
        assert (
            post(survivor, {"device_id": "HB-2", "ts": now_iso(), "values": {"temp": 23.0}})[
                "accepted"
            ]
            == 1
        )
        for i in range(8):
            payload = json.dumps({"ts": now_iso(), "values": {"temp": 30.0}})
            client.publish(topic_for("B1", f"MQ-{i}"), payload, qos=1).wait_for_publish(5)
        # Messages the broker held for the killed worker's session arrive once it is back.
        restarted = Server(worker_env(shared_env, "a" if killed is a else "b"))
        try:
            for i in range(8):
                wait_for(lambda d=f"MQ-{i}": httpx.get(f"{survivor.url}{API}/devices/{d}")
                         .json()["points"]["temp"]["value"] == 30.0, WAIT_S)  # fmt: skip
        finally:
            restarted.kill()
    finally:
        client.loop_stop()
        client.disconnect()
        a.kill()
        b.kill()
