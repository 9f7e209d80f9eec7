"""Live events you can trust: ids on every event, replay after a reconnect with
``Last-Event-ID``, and ``reset`` when the missed events are gone. Against a real
uvicorn server (SSE streams never end, so the in-process test client cannot read
them), open mode, SQLite."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
import uvicorn

from api.app import create_app
from tests.fixtures.services import free_port
from twin.devices.registry import parse_rows
from twin.devices.store import save_registry
from twin.settings import Settings
from twin.store.db import engine_for

MISSED = 100
WAIT_S = 15.0
REGISTRY = [
    {"device_id": "TS-1", "point": "temp", "brick_class": "Zone_Air_Temperature_Sensor",
     "unit": "degC", "min": "-20", "max": "60", "heartbeat_s": "3600"},
]  # fmt: skip


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("events")
    settings = Settings(data_dir=root / "data", cache_dir=root / "cache", tick_s=3600)
    settings.data_dir.mkdir(parents=True)
    engine = engine_for(settings.effective_database_url)
    save_registry(engine, "B1", parse_rows(REGISTRY))
    engine.dispose()
    port = free_port()
    config = uvicorn.Config(create_app(settings), port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + WAIT_S
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield base
    server.should_exit = True
    thread.join(WAIT_S)


def post_readings(url: str, start_s: float, count: int) -> None:
    readings = [
        {
            "device_id": "TS-1",
            "ts": datetime.fromtimestamp(start_s + n * 0.001, UTC).isoformat(),
            "values": {"temp": 20.0 + n / 1000},
        }
        for n in range(count)
    ]
    answer = httpx.post(f"{url}/api/v1/readings", json={"readings": readings}, timeout=WAIT_S)
    assert answer.status_code == 200 and answer.json()["accepted"] == count, answer.text


def read_events(
    url: str, *, count: int, last_event_id: str | None = None
) -> tuple[str, list[dict]]:
    """The id the stream starts from and its first ``count`` events (id, kind, data)."""
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    params = {"building": "B1", "kind": "reading"}
    events: list[dict] = []
    start_id = ""
    current: dict = {}
    with httpx.stream(
        "GET", f"{url}/api/v1/events", params=params, headers=headers, timeout=WAIT_S
    ) as stream:
        for line in stream.iter_lines():
            if line.startswith("id: "):
                current["id"] = line[4:]
                start_id = start_id or line[4:]
            elif line.startswith("event: "):
                current["kind"] = line[7:]
            elif line.startswith("data: "):
                current["data"] = json.loads(line[6:])
            elif line == "" and "data" in current:
                events.append(current)
                current = {}
                if len(events) == count:
                    break
            elif line == "":
                current = {}
    return start_id, events


def connected_id(url: str) -> str:
    """Connect, read the id the stream announces, disconnect."""
    with httpx.stream(
        "GET", f"{url}/api/v1/events", params={"building": "B1"}, timeout=WAIT_S
    ) as stream:
        for line in stream.iter_lines():
            if line.startswith("id: "):
                return line[4:]
    raise AssertionError("the stream announced no id")


def test_a_client_that_missed_100_events_gets_them_on_reconnect(url):
    seen = connected_id(url)  # the client's last id, then it is disconnected
    post_readings(url, time.time() - 60, MISSED)
    _, events = read_events(url, count=MISSED, last_event_id=seen)
    assert [e["kind"] for e in events] == ["reading"] * MISSED
    assert [e["data"]["values"]["temp"] for e in events] == pytest.approx(
        [20.0 + n / 1000 for n in range(MISSED)]
    )
    epoch, _, number = seen.partition("-")
    ids = [e["id"] for e in events]
    assert all(i.startswith(f"{epoch}-") for i in ids)
    numbers = [int(i.partition("-")[2]) for i in ids]
    assert numbers == sorted(numbers) and numbers[0] > int(number) and len(set(numbers)) == MISSED


def test_an_id_of_another_process_gets_a_reset_event_first(url):
    _, events = read_events(url, count=1, last_event_id="deadbeef-12")
    (reset,) = events
    assert reset["kind"] == "reset" and "refetch" in reset["data"]["reason"]
    assert reset["id"] != "deadbeef-12"
