"""The demo office building as the twin uses it.

:func:`write_demo_model` writes the generated building (``OUT.ifc``) and its
known answers (``OUT.truth.json``) for tests and benchmarks
(``twin demo-model``). :func:`prepare_demo` makes the live demo of
``twin demo``: it generates the building into ``TWIN_DATA_DIR/demo-source/``
(once), registers it as building ``demo``, imports demo allocations, books
its meeting rooms for the week, loads a device registry for its equipment
with a meter hierarchy and stores weeks of simulated consumption up to now
(:mod:`twin.demo.energy`). The building itself is written by
:mod:`ifc_models.demo_building`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ifc_models.demo_building import LayoutError, generate_office_building, truth_path
from spatial.records import Building
from twin.devices.registry import RegistryRow
from twin.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

#: The registered id of the live demo building.
DEMO_ID = "demo"


class DemoError(ValueError):
    """A demo building that cannot be laid out (storey or room counts out of range)."""


@dataclass(frozen=True)
class DemoModel:
    """A written demo model: the IFC file, its truth file and sidecar, and the time (s)."""

    path: Path
    truth_path: Path
    truth: dict[str, Any]
    seconds: float


def write_demo_model(
    out: Path,
    *,
    storeys: int = 6,
    rooms_per_storey: int = 50,
    seed: int = 0,
    schema: Literal["IFC4", "IFC2X3"] = "IFC4",
    units: Literal["m", "mm"] = "m",
    space_boundaries: bool = False,
) -> DemoModel:
    """Write the demo office building to ``out`` and its truth beside it.

    Raises
    ------
    DemoError
        When the counts cannot be laid out.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        truth = generate_office_building(
            out,
            storeys=storeys,
            rooms_per_storey=rooms_per_storey,
            seed=seed,
            schema=schema,
            units=units,
            space_boundaries=space_boundaries,
        )
    except LayoutError as exc:
        raise DemoError(str(exc)) from exc
    return DemoModel(out, truth_path(out), truth, time.perf_counter() - started)


@dataclass(frozen=True)
class DemoTwin:
    """The registered demo building, its device registry rows and what was imported."""

    building: Building
    rows: tuple[RegistryRow, ...]
    allocations: int
    allocations_created: int
    allocations_updated: int
    bookings: int
    devices: int
    meter_readings: int


def prepare_demo(settings: Settings, *, storeys: int = 6, rooms_per_storey: int = 50) -> DemoTwin:
    """Generate (once), register and furnish building ``demo``: allocations for its
    offices and a device registry for its equipment, stored in the twin's database.

    Raises
    ------
    DemoError
        When the counts cannot be laid out.
    """
    from twin.buildings.registry import BuildingRegistry
    from twin.demo.allocations import generate_allocations
    from twin.demo.energy import demo_meter_rows
    from twin.demo.meetings import book_demo_week
    from twin.demo.simulator import template_rows
    from twin.devices.hub import DeviceService
    from twin.housing.allocations.export import export_rows
    from twin.housing.allocations.parse import RawRow
    from twin.housing.allocations.store import AllocationStore
    from twin.housing.standards import default_standard
    from twin.meetings.records import MeetingRules
    from twin.meetings.store import BookingStore
    from twin.store.db import engine_for

    source = settings.data_dir / "demo-source" / f"office-{storeys}x{rooms_per_storey}.ifc"
    if not source.is_file():
        log.info("generating the demo building (%d storeys × %d rooms)", storeys, rooms_per_storey)
        write_demo_model(source, storeys=storeys, rooms_per_storey=rooms_per_storey)
    registry = BuildingRegistry(settings.data_dir, cache_dir=settings.cache_dir)
    log.info("registering it as building %r (reading the model)", DEMO_ID)
    registry.register(DEMO_ID, [source], check=True)
    building = registry.load(DEMO_ID).building
    engine = engine_for(settings.effective_database_url)
    try:
        records = generate_allocations(building)
        raw = []
        for number, record in enumerate(records, start=1):
            (row,) = export_rows([record])
            raw.append(RawRow(number, {k: v for k, v in row.items() if v != ""}))
        imported = AllocationStore(engine, building_id=DEMO_ID).import_rows(
            raw,
            spaces=building.spaces,
            standard=default_standard(),
            default_level="municipal",
            actor="twin demo",
        )
        bookings = book_demo_week(
            BookingStore(engine), DEMO_ID, building, rules=MeetingRules.from_settings(settings)
        )
        service = DeviceService(engine, buildings=registry.building)
        rows = demo_meter_rows(building, template_rows(building))
        report = service.load_registry(DEMO_ID, rows)
        service.close()
        meter_readings = _meter_history(engine, rows, settings)
    finally:
        engine.dispose()
    return DemoTwin(
        building=building,
        rows=tuple(rows),
        allocations=len(records),
        allocations_created=len(imported.created),
        allocations_updated=len(imported.updated),
        bookings=bookings,
        devices=len(report.devices),
        meter_readings=meter_readings,
    )


def _meter_history(engine: Engine, rows: Sequence[RegistryRow], settings: Settings) -> int:
    """Consumption history of the demo's meters up to now: back to a week before the
    last public holiday (35 to 100 days), continuing what an earlier run stored."""
    from twin.demo.energy import demo_history
    from twin.devices.patrol import load_patrol_rules
    from twin.devices.store import BatchWriter, load_latest
    from twin.energy.calendar import WorkingTime, load_calendar

    rules = load_patrol_rules(settings.patrol_rules) if settings.patrol_rules else None
    working = WorkingTime(
        load_calendar(settings.energy_calendar), (rules or load_patrol_rules()).working_hours
    )
    now = datetime.now(UTC)
    today = working.local_date(int(now.timestamp() * 1_000_000))
    holidays = [d for d in working.calendar.holidays if d <= today]
    back = (today - max(holidays)).days + 7 if holidays else 35
    meters = {r.device_id for r in rows if r.point.medium is not None}
    after = {d: (ts, v) for d, _, ts, v in load_latest(engine) if d in meters}
    history = demo_history(
        list(rows), working, end=now - timedelta(minutes=1), days=min(max(back, 35), 100),
        after=after,
    )  # fmt: skip
    BatchWriter(engine).submit_readings(history).result(300)
    return len(history)
