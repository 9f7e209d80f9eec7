"""Rollups from readings that came through the device service (the live path)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from spatial.records import Building, Space, Storey
from tests.twin.devices.conftest import ROWS, FakeClock, make_service
from tests.twin.devices.test_service import reading
from tests.twin.energy.helpers import energy_service
from twin.devices.registry import parse_rows
from twin.devices.store import history
from twin.energy import rollup
from twin.energy.meters import resolve


def test_energy_rolls_up_from_cumulative_readings(engine):
    # Moved from tests/twin/devices/test_service.py with the roll-up it tested.
    clock = FakeClock()
    building = Building("b", "B", (), (Storey("S1", "1F", 0.0),), (Space("R1", "101", "", "S1"),))
    svc = make_service(engine.url.render_as_string(hide_password=False), clock,
                       buildings=lambda _id: building)  # fmt: skip
    svc.load_registry("B1", parse_rows(ROWS))
    try:
        clock.now += 3 * 3600
        for step in range(5):
            svc.ingest([reading(clock, "EM-01", step * 1800 - 3 * 3600, energy=100.0 + 2.0 * step)])
        svc.flush()
        meters = resolve(svc.devices("B1"), building).meters
        service = energy_service(svc.engine)
        rollup.refresh(svc.engine, meters, service.working)
        start = datetime.fromtimestamp(clock.now - 3 * 3600, UTC).replace(minute=0, second=0)
        start_us = round(start.timestamp() * 1e6)
        hours = rollup.series(svc.engine, meters, start_us, start_us + 4 * 3600_000_000, "hour")
        totals = hours[("EM-01", "energy")]
        assert sum(a.total for a in totals.values()) == pytest.approx(8.0)
        assert totals[start_us].total == pytest.approx(2.0)  # 02:30 only (02:00 has no step)
        assert history(svc.engine, ["EM-01"])[0][3] == 100.0
    finally:
        svc.close()


def test_a_refresh_without_new_readings_recomputes_nothing(engine):
    from tests.twin.energy.helpers import building as known
    from tests.twin.energy.helpers import devices, readings
    from twin.devices.store import BatchWriter

    BatchWriter(engine).submit_readings(readings()).result(30)
    service = energy_service(engine)
    meters = resolve(devices(), known()).meters
    assert rollup.refresh(engine, meters, service.working) == len(meters)
    assert rollup.refresh(engine, meters, service.working) == 0
