"""Nothing good is lost because of something bad: batch items and MQTT messages are
checked one by one, and memory never runs ahead of the database."""

from __future__ import annotations

import json
import threading
import time

from tests.twin.devices.conftest import ROWS, FakeClock, make_service
from tests.twin.devices.test_mqtt import client_id, wait_for
from twin.devices.ingestion import LOCK_CHUNK, MAX_BATCH_READINGS
from twin.devices.mqtt.ingest import MqttIngest, parse_mqtt_url
from twin.devices.mqtt.publisher import MqttBatchPublisher
from twin.devices.mqtt.topics import topic_for
from twin.devices.registry import parse_rows

#: An integer of 400 digits: valid JSON, no float can hold it.
HUGE = 10**400
#: JSON nested far deeper than any parser recursion limit.
DEEP = b"[" * 100_000 + b"]" * 100_000


def test_bad_items_are_rejected_by_index_and_the_good_ones_survive_a_restart(tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'i.sqlite3'}"
    service = make_service(url, clock)
    service.load_registry("B1", parse_rows(ROWS))
    leak = {"device_id": "LD-01", "ts": clock.iso(-10), "values": {"leak": True}}
    temp = {"device_id": "TS-01", "ts": clock.iso(-4), "values": {"temp": 21.0}}
    batch = [
        leak,
        {"device_id": ["LD-01"], "ts": clock.iso(-9), "values": {"leak": True}},
        {"device_id": {"id": "LD-01"}, "ts": clock.iso(-9), "values": {"leak": True}},
        {"device_id": HUGE, "ts": clock.iso(-9), "values": {"leak": True}},
        {"device_id": "TS-01", "ts": clock.iso(-5), "values": {"temp": HUGE}},
        {"device_id": "TS-01", "ts": clock.iso(-5), "values": {"temp": float("nan")}},
        {"device_id": "TS-01", "ts": ["2026"], "values": {"temp": 20.0}},
        temp,
    ]
    report = service.ingest(batch)
    assert report.durable is not None
    report.durable.result(10)
    assert report.accepted == 2
    assert [(e.index, e.reason) for e in report.errors] == [
        (1, "malformed"),
        (2, "malformed"),
        (3, "malformed"),
        (4, "out_of_range"),
        (5, "out_of_range"),
        (6, "malformed"),
    ]
    assert all(e.detail for e in report.errors)
    (alarm,) = service.alarms(state="open")
    # A retry of a stored reading is a duplicate because it is stored, not lost.
    assert service.ingest([leak, temp]).rejected == {"duplicate": 2}
    service.close()

    again = make_service(url, clock)
    try:
        assert again.state("LD-01").status == "alarm"
        assert [a.id for a in again.alarms(state="open")] == [alarm.id]
        assert again.state("TS-01").points["temp"].value == 21.0
        assert [(d, p, v) for d, p, _, v in again.history(["LD-01", "TS-01"])] == [
            ("LD-01", "leak", 1.0),
            ("TS-01", "temp", 21.0),
        ]
    finally:
        again.close()


def test_a_batch_longer_than_the_limit_changes_nothing(service, clock):
    from twin.devices.errors import BatchTooLongError

    item = {"device_id": "LD-01", "ts": clock.iso(), "values": {"leak": True}}
    try:
        service.ingest([item] * (MAX_BATCH_READINGS + 1))
    except BatchTooLongError:
        pass
    else:
        raise AssertionError("a batch over the limit was taken")
    assert service.state("LD-01").points == {}
    assert service.alarms() == []


def test_a_reader_gets_the_lock_while_a_maximal_batch_is_applied(tmp_path):
    clock = FakeClock(time.time())
    service = make_service(f"sqlite:///{tmp_path / 'l.sqlite3'}", clock)
    devices = 1000
    rows = [
        {"device_id": f"D{n}", "point": "temp", "brick_class": "Temperature_Sensor",
         "unit": "degC"}
        for n in range(devices)
    ]  # fmt: skip
    service.load_registry("B1", parse_rows(rows))
    rounds = MAX_BATCH_READINGS // devices
    assert rounds * devices > 4 * LOCK_CHUNK
    # Device D0 gets one reading per round, 20.0, 21.0, ...: a reader that only ever
    # sees "nothing yet" or the last value waited for the whole batch.
    batch = [
        {"device_id": f"D{i % devices}", "ts": clock.iso(i // devices - rounds),
         "values": {"temp": 20.0 + i // devices}}
        for i in range(rounds * devices)
    ]  # fmt: skip
    seen: set[float] = set()
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            point = service.state("D0").points.get("temp")
            if point is not None:
                seen.add(float(point.value))
            time.sleep(0.0005)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        time.sleep(0.01)
        report = service.ingest(batch)
        assert report.accepted == len(batch)
    finally:
        done.set()
        thread.join()
        service.close()
    last = 20.0 + rounds - 1
    assert seen - {last}, f"the reader saw only {sorted(seen)}"


def test_poisoned_mqtt_messages_do_not_drop_their_read(mosquitto, tmp_path):
    clock = FakeClock(time.time())
    service = make_service(f"sqlite:///{tmp_path / 'p.sqlite3'}", clock)
    devices = 400
    rows = [
        {"device_id": f"D{n}", "point": "temp", "brick_class": "Temperature_Sensor",
         "unit": "degC"}
        for n in range(devices)
    ]  # fmt: skip
    service.load_registry("B1", parse_rows(rows))
    poisoned = {
        7: b'{"ts": "%s", "values": {"temp": %s}}' % (clock.iso(-1).encode(), str(HUGE).encode()),
        99: DEEP,
        200: b'{"ts": "%s", "values": {"temp": NaN}}' % clock.iso(-1).encode(),
        333: b'{"ts": %s, "values": {"temp": 1.0}}' % str(HUGE).encode(),
    }
    good = json.dumps({"ts": clock.iso(-1), "values": {"temp": 21.5}}).encode()
    ingest = MqttIngest(service, mosquitto.url, client_id=client_id())
    ingest.start()
    address = parse_mqtt_url(mosquitto.url)
    sender = MqttBatchPublisher(address.host, address.port)
    try:
        # One pipelined burst: the subscriber reads many of these messages at once.
        sender.publish_many(
            (topic_for("B1", f"D{n}"), poisoned.get(n, good)) for n in range(devices)
        )
        assert sender.wait_acknowledged(10)
        wait_for(lambda: ingest.acknowledged == devices)
        stored = {d for d, *_ in service.history([f"D{n}" for n in range(devices)])}
        assert stored == {f"D{n}" for n in range(devices) if n not in poisoned}
        counts = service.rejections()
        assert (counts["malformed"], counts["out_of_range"]) == (2, 2)
        assert service.counters.accepted == devices - len(poisoned)
    finally:
        sender.close()
        ingest.stop()
        service.close()


def test_a_read_whose_handler_fails_is_not_acknowledged_and_comes_again(mosquitto):
    from tests.twin.devices.test_mqtt import publisher
    from twin.devices.mqtt.client import MqttSubscriber

    address = parse_mqtt_url(mosquitto.url)
    seen: list[tuple[bytes, bool]] = []

    def handler(messages):  # type: ignore[no-untyped-def]
        seen.extend((m.payload, m.dup) for m in messages)
        if len(seen) == 1:
            raise RuntimeError("a bug in the handler")
        return None

    subscriber = MqttSubscriber(
        address.host, address.port, "bugtest/+", handler, client_id=client_id()
    )
    subscriber.start()
    client = publisher(mosquitto.url)
    try:
        client.publish("bugtest/a", b"once", qos=1).wait_for_publish(10)
        wait_for(lambda: subscriber.acknowledged == 1)
        assert seen == [(b"once", False), (b"once", True)]  # delivered again, then acknowledged
    finally:
        client.loop_stop()
        client.disconnect()
        subscriber.stop()
