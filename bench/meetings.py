"""Meeting-room benchmark: booking and free-room search on the demo building.

Generates the demo building (``--storeys`` × ``--rooms``), registers it in a
temporary data folder (SQLite, or ``--database-url``), then measures in
process: a single booking (the guarded insert with its audit row), a
free-room search for a time (every bookable room, step-free check included)
and the same search nearest to an office (one walking route per candidate).
Prints the medians and the ratios as a Markdown table.

Run: ``PYTHONPATH=. .venv/bin/python bench/meetings.py`` (options: --help).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ifc_models.demo_building import generate_office_building
from twin.buildings.queries import BuildingQueries
from twin.meetings.operations import Meetings
from twin.meetings.records import BookingRequest
from twin.service import Twin
from twin.settings import Settings

#: Monday 2030-01-07, 09:00 Beijing time.
MONDAY_9 = datetime(2030, 1, 7, 1, 0, tzinfo=UTC)


def median_ms(run, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for index in range(repeats):
        started = time.perf_counter()
        run(index)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storeys", type=int, default=6)
    parser.add_argument("--rooms", type=int, default=50, help="rooms per storey")
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-meetings-") as folder:
        root = Path(folder)
        ifc = root / "office.ifc"
        generate_office_building(ifc, storeys=args.storeys, rooms_per_storey=args.rooms)
        settings = Settings(
            data_dir=root / "data", cache_dir=root / "cache", database_url=args.database_url
        )
        twin = Twin(settings)
        twin.buildings.register("demo", [ifc], check=True)
        meetings = Meetings(BuildingQueries(twin))
        rooms = meetings.rooms("demo")
        office = next(s.name for s in twin.buildings.load("demo").building.spaces)

        def book(index: int) -> None:
            start = MONDAY_9 + timedelta(days=index // 8, hours=index % 8)
            request = BookingRequest(rooms[0].space.global_id, start, start + timedelta(hours=1), 1)
            meetings.book("demo", request, actor="bench")

        end = MONDAY_9 + timedelta(hours=1)
        booking = median_ms(book, args.repeats)
        free = median_ms(lambda _: meetings.free_rooms("demo", MONDAY_9, end), args.repeats)
        near = median_ms(
            lambda _: meetings.free_rooms("demo", MONDAY_9, end, near=office), args.repeats
        )
        twin.engine.dispose()
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"demo building {args.storeys} × {args.rooms}, {len(rooms)} bookable rooms, {database}")
    print("| operation | median ms | ratio to booking |")
    print("|---|---|---|")
    for name, value in (("book one room", booking), ("free rooms", free), ("free, near", near)):
        print(f"| {name} | {value:.2f} | {value / booking:.2f} |")


if __name__ == "__main__":
    main()
