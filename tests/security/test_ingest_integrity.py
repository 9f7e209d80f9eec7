"""Issue 13, items 8 and 9, against ``twin serve``: a hostile batch item or MQTT message
is a counted rejection, every good reading beside it is stored, and what the service
shows survives a kill -9."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

from tests.api.test_live_service import ROOT, Server, now_iso, wait_for
from twin.devices.mqtt.ingest import parse_mqtt_url
from twin.devices.mqtt.publisher import MqttBatchPublisher
from twin.devices.mqtt.topics import topic_for
from twin.devices.registry import parse_rows
from twin.devices.store import save_registry
from twin.store.db import engine_for

SENSORS = 400
REGISTRY = [
    {"device_id": "LD-1", "point": "leak", "brick_class": "Leak_Detector_Equipment",
     "unit": "bool", "alarm_when": "true", "heartbeat_s": "3600"},
    *(
        {"device_id": f"D{n}", "point": "temp", "brick_class": "Temperature_Sensor",
         "unit": "degC", "heartbeat_s": "3600"}
        for n in range(SENSORS)
    ),
]  # fmt: skip
HUGE = "9" * 400


@pytest.fixture
def env(tmp_path, mosquitto) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    values = dict(os.environ)
    values.pop("TWIN_DATABASE_URL", None)
    values.update(
        PYTHONPATH=str(ROOT),
        TWIN_DATA_DIR=str(tmp_path / "data"),
        TWIN_CACHE_DIR=str(tmp_path / "cache"),
        TWIN_MQTT_URL=mosquitto.url,
        TWIN_MQTT_CLIENT_ID=f"twin-integrity-{tmp_path.name}",
    )
    engine = engine_for(f"sqlite:///{tmp_path / 'data' / 'twin.sqlite3'}")
    save_registry(engine, "B1", parse_rows(REGISTRY))
    engine.dispose()
    yield values


def test_a_hostile_batch_item_loses_nothing_good_even_across_a_kill(env):
    server = Server(env)
    leak = f'{{"device_id": "LD-1", "ts": "{now_iso(-5)}", "values": {{"leak": true}}}}'
    body = (
        f'{{"readings": [{leak},'
        f'{{"device_id": ["LD-1"], "ts": "{now_iso(-4)}", "values": {{"leak": true}}}},'
        f'{{"device_id": {{"id": "D1"}}, "ts": "{now_iso(-4)}", "values": {{"temp": 1}}}},'
        f'{{"device_id": "D1", "ts": "{now_iso(-4)}", "values": {{"temp": {HUGE}}}}},'
        f'{{"device_id": "D2", "ts": "{now_iso(-4)}", "values": {{"temp": NaN}}}},'
        f'{{"device_id": "D3", "ts": "{now_iso(-4)}", "values": {{"temp": 21.0}}}}]}}'
    )
    headers = {"content-type": "application/json"}
    try:
        answer = httpx.post(f"{server.url}/api/v1/readings", content=body, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["accepted"] == 2
        assert [e["index"] for e in answer.json()["errors"]] == [1, 2, 3, 4]
        deep = b'{"readings": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        refused = httpx.post(f"{server.url}/api/v1/readings", content=deep, headers=headers)
        assert refused.status_code == 422
        (alarm,) = httpx.get(f"{server.url}/api/v1/alarms", params={"state": "open"}).json()
    finally:
        server.kill()
    again = Server(env)
    try:
        assert httpx.get(f"{again.url}/api/v1/devices/LD-1").json()["status"] == "alarm"
        listed = httpx.get(f"{again.url}/api/v1/alarms", params={"state": "open"}).json()
        assert [a["id"] for a in listed] == [alarm["id"]]
        history = httpx.get(f"{again.url}/api/v1/devices/D3/history").json()
        assert [h["value"] for h in history] == [21.0]
        retry = httpx.post(
            f"{again.url}/api/v1/readings", content=f'{{"readings": [{leak}]}}', headers=headers
        ).json()
        assert retry["rejected"] == {"duplicate": 1}  # refused because it is stored
    finally:
        again.kill()


def test_poisoned_mqtt_messages_are_counted_and_every_good_one_stored(env):
    server = Server(env)
    address = parse_mqtt_url(env["TWIN_MQTT_URL"])
    sender = MqttBatchPublisher(address.host, address.port)
    ts = now_iso(-1)
    poisoned = {
        5: b'{"ts": "%s", "values": {"temp": %s}}' % (ts.encode(), HUGE.encode()),
        150: b"[" * 100_000 + b"]" * 100_000,
        250: b'{"ts": "%s", "values": {"temp": NaN}}' % ts.encode(),
        399: b'{"ts": %s, "values": {"temp": 1.0}}' % HUGE.encode(),
    }
    good = b'{"ts": "%s", "values": {"temp": 20.5}}' % ts.encode()
    try:
        sender.publish_many(
            (topic_for("B1", f"D{n}"), poisoned.get(n, good)) for n in range(SENSORS)
        )
        assert sender.wait_acknowledged(10)

        def counted() -> dict[str, int] | None:
            counts = httpx.get(f"{server.url}/api/v1/readings/rejections").json()
            total = counts["accepted"] + sum(counts["rejected"].values())
            return counts if total >= SENSORS else None

        counts = wait_for(counted)
        assert counts["accepted"] == SENSORS - len(poisoned)
        assert (counts["rejected"]["malformed"], counts["rejected"]["out_of_range"]) == (2, 2)
        for n in range(SENSORS):
            history = httpx.get(f"{server.url}/api/v1/devices/D{n}/history").json()
            assert len(history) == (0 if n in poisoned else 1), n
    finally:
        sender.close()
        server.kill()
