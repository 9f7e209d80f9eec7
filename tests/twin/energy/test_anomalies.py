"""Anomalies from the rollups, raised and ended as device alarms."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.twin.devices.conftest import FakeClock, make_service
from tests.twin.energy.helpers import CST, building, energy_service, us
from twin.devices.reasons import reason_of
from twin.devices.registry import parse_rows
from twin.devices.store import BatchWriter

#: The checked day: Wednesday 21 October 2026 (a working day).
DAY = date(2026, 10, 21)
ROWS = [
    {"device_id": "MAIN", "point": "energy", "brick_class": "Electric_Energy_Sensor",
     "unit": "kWh", "kind": "interval", "feeds": "building"},
    {"device_id": "L101", "point": "energy", "brick_class": "Electric_Energy_Sensor",
     "unit": "kWh", "kind": "interval", "feeds": "101;MAIN"},
    {"device_id": "L201", "point": "energy", "brick_class": "Electric_Energy_Sensor",
     "unit": "kWh", "kind": "interval", "feeds": "201;202;MAIN"},
]  # fmt: skip


def history(night_kwh_h: float = 0.5, jump: float = 1.0, main_factor: float = 2.0):  # type: ignore[no-untyped-def]
    """Hourly interval readings for four weeks up to the end of DAY: lights draw
    2 kWh/h in working hours and 0.5 kWh/h otherwise; on DAY room 101's circuit
    draws ``night_kwh_h`` at night and room 201/202's ``jump`` × its usual day."""
    rows = []
    first = datetime.combine(DAY - timedelta(days=28), datetime.min.time(), CST)
    for hour in range(29 * 24):
        ts = first + timedelta(hours=hour + 1)
        closing_day = ts.date()  # a step belongs to the moment of its closing reading
        is_working = closing_day.weekday() < 5 and 9 <= ts.hour <= 17
        base = 2.0 if is_working else 0.5
        l101 = base
        l201 = base
        if closing_day == DAY:
            l101 = base if is_working else night_kwh_h
            l201 = base * jump
        rows.append(("L101", "energy", us(ts), l101))
        rows.append(("L201", "energy", us(ts), l201))
        rows.append(
            ("MAIN", "energy", us(ts), (l101 + l201) * (main_factor if closing_day == DAY else 2.0))
        )
    return rows


@pytest.fixture
def setup(engine):  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime(2026, 10, 22, 9, tzinfo=CST).timestamp())
    known = building()
    devices = make_service(
        engine.url.render_as_string(hide_password=False), clock, buildings=lambda _id: known
    )
    devices.load_registry("K", parse_rows(ROWS))
    service = energy_service(engine)
    service.devices = devices
    service.clock = clock
    yield service, devices, known
    devices.close()


def kinds(found):  # type: ignore[no-untyped-def]
    return sorted((a.kind, a.device_id) for a in found)


def test_a_quiet_day_has_no_anomaly(setup):
    service, _devices, known = setup
    BatchWriter(service.engine).submit_readings(history()).result(30)
    assert service.anomalies(service.site("K", known), DAY) == []


def test_lights_left_on_at_night_are_raised_with_the_room(setup):
    service, devices, known = setup
    BatchWriter(service.engine).submit_readings(history(night_kwh_h=1.2)).result(30)
    site = service.site("K", known)
    found = service.raise_anomalies(site, DAY)
    assert kinds(found) == [("night", "L101")]
    (night,) = found
    assert night.rooms == ("R101",)
    # Working days are 08:30-18:00: 14.5 hours off, holding 15 hourly readings.
    assert night.value == pytest.approx(15 * 1.2 / 14.5)
    assert night.baseline == pytest.approx(15 * 0.5 / 14.5)
    (alarm,) = devices.alarms(building_id="K", state="open")
    assert alarm.kind == "energy" and alarm.point == "energy:night"
    assert alarm.device_id == "L101" and alarm.global_id == "R101"
    assert "101 办公室" in alarm.reason
    # The reason carries its code and parameters, so a client shows it in its language.
    assert alarm.reason_code == "night"
    assert alarm.reason_params["rooms"] == ["101 办公室"]
    assert alarm.reason_params["value"] == pytest.approx(night.value, abs=0.005)
    assert alarm.reason_params["baseline"] == pytest.approx(night.baseline, abs=0.005)
    # The next day is quiet again: the alarm's condition ends.
    service.raise_anomalies(site, DAY + timedelta(days=1))
    (ended,) = devices.alarms(building_id="K")
    assert not ended.active


def test_a_jump_against_the_same_weekday(setup):
    service, _devices, known = setup
    BatchWriter(service.engine).submit_readings(history(jump=2.0)).result(30)
    found = service.anomalies(service.site("K", known), DAY)
    assert kinds(found) == [("jump", "L201")]
    jump = next(a for a in found if a.kind == "jump")
    assert jump.rooms == ("R201", "R202")
    assert jump.value == pytest.approx(2 * (9 * 2.0 + 15 * 0.5))
    assert reason_of("energy", jump.condition, jump.reason) == (
        "jump",
        {"medium": "electricity", "day": DAY.isoformat(), "value": round(jump.value, 2),
         "unit": "kWh", "baseline": round(jump.baseline, 2),
         "rooms": ["201 办公室", "202 办公室"], "more_rooms": 0},
    )  # fmt: skip


def test_sub_meters_above_their_parent(setup):
    service, _devices, known = setup
    BatchWriter(service.engine).submit_readings(history(main_factor=0.9)).result(30)
    found = service.anomalies(service.site("K", known), DAY)
    assert kinds(found) == [("submeters", "MAIN")]
    assert found[0].rooms == ("R101", "R201", "R202")
    code, params = reason_of("energy", found[0].condition, found[0].reason) or ("", {})
    assert code == "submeters" and params["meters"] == ["L101", "L201"]
    assert params["parent"] == "MAIN" and params["value"] > params["baseline"]
