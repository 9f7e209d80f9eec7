"""Every figure of the generated building with known consumption (helpers.py), on
SQLite and PostgreSQL: counter resets, a replaced meter, a gap, a holiday,
apportioning by area, unmetered loss, per m², per person, kgce."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.twin.energy.helpers import (
    ALLOCATIONS,
    AREAS,
    CST,
    END,
    HOURS,
    ORG_X,
    ORG_Y,
    START,
    building,
    devices,
    energy_service,
    readings,
    us,
)
from twin.devices.store import BatchWriter
from twin.energy import rollup
from twin.energy.errors import EnergyQueryError, MeterConfigError

#: Each meter's consumption over [START, END), worked out by hand (see helpers.py).
MAIN, F1, F2, C101 = 6.0 * HOURS, 3.0 * (HOURS - 1) + 0.5, 2.0 * HOURS, 1.0 * (HOURS - 1)
#: Working hours: Thursday 24 and Monday 28 only (25-27 is the holiday); readings
#: closing 09:00 ... 17:00 fall in 08:30-18:00, 9 a day.
WORKING = {"MAIN": 2 * 9 * 6.0, "F1": 2 * 9 * 3.0, "F2": 2 * 9 * 2.0, "C101": 2 * 9 * 1.0}
TOTAL_AREA = sum(AREAS.values())
FLOOR1 = AREAS["R101"] + AREAS["R102"] + AREAS["R103"]


def own() -> dict[str, float]:
    """Each meter's own consumption: its own less its sub-meters'."""
    return {"MAIN": MAIN - F1 - F2, "F1": F1 - C101, "F2": F2, "C101": C101}


def rooms() -> dict[str, float]:
    """Consumption per room: MAIN's own by area over the building, F1's over 1F, F2's
    over 2F, C101's in room 101."""
    o = own()
    out = {gid: o["MAIN"] * area / TOTAL_AREA for gid, area in AREAS.items()}
    for gid in ("R101", "R102", "R103"):
        out[gid] += o["F1"] * AREAS[gid] / FLOOR1
    for gid in ("R201", "R202"):
        out[gid] += o["F2"] * AREAS[gid] / (AREAS["R201"] + AREAS["R202"])
    out["R101"] += o["C101"]
    return out


@pytest.fixture
def loaded(engine):  # type: ignore[no-untyped-def]
    writer = BatchWriter(engine)
    writer.submit_readings(readings()).result(30)
    service = energy_service(engine)
    site = service.site("K", building(), devices=devices(), allocations=ALLOCATIONS)
    return service, site


def by_key(answer):  # type: ignore[no-untyped-def]
    return {row["key"]: row for row in answer["rows"]}


def test_building_total_counts_resets_replacement_and_gap_exactly(loaded):
    service, site = loaded
    answer = service.consumption(site, by="building", start=START, end=END)
    assert answer["total"] == pytest.approx(MAIN, abs=1e-6)
    assert answer["unit"] == "kWh" and answer["medium"] == "electricity"
    assert answer["from"] == "2026-09-23T16:00:00Z" and answer["to"] == "2026-09-28T16:00:00Z"
    (row,) = answer["rows"]
    assert row["consumption"] == pytest.approx(MAIN, abs=1e-6)
    assert row["per_m2"] == pytest.approx(MAIN / TOTAL_AREA, abs=1e-6)
    assert row["per_person"] == pytest.approx(MAIN / 4, abs=1e-6)
    assert row["working_hours"] == pytest.approx(WORKING["MAIN"], abs=1e-6)
    assert row["non_working_hours"] == pytest.approx(MAIN - WORKING["MAIN"], abs=1e-6)
    assert row["kgce"] == pytest.approx(MAIN * 0.1229, abs=1e-6)
    assert row["co2_kg"] == pytest.approx(MAIN * 0.5703, abs=1e-6)


def test_each_meter_counts_exactly_from_its_readings(loaded):
    service, site = loaded
    service.refresh(site)
    amounts = rollup.totals(service.engine, site.meters.meters, service.working, us(START), us(END))
    expected = {"MAIN": MAIN, "F1": F1, "F2": F2, "C101": C101}
    for device_id, value in expected.items():
        amount = amounts[(device_id, "energy")]
        assert amount.total == pytest.approx(value, abs=1e-9), device_id
        assert amount.working == pytest.approx(WORKING[device_id], abs=1e-9), device_id
    assert amounts[("W1", "water")].total == pytest.approx(0.25 * HOURS, abs=1e-9)


def test_unmetered_loss_is_parents_less_their_sub_meters(loaded):
    service, site = loaded
    answer = service.consumption(site, by="building", start=START, end=END)
    losses = {item["meter"]: item for item in answer["unmetered_by_meter"]}
    assert set(losses) == {"MAIN", "F1"}
    assert losses["MAIN"]["loss"] == pytest.approx(MAIN - F1 - F2, abs=1e-6)
    assert losses["MAIN"]["sub_meters"] == pytest.approx(F1 + F2, abs=1e-6)
    assert losses["F1"]["loss"] == pytest.approx(F1 - C101, abs=1e-6)
    assert answer["unmetered"] == pytest.approx(MAIN - F1 - F2 + F1 - C101, abs=1e-6)


def test_storeys_apportion_shared_meters_by_area_and_sum_to_the_building(loaded):
    service, site = loaded
    answer = service.consumption(site, by="storey", start=START, end=END)
    rows = by_key(answer)
    expected = rooms()
    floor1 = sum(expected[g] for g in ("R101", "R102", "R103"))
    floor2 = sum(expected[g] for g in ("R201", "R202"))
    assert list(rows) == ["1F", "2F"]
    assert rows["1F"]["consumption"] == pytest.approx(floor1, abs=1e-6)
    assert rows["2F"]["consumption"] == pytest.approx(floor2, abs=1e-6)
    assert floor1 + floor2 == pytest.approx(MAIN)
    assert rows["1F"]["area_m2"] == FLOOR1
    assert rows["1F"]["per_m2"] == pytest.approx(floor1 / FLOOR1, abs=1e-6)
    assert rows["2F"]["persons"] == 1 and rows["2F"]["per_person"] == pytest.approx(
        floor2, abs=1e-6
    )
    assert sum(r["consumption"] for r in answer["rows"]) == pytest.approx(answer["total"], abs=1e-5)


def test_rooms_get_their_share_and_working_hours(loaded):
    service, site = loaded
    answer = service.consumption(site, by="room", start=START, end=END)
    rows = by_key(answer)
    for gid, value in rooms().items():
        assert rows[gid]["consumption"] == pytest.approx(value, abs=1e-6), gid
        assert rows[gid]["per_m2"] == pytest.approx(value / AREAS[gid], abs=1e-6), gid
    o_working = {
        "MAIN": WORKING["MAIN"] - WORKING["F1"] - WORKING["F2"],
        "F1": WORKING["F1"] - WORKING["C101"],
    }
    r202 = o_working["MAIN"] * AREAS["R202"] / TOTAL_AREA + WORKING["F2"] / 2
    assert rows["R202"]["working_hours"] == pytest.approx(r202, abs=1e-6)
    assert rows["R101"]["label"] == "101 办公室" and rows["R101"]["storey"] == "1F"


def test_departments_and_organisations_from_allocations_on_the_last_day(loaded):
    service, site = loaded
    expected = rooms()
    departments = by_key(service.consumption(site, by="department", start=START, end=END))
    assert departments["综合科"]["consumption"] == pytest.approx(expected["R101"], abs=1e-6)
    assert departments["综合科"]["per_person"] == pytest.approx(expected["R101"] / 2, abs=1e-6)
    finance = expected["R102"] + expected["R201"]
    assert departments["财务科"]["consumption"] == pytest.approx(finance, abs=1e-6)
    assert departments["财务科"]["persons"] == 2
    assert departments["(no department)"]["consumption"] == pytest.approx(
        expected["R103"] + expected["R202"], abs=1e-6
    )
    assert departments["(no department)"]["per_person"] is None
    organisations = by_key(service.consumption(site, by="organisation", start=START, end=END))
    assert organisations[ORG_X]["consumption"] == pytest.approx(
        expected["R101"] + expected["R102"], abs=1e-6
    )
    assert organisations[ORG_Y]["area_m2"] == AREAS["R201"]


def test_water_and_its_kgce(loaded):
    service, site = loaded
    answer = service.consumption(site, by="building", start=START, end=END, medium="water")
    assert answer["unit"] == "m3" and answer["total"] == pytest.approx(30.0, abs=1e-6)
    assert answer["kgce"] == pytest.approx(30.0 * 0.0857, abs=1e-6)
    assert answer["per_m2"] == pytest.approx(0.25, abs=1e-6)


def test_ranges_mix_daily_and_hourly_rollups(loaded):
    service, site = loaded
    # 10:00 on the 24th to 02:00 on the 25th: hours only (no whole day).
    answer = service.consumption(
        site, by="storey", start=datetime(2026, 9, 24, 10, tzinfo=CST),
        end=datetime(2026, 9, 25, 2, tzinfo=CST),
    )  # fmt: skip
    f2_rows = 16 * 2.0
    assert by_key(answer)["2F"]["consumption"] > f2_rows  # F2 plus MAIN's share
    hourly = service.consumption(
        site, by="building", start=datetime(2026, 9, 24, 10, tzinfo=CST),
        end=datetime(2026, 9, 26, 5, tzinfo=CST),
    )  # fmt: skip
    # 43 hours of MAIN; its gap (12:00-14:00 closed by 15:00) lies inside.
    assert hourly["total"] == pytest.approx(43 * 6.0, abs=1e-6)
    # The 25th is a holiday: no working hours; the 24th from 10:00 has 8 readings in them.
    assert hourly["working_hours"] == pytest.approx(8 * 6.0, abs=1e-6)


def test_a_range_starting_inside_the_gap_gets_the_whole_gap_step(loaded):
    service, site = loaded
    answer = service.consumption(
        site, by="building", start=datetime(2026, 9, 24, 13, tzinfo=CST),
        end=datetime(2026, 9, 24, 16, tzinfo=CST),
    )  # fmt: skip
    # The 15:00 reading closes 11:00-15:00 (24 kWh), then 16:00 is outside [13, 16).
    assert answer["total"] == pytest.approx(24.0, abs=1e-6)


def test_late_readings_within_the_window_are_counted_on_refresh(loaded):
    service, site = loaded
    before = service.consumption(site, by="building", start=START, end=END)
    # A reading that reaches the table after the rollup (another worker's backlog),
    # older than the meter's latest but inside the window a refresh recomputes: an
    # interval meter's extra kWh moves from MAIN's unmetered loss to F2.
    late = ("F2", "energy", us(datetime(2026, 9, 28, 20, 30, tzinfo=CST)), 1.0)
    BatchWriter(service.engine).submit_readings([late]).result(10)
    after = service.consumption(site, by="building", start=START, end=END)
    assert after["total"] == pytest.approx(before["total"], abs=1e-6)
    assert after["unmetered"] == pytest.approx(before["unmetered"] - 1.0, abs=1e-6)


def test_bad_ranges_and_groupings_are_clear_errors(loaded):
    service, site = loaded
    with pytest.raises(EnergyQueryError, match="whole hours"):
        service.consumption(site, by="building", start=START.replace(minute=30), end=END)
    with pytest.raises(EnergyQueryError, match="before"):
        service.consumption(site, by="building", start=END, end=START)
    with pytest.raises(EnergyQueryError, match="offset"):
        service.consumption(site, by="building", start=START.replace(tzinfo=None), end=END)
    with pytest.raises(EnergyQueryError, match="by="):
        service.consumption(site, by="floor", start=START, end=END)  # type: ignore[arg-type]
    with pytest.raises(EnergyQueryError, match="medium"):
        service.consumption(site, by="building", start=START, end=END, medium="oil")


def test_unknown_feeds_and_cycles_are_reported_all_at_once(engine):
    from tests.twin.energy.helpers import REGISTRY
    from twin.devices.registry import bind, parse_rows

    rows = [dict(r) for r in REGISTRY]
    rows[0]["feeds"] = "F2"  # MAIN under F2 under MAIN: a cycle
    rows[3]["feeds"] = "999;F1"
    service = energy_service(engine)
    with pytest.raises(MeterConfigError) as caught:
        service.site("K", building(), devices=bind("K", building(), parse_rows(rows)).devices)
    message = str(caught.value)
    assert "cycle" in message and "'999'" in message


def test_series_per_day_shows_the_holiday(loaded):
    service, site = loaded
    answer = service.series(site, start=START, end=END, period="day")
    points = answer["points"]
    assert [p["start"] for p in points][:2] == ["2026-09-23T16:00:00Z", "2026-09-24T16:00:00Z"]
    assert [p["consumption"] for p in points] == pytest.approx([6.0 * 24] * 5)
    assert [p["working_hours"] for p in points] == pytest.approx([54.0, 0.0, 0.0, 0.0, 54.0])
    with pytest.raises(EnergyQueryError, match="midnight"):
        service.series(site, start=START.replace(hour=3), end=END, period="day")
