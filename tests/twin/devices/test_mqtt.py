"""MQTT ingestion through a real Mosquitto broker."""

from __future__ import annotations

import json
import time

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.twin.devices.conftest import ROWS, FakeClock, make_service
from twin.devices.mqtt import MqttIngest, parse_mqtt_url, topic_for
from twin.devices.registry import parse_rows

WAIT_S = 10.0


def publisher(url: str) -> mqtt.Client:
    address = parse_mqtt_url(url)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect(address.host, address.port)
    client.loop_start()
    return client


def wait_for(condition, timeout_s: float = WAIT_S) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


def test_states_arrive_over_mqtt_and_bad_messages_are_counted(mosquitto, tmp_path):
    clock = FakeClock(time.time())
    service = make_service(f"sqlite:///{tmp_path / 'm.sqlite3'}", clock)
    service.load_registry("B1", parse_rows(ROWS))
    ingest = MqttIngest(service, mosquitto.url)
    ingest.start()
    client = publisher(mosquitto.url)
    try:
        assert ingest.subscribed
        good = {"ts": clock.iso(), "values": {"leak": True}}
        messages = [
            (topic_for("B1", "LD-01"), json.dumps(good)),
            (topic_for("B1", "LD-01"), "not json"),
            (topic_for("B1", "GHOST"), json.dumps(good)),
            (topic_for("B1", "TS-01"), json.dumps({"ts": clock.iso(), "values": {"temp": 999}})),
            (topic_for("B1", "LD-01"), json.dumps(good)),  # duplicate
            (topic_for("B1", "TS-01"), json.dumps({"ts": clock.iso(), "values": {"temp": 21}})),
        ]
        for topic, payload in messages:
            client.publish(topic, payload, qos=1).wait_for_publish(WAIT_S)
        wait_for(lambda: ingest.received == len(messages))
        assert service.state("LD-01").status == "alarm"
        assert service.state("TS-01").points["temp"].value == 21.0
        counts = service.rejections()
        assert (counts["not_json"], counts["unknown_device"], counts["out_of_range"]) == (1, 1, 1)
        assert counts["duplicate"] == 1
    finally:
        client.loop_stop()
        client.disconnect()
        ingest.stop()
        service.close()


def test_shared_subscription_splits_the_load(mosquitto, tmp_path):
    clock = FakeClock(time.time())
    services, ingests = [], []
    for index in range(2):
        service = make_service(f"sqlite:///{tmp_path / f's{index}.sqlite3'}", clock)
        rows = [
            {"device_id": f"D{n}", "point": "temp", "brick_class": "Temperature_Sensor",
             "unit": "degC"}
            for n in range(100)
        ]  # fmt: skip
        service.load_registry("B1", parse_rows(rows))
        ingest = MqttIngest(service, mosquitto.url, share_group="twin-test")
        ingest.start()
        services.append(service)
        ingests.append(ingest)
    client = publisher(mosquitto.url)
    try:
        for n in range(100):
            payload = json.dumps({"ts": clock.iso(), "values": {"temp": 20.0}})
            info = client.publish(topic_for("B1", f"D{n}"), payload, qos=1)
        info.wait_for_publish(WAIT_S)
        wait_for(lambda: sum(i.received for i in ingests) >= 100)
        time.sleep(0.1)  # a message delivered twice would show up now
        assert sum(i.received for i in ingests) == 100
        assert all(i.received > 0 for i in ingests), [i.received for i in ingests]
    finally:
        client.loop_stop()
        client.disconnect()
        for ingest, service in zip(ingests, services, strict=True):
            ingest.stop()
            service.close()


@pytest.mark.parametrize("url", ["http://x", "mqtt://"])
def test_bad_broker_urls_are_refused(url):
    from twin.devices.mqtt import MqttConfigError

    with pytest.raises(MqttConfigError):
        parse_mqtt_url(url)
