"""Room heat maps over the stored history and viewpoints on work orders, on SQLite and on
a real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from spatial.records import Building, Equipment, Space, Storey
from tests.twin.devices.conftest import FakeClock, make_service
from twin.devices.errors import UnknownWorkOrderError
from twin.devices.heatmap import room_heat_map
from twin.devices.registry import parse_rows
from twin.devices.viewpoints import ViewpointStore

TEMP = {"brick_class": "Zone_Air_Temperature_Sensor", "unit": "degC", "min": "-20", "max": "60"}
ROWS = [
    {"device_id": "TS-1", "global_id": "G-TS1", "point": "temp", **TEMP},
    {"device_id": "TS-2", "global_id": "G-TS2", "point": "temp", **TEMP},
    {"device_id": "TS-3", "global_id": "G-TS3", "point": "temp", **TEMP, "alarm_above": "30"},
    {"device_id": "CO2-1", "global_id": "G-TS1", "point": "co2", "brick_class": "CO2_Sensor"},
]


def building() -> Building:
    return Building(
        name="h",
        global_id="H",
        sources=(),
        storeys=(Storey("S1", "1F", 0.0),),
        spaces=(
            Space("R1", "101", "", "S1"),
            Space("R2", "102", "", "S1"),
            Space("R3", "103", "", "S1"),
            Space("R4", "104", "", "S1"),
        ),
        equipment=(
            Equipment("G-TS1", "IfcSensor", "t1", space_id="R1"),
            Equipment("G-TS2", "IfcSensor", "t2", space_id="R1"),
            Equipment("G-TS3", "IfcSensor", "t3", space_id="R2"),
        ),
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def svc(request, tmp_path, clock):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'twin.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    service = make_service(url, clock, buildings=lambda _id: building())
    service.load_registry("H", parse_rows(ROWS))
    yield service
    service.close()


def _at(clock: FakeClock, offset_s: float) -> datetime:
    return datetime.fromtimestamp(clock.now + offset_s, UTC)


def test_a_room_is_the_mean_of_its_sensors_latest_readings_at_a_moment(svc, clock):
    readings = [
        {"device_id": "TS-1", "ts": clock.iso(-600), "values": {"temp": 18.0}},
        {"device_id": "TS-2", "ts": clock.iso(-600), "values": {"temp": 20.0}},
        {"device_id": "TS-1", "ts": clock.iso(-60), "values": {"temp": 24.0}},
        {"device_id": "CO2-1", "ts": clock.iso(-60), "values": {"co2": 900.0}},
    ]
    assert svc.ingest(readings).accepted == 4
    now = room_heat_map(svc, "H", "temperature", _at(clock, 0))
    rooms = {r.space_id: r for r in now.rooms}
    # R1: 24 (TS-1, newest) and 20 (TS-2); R2 has a sensor and no reading; R4 no sensor.
    assert rooms["R1"].value == pytest.approx(22.0)
    assert rooms["R1"].devices == ("TS-1", "TS-2")
    assert rooms["R2"].value is None and rooms["R2"].ts is None
    assert set(rooms) == {"R1", "R2"}
    assert now.unit == "degC"
    assert now.history_start == _at(clock, -600) and now.history_end == _at(clock, -60)
    earlier = {
        r.space_id: r.value for r in room_heat_map(svc, "H", "temperature", _at(clock, -300)).rooms
    }
    assert earlier["R1"] == pytest.approx(19.0)
    # Readings older than the age limit are missing data, not current values.
    stale = room_heat_map(svc, "H", "temperature", _at(clock, 0), max_age_s=120)
    assert {r.space_id: r.value for r in stale.rooms}["R1"] == pytest.approx(24.0)
    stale = room_heat_map(svc, "H", "temperature", _at(clock, 3600))
    assert all(r.value is None for r in stale.rooms)
    co2 = room_heat_map(svc, "H", "co2", _at(clock, 0))
    assert [(r.space_id, r.value) for r in co2.rooms] == [("R1", 900.0)]


def test_a_viewpoint_is_stored_with_its_work_order(svc, clock):
    svc.ingest([{"device_id": "TS-3", "ts": clock.iso(), "values": {"temp": 35.0}}])
    alarm = svc.alarms(building_id="H", state="open")[0]
    order, stored = svc.create_work_order(alarm.id, by="ops")
    stored.result(5)
    store = ViewpointStore(svc.engine, svc)
    saved = store.add(
        order.id,
        by="ops",
        camera_view_point=(1.0, 2.0, 30.0),
        camera_direction=(0.0, 0.0, -30.0),
        camera_up_vector=(0.0, 1.0, 0.0),
        field_of_view_deg=45.0,
        selection=["R2"],
        storey_id="S1",
        title="东侧 泄漏",
    )
    again = ViewpointStore(svc.engine, svc).list(order.id)
    assert again == [saved]
    assert again[0].created_at.tzinfo is not None
    with pytest.raises(UnknownWorkOrderError):
        store.list("nope")
