"""The device service on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import pytest

from spatial.records import Building, Equipment, Space, Storey
from tests.twin.devices.conftest import ROWS, FakeClock, make_service
from twin.devices.errors import AlarmTransitionError, UnknownDeviceError, WorkOrderTransitionError
from twin.devices.occupancy import utilisation
from twin.devices.registry import parse_rows


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'twin.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def svc(database_url, clock):  # type: ignore[no-untyped-def]
    service = make_service(database_url, clock)
    service.load_registry("B1", parse_rows(ROWS))
    yield service
    service.close()


def reading(clock: FakeClock, device_id: str, offset_s: float = 0.0, **values: object) -> dict:
    return {"device_id": device_id, "ts": clock.iso(offset_s), "values": values}


def test_states_and_alarms_follow_the_rules(svc, clock):
    report = svc.ingest([reading(clock, "TS-01", temp=22.0, co2=500)])
    assert report.accepted == 1
    assert svc.state("TS-01").status == "normal"
    svc.ingest([reading(clock, "TS-01", 1, temp=29.0)])
    state = svc.state("TS-01")
    assert state.status == "warning" and "above 28" in state.reason
    svc.ingest([reading(clock, "LD-01", 1, leak=True)])
    assert svc.state("LD-01").status == "alarm"
    open_alarms = svc.alarms(building_id="B1", state="open")
    assert {(a.device_id, a.point, a.severity) for a in open_alarms} == {
        ("TS-01", "temp", "warning"),
        ("LD-01", "leak", "alarm"),
    }
    svc.ingest([reading(clock, "TS-01", 2, temp=20.0)])
    assert svc.state("TS-01").status == "normal"
    with pytest.raises(UnknownDeviceError):
        svc.state("nope")


def test_every_bad_reading_is_counted_and_good_ones_kept(svc, clock):
    svc.ingest([reading(clock, "TS-01", -10, temp=22.0)])
    batch = [
        reading(clock, "TS-01", 0, temp=23.0),  # good
        "not an object",  # malformed
        {"device_id": "TS-01", "ts": "yesterday", "values": {"temp": 1}},  # malformed
        reading(clock, "GHOST", 0, temp=1.0),  # unknown device
        reading(clock, "LD-01", 0, humidity=3.0),  # unknown point
        reading(clock, "TS-01", 1, temp=999.0),  # out of range
        reading(clock, "LD-01", 3600, leak=False),  # from the future
        reading(clock, "TS-01", -20, temp=21.0),  # older than the latest
        reading(clock, "TS-01", 0, temp=23.0),  # duplicate of the good one
        reading(clock, "EM-01", 0, energy=12.5),  # good
    ]
    report = svc.ingest(batch)
    report.durable.result(10)
    assert report.accepted == 2
    assert dict(report.rejected) == {
        "malformed": 2,
        "unknown_device": 1,
        "unknown_point": 1,
        "out_of_range": 1,
        "future_timestamp": 1,
        "out_of_order": 1,
        "duplicate": 1,
    }
    assert svc.rejections()["duplicate"] == 1
    assert svc.state("TS-01").points["temp"].value == 23.0
    # The duplicate made no second history row, and a replay after the fact none either.
    svc.ingest([reading(clock, "TS-01", 0, temp=23.0)])
    rows = svc.history(["TS-01"], point="temp")
    assert [v for *_, v in rows] == [22.0, 23.0]


def test_mqtt_messages_that_are_not_json_are_counted(svc):
    assert svc.ingest_mqtt("twin/B1/TS-01/state", b"{oops") == "not_json"
    assert svc.ingest_mqtt("twin/OTHER/TS-01/state", b'{"ts":"2026-01-01T00:00:00Z"}') == (
        "unknown_device"
    )
    assert svc.rejections()["not_json"] == 1


def test_an_mqtt_batch_counts_each_bad_message_and_keeps_the_good_ones(svc, clock):
    good = b'{"ts": "%s", "values": {"temp": 21.0}}' % clock.iso().encode()
    messages = [
        ("twin/B1/TS-01/state", good),
        ("twin/B1/LD-01/state", b"\xff\xfe"),  # not UTF-8
        ("twin/B1/LD-01/state", b"[1, 2]"),  # JSON, not an object
        ("twin/B1/state", good),  # a topic outside the scheme
        ("twin/B1/LD-01/state", b'{"values": {"leak": true}}'),  # no ts
        ("twin/B1/EM-01/state", b'{"ts": "%s", "values": {"energy": 5}}' % clock.iso().encode()),
    ]
    report = svc.ingest_mqtt_batch(messages)
    assert report.accepted == 2
    assert dict(report.rejected) == {"not_json": 1, "malformed": 3}
    report.durable.result(10)
    assert [v for *_, v in svc.history(["TS-01", "EM-01"])] == [5.0, 21.0]
    assert svc.rejections()["malformed"] == 3


def test_offline_after_heartbeat_and_back_online(svc, clock):
    svc.ingest([reading(clock, "TS-01", temp=22.0), reading(clock, "LD-01", leak=False)])
    clock.now += 59
    assert svc.check_heartbeats() == []
    clock.now += 2
    raised = svc.check_heartbeats()
    assert {a.device_id for a in raised} == {"TS-01", "LD-01"}
    assert svc.state("TS-01").status == "offline"
    assert svc.state("EM-01").status == "normal"  # 300 s heartbeat
    svc.ingest([reading(clock, "TS-01", temp=22.0)])
    assert svc.state("TS-01").status == "normal"
    offline = [a for a in svc.alarms(device_id="TS-01") if a.point == "offline"]
    assert offline[0].active is False and offline[0].state == "raised"


def test_acknowledged_alarms_stay_acknowledged_then_clear(svc, clock):
    svc.ingest([reading(clock, "LD-01", leak=True)])
    (alarm,) = svc.alarms(state="open")
    acked, stored = svc.acknowledge(alarm.id, "wang")
    stored.result(10)
    assert acked.state == "acknowledged" and acked.acknowledged_by == "wang"
    for second in range(1, 4):
        svc.ingest([reading(clock, "LD-01", second, leak=True)])
    (still,) = svc.alarms(state="open")
    assert still.id == alarm.id and still.state == "acknowledged"
    with pytest.raises(AlarmTransitionError):
        svc.acknowledge(alarm.id, "li")
    svc.ingest([reading(clock, "LD-01", 5, leak=False)])
    assert svc.alarm(alarm.id).state == "cleared" and svc.alarm(alarm.id).cleared_by == "system"
    assert svc.alarms(state="open") == []


def test_restart_keeps_readings_alarms_acknowledgements_and_work_orders(database_url, clock):
    first = make_service(database_url, clock)
    first.load_registry("B1", parse_rows(ROWS))
    first.ingest([reading(clock, "LD-01", leak=True), reading(clock, "TS-01", temp=33.0)])
    leak = next(a for a in first.alarms() if a.device_id == "LD-01")
    first.acknowledge(leak.id, "wang")[1].result(10)
    order, stored = first.create_work_order(leak.id, by="wang", assignee="zhao")
    stored.result(10)
    before_alarms = {a.id: a for a in first.alarms()}
    first.close()

    second = make_service(database_url, clock)
    try:
        assert {a.id: a for a in second.alarms()} == before_alarms
        assert second.state("TS-01").status == "alarm"
        assert second.work_order(order.id) == order
        # A replay of what was stored is a duplicate, not a new alarm.
        report = second.ingest([reading(clock, "LD-01", leak=True)])
        assert report.rejected["duplicate"] == 1
        assert len(second.alarms(state="open")) == 2
    finally:
        second.close()


def test_work_order_lifecycle(svc, clock):
    svc.ingest([reading(clock, "LD-01", leak=True)])
    (alarm,) = svc.alarms()
    order, _ = svc.create_work_order(alarm.id, by="wang")
    assert order.status == "open" and order.alarm_id == alarm.id
    with pytest.raises(WorkOrderTransitionError):
        svc.update_work_order(order.id, by="wang", status="done")
    clock.now += 60
    order, _ = svc.update_work_order(order.id, by="zhao", status="in_progress", assignee="zhao")
    clock.now += 600
    order, stored = svc.update_work_order(order.id, by="zhao", status="done", note="dried")
    stored.result(10)
    assert order.started_at < order.done_at
    assert [n.text for n in order.notes] == ["created from alarm", "dried"]
    assert svc.work_orders(status="active") == []


PATROL_ROWS = [
    {"device_id": "FCU-1", "point": "on", "brick_class": "On_Off_Status", "unit": "bool"},
    {"device_id": "OCC-1", "point": "occupancy", "brick_class": "Occupancy_Count_Sensor",
     "unit": "count", "min": "0", "max": "100"},
    {"device_id": "LD-9", "point": "leak", "brick_class": "Leak_Detector_Equipment",
     "unit": "bool", "alarm_when": "true"},
]  # fmt: skip


def patrol_building() -> Building:
    return Building(
        name="p",
        global_id="P",
        sources=(),
        storeys=(Storey("S1", "1F", 0.0),),
        spaces=(Space("R1", "101", "Office", "S1"), Space("R2", "102", "弱电间", "S1")),
        equipment=(
            Equipment("G-FCU", "IfcUnitaryEquipment", "fcu", tag="FCU-1", space_id="R1"),
            Equipment("G-OCC", "IfcSensor", "occ", tag="OCC-1", space_id="R1"),
            Equipment("G-LD", "IfcSensor", "ld", tag="LD-9", space_id="R2"),
        ),
    )


def test_patrol_rules_combine_state_occupancy_and_hours(tmp_path, clock):
    building = patrol_building()
    service = make_service(
        f"sqlite:///{tmp_path / 'p.sqlite3'}", clock, buildings=lambda _id: building
    )
    try:
        service.load_registry("P", parse_rows(PATROL_ROWS))
        service.ingest([reading(clock, "FCU-1", on=True), reading(clock, "OCC-1", occupancy=3)])
        assert service.run_patrol() == []  # working hours, room occupied
        clock.now += 10
        service.ingest([reading(clock, "OCC-1", occupancy=0)])
        (waste,) = service.run_patrol()
        assert waste.point == "patrol:fcu-running-unoccupied" and waste.severity == "warning"
        assert service.state("FCU-1").status == "warning"
        clock.now += 10
        service.ingest([reading(clock, "OCC-1", occupancy=2)])
        service.run_patrol()
        assert service.state("FCU-1").status == "normal"
        clock.now += 12 * 3600  # 22:00 in Shanghai: after hours
        service.run_patrol()
        assert service.state("FCU-1").status == "warning"
        service.ingest([reading(clock, "LD-9", leak=True)])
        critical = [a for a in service.run_patrol() if a.severity == "critical"]
        assert [a.device_id for a in critical] == ["LD-9"]
        assert service.occupancy("P")["R1"].count == 2
        rows = service.history(["OCC-1"])
        start_us = round((clock.now - 12 * 3600) * 1e6)
        use = utilisation(service.devices("P"), rows, start_us=start_us - 20_000_000,
                          end_us=start_us + 10_000_000)  # fmt: skip
        assert use["R1"].ratio == pytest.approx(20 / 30)
    finally:
        service.close()


def test_a_lift_fault_is_visible_to_routing(tmp_path, clock):
    rows = [{"device_id": "LC-L1", "global_id": "G-LIFT", "point": "fault",
             "brick_class": "Fault_Status", "unit": "bool", "alarm_when": "true"}]  # fmt: skip
    service = make_service(f"sqlite:///{tmp_path / 'l.sqlite3'}", clock)
    try:
        service.load_registry("L", parse_rows(rows))
        service.ingest([reading(clock, "LC-L1", fault=True)])
        assert service.faulty_elements("L") == {"G-LIFT"}
        service.ingest([reading(clock, "LC-L1", 1, fault=False)])
        assert service.faulty_elements("L") == set()
    finally:
        service.close()


def test_a_reloaded_registry_replaces_the_faults_routing_sees(tmp_path, clock):
    fault = {"point": "fault", "brick_class": "Fault_Status", "unit": "bool"}
    first = [{"device_id": "LC-L1", "global_id": "G-LIFT", **fault},
             {"device_id": "T-1", "global_id": "G-LIFT", "point": "temp",
              "brick_class": "Temperature_Sensor", "unit": "degC"}]  # fmt: skip
    service = make_service(f"sqlite:///{tmp_path / 'l.sqlite3'}", clock)
    try:
        service.load_registry("L", parse_rows(first))
        service.load_registry(
            "M", parse_rows([{"device_id": "LC-M1", "global_id": "G-M", **fault}])
        )
        service.ingest([reading(clock, "LC-L1", fault=True), reading(clock, "LC-M1", fault=True)])
        assert service.faulty_elements("L") == {"G-LIFT"}
        # The lift's controller is now bound to another lift: its fault (none yet) moves.
        service.load_registry(
            "L", parse_rows([{"device_id": "LC-L1", "global_id": "G-L2", **fault}])
        )
        assert service.faulty_elements("L") == set()
        service.ingest([reading(clock, "LC-L1", 1, fault=True)])
        assert service.faulty_elements("L") == {"G-L2"}
        assert service.faulty_elements("M") == {"G-M"}
    finally:
        service.close()


def test_readings_of_the_future_within_clock_skew_are_accepted(svc, clock):
    report = svc.ingest([reading(clock, "TS-01", 4, temp=22.0)])
    assert report.accepted == 1
