"""The real service process: uvicorn, Mosquitto, SQLite or PostgreSQL, killed and restarted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.fixtures.services import free_port
from tests.twin.devices.test_mqtt import publisher
from twin.devices.mqtt.topics import topic_for
from twin.devices.registry import parse_rows
from twin.devices.store import save_registry
from twin.store.db import engine_for

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0
WAIT_S = 10.0

REGISTRY = [
    {"device_id": "LD-1", "point": "leak", "brick_class": "Leak_Detector_Equipment",
     "unit": "bool", "alarm_when": "true", "heartbeat_s": "3600"},
    {"device_id": "TS-1", "point": "temp", "brick_class": "Zone_Air_Temperature_Sensor",
     "unit": "degC", "min": "-20", "max": "60", "alarm_above": "30", "heartbeat_s": "3600"},
    {"device_id": "HB-1", "point": "temp", "brick_class": "Zone_Air_Temperature_Sensor",
     "unit": "degC", "heartbeat_s": "1"},
]  # fmt: skip


def now_iso(offset_s: float = 0.0) -> str:
    return datetime.fromtimestamp(time.time() + offset_s, UTC).isoformat()


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "cli", "serve", "--port", str(self.port),
                   "--log-level", "warning"]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                health = httpx.get(f"{self.url}/health", timeout=1.0).json()
                if health["mqtt"].startswith("subscribed"):
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.kill()
                raise RuntimeError("the service did not start")
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


@pytest.fixture(params=["sqlite", "postgresql"])
def service_env(request, tmp_path, mosquitto) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        TWIN_DATA_DIR=str(tmp_path / "data"),
        TWIN_CACHE_DIR=str(tmp_path / "cache"),
        TWIN_MQTT_URL=mosquitto.url,
        TWIN_TICK_S="0.1",
    )
    if request.param == "postgresql":
        env["TWIN_DATABASE_URL"] = request.getfixturevalue("postgres_url")
        url = env["TWIN_DATABASE_URL"]
    else:
        env.pop("TWIN_DATABASE_URL", None)
        url = f"sqlite:///{tmp_path / 'data' / 'twin.sqlite3'}"
    engine = engine_for(url)
    save_registry(engine, "B1", parse_rows(REGISTRY))
    engine.dispose()
    yield env


def wait_for(condition, timeout_s: float = WAIT_S):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


def collect_events(url: str, events: list[dict], ready: threading.Event) -> None:
    try:
        with httpx.stream("GET", f"{url}/api/v1/events", params={"building": "B1"}) as r:
            kind = None
            for line in r.iter_lines():
                if line.startswith(": connected"):
                    ready.set()
                elif line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: "):
                    events.append({**json.loads(line[6:]), "event": kind})
    except httpx.HTTPError:
        pass  # the server was killed: the stream ends


def test_live_service_survives_a_kill(service_env):
    server = Server(service_env)
    events: list[dict] = []
    ready = threading.Event()
    threading.Thread(target=collect_events, args=(server.url, events, ready), daemon=True).start()
    client = publisher(service_env["TWIN_MQTT_URL"])
    try:
        assert ready.wait(WAIT_S)
        batch = {
            "readings": [
                {"device_id": "TS-1", "ts": now_iso(-2), "values": {"temp": 31.0}},
                {"device_id": "TS-1", "ts": now_iso(-3), "values": {"temp": 20.0}},  # older
                {"device_id": "HB-1", "ts": now_iso(-2), "values": {"temp": 21.0}},
                {"device_id": "TS-1", "ts": now_iso(-2), "values": {"nope": 1}},
            ]
        }
        answer = httpx.post(f"{server.url}/api/v1/readings", json=batch).json()
        assert answer["accepted"] == 2
        assert answer["rejected"] == {"out_of_order": 1, "unknown_point": 1}
        payload = json.dumps({"ts": now_iso(-1), "values": {"leak": True}})
        client.publish(topic_for("B1", "LD-1"), payload, qos=1).wait_for_publish(WAIT_S)
        client.publish(topic_for("B1", "LD-1"), b"\xff not json", qos=1).wait_for_publish(WAIT_S)
        leak = wait_for(
            lambda: httpx.get(f"{server.url}/api/v1/devices/LD-1").json()["status"] == "alarm"
        )
        assert leak
        alarms = httpx.get(f"{server.url}/api/v1/alarms", params={"state": "open"}).json()
        leak_alarm = next(a for a in alarms if a["device_id"] == "LD-1")
        httpx.post(f"{server.url}/api/v1/alarms/{leak_alarm['id']}/acknowledge", json={"note": "w"})
        # HB-1 has a 1 s heartbeat: the ticker marks it offline.
        wait_for(lambda: httpx.get(f"{server.url}/api/v1/devices/HB-1").json()["status"]
                 == "offline")  # fmt: skip
        wait_for(lambda: any(e["event"] == "alarm" and e["point"] == "offline" for e in events))
        kinds = {e["event"] for e in events}
        assert {"reading", "status", "alarm"} <= kinds
        rejections = wait_for(
            lambda: httpx.get(f"{server.url}/api/v1/readings/rejections").json()["rejected"]
        )
        assert rejections["not_json"] == 1
        before = {
            "alarms": httpx.get(f"{server.url}/api/v1/alarms").json(),
            "devices": {
                d: httpx.get(f"{server.url}/api/v1/devices/{d}").json()["points"]
                for d in ("LD-1", "TS-1")
            },
        }
        # The MQTT leak reading was accepted before the acknowledgement was answered, and
        # the acknowledgement waited for its commit: a kill now may lose neither.
        server.kill()
        server = Server(service_env)
        after = {
            "alarms": httpx.get(f"{server.url}/api/v1/alarms").json(),
            "devices": {
                d: httpx.get(f"{server.url}/api/v1/devices/{d}").json()["points"]
                for d in ("LD-1", "TS-1")
            },
        }
        assert after == before
        acked = next(a for a in after["alarms"] if a["id"] == leak_alarm["id"])
        assert acked["state"] == "acknowledged" and acked["acknowledged_by"] == "local-open"
    finally:
        client.loop_stop()
        client.disconnect()
        server.kill()
