"""MQTT ingestion through a real Mosquitto broker."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from concurrent.futures import Future

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.fixtures.services import _wait_port, mosquitto_binary, start_mosquitto, stop
from tests.twin.devices.conftest import ROWS, FakeClock, make_service
from twin.devices.mqtt.client import MqttSubscriber
from twin.devices.mqtt.ingest import MqttIngest, parse_mqtt_url
from twin.devices.mqtt.publisher import MqttBatchPublisher
from twin.devices.mqtt.topics import topic_for
from twin.devices.publish import MqttPublisher
from twin.devices.registry import parse_rows

WAIT_S = 10.0


def publisher(url: str) -> mqtt.Client:
    address = parse_mqtt_url(url)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect(address.host, address.port)
    client.loop_start()
    return client


def client_id() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


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
    ingest = MqttIngest(service, mosquitto.url, client_id=client_id())
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
        ingest = MqttIngest(service, mosquitto.url, share_group="twin-test", client_id=client_id())
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


def test_messages_published_while_the_service_is_down_arrive_after_it_reconnects(
    mosquitto, tmp_path
):
    clock = FakeClock(time.time())
    service = make_service(f"sqlite:///{tmp_path / 'p.sqlite3'}", clock)
    rows = [
        {"device_id": f"D{n}", "point": "temp", "brick_class": "Temperature_Sensor",
         "unit": "degC"}
        for n in range(50)
    ]  # fmt: skip
    service.load_registry("B1", parse_rows(rows))
    session = client_id()
    first = MqttIngest(service, mosquitto.url, client_id=session)
    first.start()
    assert first.subscribed
    first.stop()  # a restart: the broker keeps the session and queues for it
    client = publisher(mosquitto.url)
    try:
        for n in range(50):
            payload = json.dumps({"ts": clock.iso(), "values": {"temp": 20.0 + n / 10}})
            info = client.publish(topic_for("B1", f"D{n}"), payload, qos=1)
        info.wait_for_publish(WAIT_S)
        second = MqttIngest(service, mosquitto.url, client_id=session)
        second.start()
        try:
            assert second.client.session_present
            wait_for(lambda: second.acknowledged == 50)
            assert service.state("D49").points["temp"].value == pytest.approx(24.9)
            assert len(service.history([f"D{n}" for n in range(50)])) == 50
        finally:
            second.stop()
    finally:
        client.loop_stop()
        client.disconnect()
        service.close()


def test_a_message_not_yet_durable_is_not_acknowledged_and_comes_again(mosquitto):
    # QoS 1 acknowledgements are hop by hop: what proves the PUBACK waited is that
    # the broker hands the message again to the next connection of the session.
    address = parse_mqtt_url(mosquitto.url)
    session = client_id()
    never: Future[None] = Future()
    seen: list[tuple[bytes, bool]] = []

    def stuck(messages):  # type: ignore[no-untyped-def]
        seen.extend((m.payload, m.dup) for m in messages)
        return never  # e.g. the process dies before the commit

    subscriber = MqttSubscriber(address.host, address.port, "acktest/+", stuck, client_id=session)
    subscriber.start()
    client = publisher(mosquitto.url)
    try:
        client.publish("acktest/a", b"1", qos=1).wait_for_publish(WAIT_S)
        wait_for(lambda: len(seen) == 1)
        subscriber.stop(drain_s=0)
        assert subscriber.acknowledged == 0

        def durable(messages):  # type: ignore[no-untyped-def]
            seen.extend((m.payload, m.dup) for m in messages)
            return None

        again = MqttSubscriber(address.host, address.port, "acktest/+", durable, client_id=session)
        again.start()
        try:
            wait_for(lambda: again.acknowledged == 1)
            assert seen == [(b"1", False), (b"1", True)]
        finally:
            again.stop()
    finally:
        client.loop_stop()
        client.disconnect()


def test_a_failed_commit_is_not_acknowledged_and_comes_again(mosquitto):
    address = parse_mqtt_url(mosquitto.url)
    seen: list[tuple[bytes, bool]] = []

    def handler(messages):  # type: ignore[no-untyped-def]
        future: Future[None] = Future()
        seen.extend((m.payload, m.dup) for m in messages)
        if len(seen) == 1:
            future.set_exception(OSError("disk full"))
        else:
            future.set_result(None)
        return future

    subscriber = MqttSubscriber(
        address.host, address.port, "failtest/+", handler, client_id=client_id()
    )
    subscriber.start()
    client = publisher(mosquitto.url)
    try:
        info = client.publish("failtest/a", b"once", qos=1)
        info.wait_for_publish(WAIT_S)
        wait_for(lambda: subscriber.acknowledged == 1)
        assert seen[0] == (b"once", False)
        assert seen[-1] == (b"once", True)  # redelivered after the reconnect
        assert subscriber.connections >= 2
    finally:
        client.loop_stop()
        client.disconnect()
        subscriber.stop()


@pytest.mark.parametrize("url", ["http://x", "mqtt://"])
def test_bad_broker_urls_are_refused(url):
    from twin.devices.mqtt.broker import MqttConfigError

    with pytest.raises(MqttConfigError):
        parse_mqtt_url(url)


def test_thousands_of_pipelined_messages_arrive_in_batches_and_are_acknowledged(
    mosquitto, tmp_path
):
    clock = FakeClock(time.time())
    service = make_service(f"sqlite:///{tmp_path / 'b.sqlite3'}", clock)
    rows = [
        {"device_id": f"D{n}", "point": "temp", "brick_class": "Temperature_Sensor",
         "unit": "degC"}
        for n in range(1000)
    ]  # fmt: skip
    service.load_registry("B1", parse_rows(rows))
    ingest = MqttIngest(service, mosquitto.url, client_id=client_id())
    ingest.start()
    address = parse_mqtt_url(mosquitto.url)
    sender = MqttBatchPublisher(address.host, address.port)
    try:
        for second in range(3):
            ts = clock.iso(second - 3)
            payload = json.dumps({"ts": ts, "values": {"temp": 20.0 + second}}).encode()
            sender.publish_many((topic_for("B1", f"D{n}"), payload) for n in range(1000))
        assert sender.wait_acknowledged(WAIT_S)
        wait_for(lambda: ingest.acknowledged == 3000)
        assert service.counters.accepted == 3000
        assert service.state("D999").points["temp"].value == 22.0
    finally:
        sender.close()
        ingest.stop()
        service.close()


def test_the_client_reconnects_after_the_broker_restarts_and_keeps_alive(tmp_path):
    broker = start_mosquitto(tmp_path)
    address = parse_mqtt_url(broker.url)
    seen: list[bytes] = []

    def handler(messages):  # type: ignore[no-untyped-def]
        seen.extend(m.payload for m in messages)
        return None

    subscriber = MqttSubscriber(
        address.host, address.port, "restart/+", handler, client_id=client_id(), keepalive_s=1
    )
    subscriber.start()
    try:
        assert subscriber.subscribed
        time.sleep(2.5)  # past 1.5 keep-alives: only our pings keep the link open
        assert subscriber.connections == 1 and subscriber.subscribed
        stop(broker.process)
        wait_for(lambda: not subscriber.subscribed)
        (tmp_path / "again").mkdir()
        config = (tmp_path / "mosquitto.conf").read_text()
        (tmp_path / "again" / "mosquitto.conf").write_text(config)
        process = subprocess.Popen(
            [mosquitto_binary(), "-c", str(tmp_path / "again" / "mosquitto.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_port(address.port, process)
            wait_for(lambda: subscriber.subscribed)
            assert subscriber.connections == 2
            client = publisher(broker.url)
            try:
                client.publish("restart/a", b"back", qos=1).wait_for_publish(WAIT_S)
                wait_for(lambda: seen == [b"back"])
            finally:
                client.loop_stop()
                client.disconnect()
        finally:
            stop(process)
    finally:
        subscriber.stop()


def test_the_simulator_publisher_delivers_readings_to_the_service(mosquitto, tmp_path):
    clock = FakeClock(time.time())
    service = make_service(f"sqlite:///{tmp_path / 'sim.sqlite3'}", clock)
    service.load_registry("B1", parse_rows(ROWS))
    ingest = MqttIngest(service, mosquitto.url, client_id=client_id())
    ingest.start()
    sender = MqttPublisher(mosquitto.url, "B1")
    try:
        answer = sender.publish(
            [
                {"device_id": "TS-01", "ts": clock.iso(), "values": {"temp": 22.5}},
                {"device_id": "LD-01", "ts": clock.iso(), "values": {"leak": False}},
            ]
        )
        assert answer == {"published": 2}
        wait_for(lambda: ingest.acknowledged == 2)
        assert service.state("TS-01").points["temp"].value == 22.5
    finally:
        sender.close()
        ingest.stop()
        service.close()
