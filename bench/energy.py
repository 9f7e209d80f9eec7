"""Energy benchmark: a month of 1-minute readings from 1,000 meters on PostgreSQL.

Generates the demo building (``--storeys`` × ``--rooms``), registers 1,000
meters (a main meter, one per storey, the rest circuit meters each feeding
one room under its storey's meter) and demo allocations, then writes
``--days`` of readings every ``--step-s`` seconds for every meter with one
``INSERT ... SELECT generate_series`` (43.2 million rows at the defaults: too
many for SQLite in a bench run here). It measures the rollup build (the
window-function pass over every reading), an incremental refresh with
nothing new, and the medians of a month's consumption per storey and per
department (rollups + apportioning + grouping in Python), plus building the
site (resolving the meters against the model) that each API request does.
Prints a Markdown table.

Run: ``PYTHONPATH=. .venv/bin/python bench/energy.py`` (a PostgreSQL of its
own is started in a temporary folder unless ``--database-url`` names one).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import text

from ifc_models.demo_building import generate_office_building
from twin.buildings.ingest import load_building
from twin.demo.allocations import generate_allocations
from twin.devices.patrol import load_patrol_rules
from twin.devices.registry import bind, parse_rows
from twin.energy import rollup
from twin.energy.calendar import WorkingTime, load_calendar
from twin.energy.config import load_energy_data
from twin.energy.service import EnergyService
from twin.store.db import engine_for

CST = timezone(timedelta(hours=8))
#: The benchmarked month: November 2026 (local).
MONTH_START = datetime(2026, 11, 1, tzinfo=CST)


def median_ms(run: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def registry(building, meters: int) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    rows = [{"device_id": "M0000", "point": "energy", "brick_class": "Electric_Energy_Sensor",
             "feeds": "building"}]  # fmt: skip
    storeys = {s.global_id: s.name for s in building.storeys}
    meter = "Electric_Energy_Sensor"
    for index, storey in enumerate(building.storeys, start=1):
        feeds = f"{storey.name};M0000"
        rows.append({"device_id": f"M{index:04d}", "point": "energy", "brick_class": meter,
                     "feeds": feeds})  # fmt: skip
    storey_meter = {s.name: f"M{i:04d}" for i, s in enumerate(building.storeys, start=1)}
    spaces = building.spaces
    for index in range(len(rows), meters):
        space = spaces[index % len(spaces)]
        feeds = f"{space.global_id};{storey_meter[storeys[space.storey_id]]}"
        rows.append({"device_id": f"M{index:04d}", "point": "energy", "brick_class": meter,
                     "feeds": feeds})  # fmt: skip
    return rows


def generate(engine, meters: int, days: int, step_s: int) -> float:  # type: ignore[no-untyped-def]
    """Counters for every meter in SQL, meter by meter in time order (the primary
    key's order, so the index grows at its end); the seconds it took."""
    start_us = round((MONTH_START - timedelta(seconds=step_s)).timestamp() * 1e6)
    steps = days * 86400 // step_s + 1
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(
            text("""
INSERT INTO device_readings (device_id, point, ts_us, value)
SELECT 'M' || lpad(m::text, 4, '0'), 'energy',
       CAST(:start AS BIGINT) + s * CAST(:step_us AS BIGINT), 1000.0 + s * (0.01 + (m % 17) * 0.002)
FROM generate_series(0, :meters - 1) AS m
CROSS JOIN LATERAL generate_series(0, :steps - 1) AS s"""),
            {"start": start_us, "step_us": step_s * 1_000_000, "meters": meters, "steps": steps},
        )
        connection.execute(text("ANALYZE device_readings"))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storeys", type=int, default=6)
    parser.add_argument("--rooms", type=int, default=50, help="rooms per storey")
    parser.add_argument("--meters", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--step-s", type=int, default=60, help="seconds between readings")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-energy-") as folder:
        root = Path(folder)
        server = None
        url = args.database_url
        if url is None:
            from tests.fixtures.services import start_postgres

            root.chmod(0o755)  # PostgreSQL runs as its own user when we are root
            (root / "pg").mkdir()
            server = start_postgres(root / "pg")
            url = server.url
        try:
            run(args, root, url)
        finally:
            if server is not None:
                server.stop()


def run(args: argparse.Namespace, root: Path, url: str) -> None:
    ifc = root / "office.ifc"
    generate_office_building(ifc, storeys=args.storeys, rooms_per_storey=args.rooms)
    building = load_building([ifc])
    engine = engine_for(url)
    working = WorkingTime(load_calendar(), load_patrol_rules().working_hours)
    service = EnergyService(engine, working=working, data=load_energy_data())
    devices = bind("bench", building, parse_rows(registry(building, args.meters))).devices
    allocations = generate_allocations(building)
    rows = args.meters * (args.days * 86400 // args.step_s + 1)
    generate_s = generate(engine, args.meters, args.days, args.step_s)
    site = service.site("bench", building, devices=devices, allocations=allocations)
    started = time.perf_counter()
    service.refresh(site)
    build_s = time.perf_counter() - started
    with engine.connect() as connection:
        hourly = connection.execute(text("SELECT COUNT(*) FROM energy_hourly")).scalar()
    end = MONTH_START + timedelta(days=args.days)
    results = {
        "incremental refresh, nothing new": median_ms(
            lambda: rollup.refresh(engine, site.meters.meters, working), args.repeats
        ),
        "site (meters resolved against the model)": median_ms(
            lambda: service.site("bench", building, devices=devices, allocations=allocations),
            args.repeats,
        ),
    }
    for by in ("storey", "department", "building", "room"):
        answer = service.consumption(site, by=by, start=MONTH_START, end=end, refresh=False)  # type: ignore[arg-type]
        results[f"the {args.days} days by {by} ({len(answer['rows'])} rows)"] = median_ms(
            lambda by=by: service.consumption(  # type: ignore[misc]
                site, by=by, start=MONTH_START, end=end, refresh=False
            ),
            args.repeats,
        )
    dialect = engine.dialect.name
    print(f"\n{args.meters} meters × {args.days} days every {args.step_s} s = {rows:,} readings "
          f"on {dialect}, {len(building.spaces)} rooms\n")  # fmt: skip
    print("| step | time |")
    print("| --- | --- |")
    print(f"| generate the readings in SQL | {generate_s:.1f} s |")
    print(f"| build the rollups (window functions over every reading, {hourly:,} hour rows) "
          f"| {build_s:.1f} s |")  # fmt: skip
    for name, value in results.items():
        print(f"| {name} | {value:.1f} ms (median of {args.repeats}) |")
    engine.dispose()


if __name__ == "__main__":
    main()
