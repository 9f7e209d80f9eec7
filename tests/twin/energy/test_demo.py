"""The demo's meter hierarchy and simulated history: working days, a weekend and a
holiday, a faulty reset that never counts negative, losses as unmetered, and the
"left on at night" case raised as an alarm on the right rooms."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ifc_models.demo_building import generate_office_building
from tests.twin.devices.conftest import FakeClock, make_service
from tests.twin.energy.helpers import CST, energy_service
from twin.buildings.ingest import load_building
from twin.demo.energy import CIRCUIT, LOSS_SHARE, MAIN, demo_history, demo_meter_rows
from twin.demo.simulator import template_rows
from twin.devices.store import BatchWriter

#: The history ends on Tuesday 13 October 2026, 08:00: it holds the National Day
#: holiday (1-7 October) and the make-up Saturday 10 October.
END = datetime(2026, 10, 13, 8, tzinfo=CST)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("energy-demo") / "office.ifc"
    generate_office_building(path, storeys=3, rooms_per_storey=12)
    building = load_building([path])
    return building, demo_meter_rows(building, template_rows(building))


def test_the_demo_meters_form_a_hierarchy(demo):
    building, rows = demo
    feeds = {r.device_id: r.point.feeds for r in rows if r.point.medium}
    assert feeds[MAIN] == "building" and feeds["WM-MAIN"] == "building"
    names = [s.name for s in sorted(building.storeys, key=lambda s: s.elevation_m)]
    assert [feeds[f"EM-0{i}"] for i in (1, 2, 3)] == [f"{n};EM-MAIN" for n in names]
    assert feeds[CIRCUIT].endswith(";EM-02") and feeds[CIRCUIT].count(";") >= 2  # offices


def test_history_patterns_reset_losses_and_the_night_alarm(demo, tmp_path):
    building, rows = demo
    clock = FakeClock(END.timestamp())
    devices = make_service(f"sqlite:///{tmp_path / 't.sqlite3'}", clock,
                           buildings=lambda _id: building)  # fmt: skip
    devices.load_registry("demo", rows)
    try:
        service = energy_service(devices.engine)
        service.devices, service.clock = devices, clock
        history = demo_history(rows, service.working, end=END, days=35)
        BatchWriter(devices.engine).submit_readings(history).result(60)
        site = service.site("demo", building, allocations=())
        start = datetime(2026, 9, 28, tzinfo=CST)
        days = service.series(site, start=start, end=datetime(2026, 10, 12, tzinfo=CST))
        per_day = {
            datetime.fromisoformat(p["start"]).astimezone(CST).date().isoformat(): p
            for p in days["points"]
        }
        working_day, holiday = per_day["2026-09-28"], per_day["2026-10-02"]  # Mon, Fri
        assert working_day["consumption"] > 2.5 * holiday["consumption"]
        assert holiday["working_hours"] == 0.0 and per_day["2026-10-04"]["working_hours"] == 0.0
        assert per_day["2026-10-10"]["working_hours"] > 0  # the make-up Saturday
        assert per_day["2026-10-11"]["working_hours"] == 0.0  # an ordinary Sunday
        answer = service.consumption(site, by="storey", start=start, end=END - timedelta(hours=8))
        assert all(r["consumption"] > 0 for r in answer["rows"])
        storeys = sum(m["sub_meters"] for m in answer["unmetered_by_meter"] if m["meter"] == MAIN)
        assert answer["unmetered"] == pytest.approx(
            storeys * LOSS_SHARE - 0.0 + sum(
                m["loss"] for m in answer["unmetered_by_meter"] if m["meter"] == "EM-02"
            ), rel=1e-6,
        )  # fmt: skip
        hours = service.series(site, start=start, end=END - timedelta(hours=8), period="hour")
        assert min(p["consumption"] for p in hours["points"]) >= 0
        yesterday = (END - timedelta(days=1)).date()
        found = service.raise_anomalies(site, yesterday)
        night = [a for a in found if a.kind == "night"]
        assert [a.device_id for a in night] == [CIRCUIT]
        circuit = site.meters.by_device(CIRCUIT, "electricity")
        assert circuit is not None and set(night[0].rooms) == set(circuit.shares)
        alarms = devices.alarms(building_id="demo", state="open")
        assert any(a.device_id == CIRCUIT and a.point == "energy:night" for a in alarms)
    finally:
        devices.close()
