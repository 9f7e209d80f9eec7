"""``twin demo``: the demo office building, live, with one command.

Generates the demo building into ``TWIN_DATA_DIR/demo-source/`` (once),
registers it as building ``demo``, imports demo allocations, books its meeting
rooms for the current week, loads a device
registry from the building's equipment (with a meter hierarchy and weeks of
simulated consumption, :mod:`twin.demo.energy`), publishes simulated readings over
HTTP in the background and serves the API on 127.0.0.1 (open when no key
exists; otherwise the simulator gets its own ``system`` key).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import httpx
import typer

from cli.app import app
from cli.serve import DEFAULT_PORT, check_keys, run_server
from ifc_models.demo_building import generate_office_building
from twin.access.keys import KeyStore
from twin.buildings.registry import BuildingRegistry
from twin.demo.allocations import generate_allocations
from twin.demo.energy import demo_meter_rows
from twin.demo.meetings import demo_bookings, store_demo_bookings
from twin.demo.simulator import Simulator, template_rows
from twin.devices.registry import bind
from twin.devices.service import DeviceService
from twin.housing.allocations.store import AllocationStore
from twin.meetings.store import BookingStore
from twin.settings import get_settings
from twin.store.db import engine_for

log = logging.getLogger(__name__)

DEMO_ID = "demo"
SIMULATOR_KEY = "demo-simulator"
HOST = "127.0.0.1"


@app.command("demo")
def demo_command(
    storeys: Annotated[int, typer.Option(help="Storeys of the demo building.")] = 6,
    rooms_per_storey: Annotated[int, typer.Option(help="Rooms per storey.")] = 50,
    port: Annotated[int, typer.Option(help="TCP port.")] = DEFAULT_PORT,
    rate: Annotated[float, typer.Option(help="Simulated readings per device per second.")] = 1.0,
    simulate: Annotated[bool, typer.Option(help="Publish simulated readings.")] = True,
) -> None:
    """Generate, register and serve the demo building with simulated devices and
    allocations on http://127.0.0.1:PORT."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = get_settings()
    source = settings.data_dir / "demo-source" / f"office-{storeys}x{rooms_per_storey}.ifc"
    if not source.is_file():
        source.parent.mkdir(parents=True, exist_ok=True)
        typer.echo(f"generating the demo building ({storeys} storeys × {rooms_per_storey} rooms)")
        generate_office_building(source, storeys=storeys, rooms_per_storey=rooms_per_storey)
    registry = BuildingRegistry(settings.data_dir, cache_dir=settings.cache_dir)
    typer.echo("registering it as building 'demo' (reading the model)")
    registry.register(DEMO_ID, [source], check=True)
    building = registry.load(DEMO_ID).building
    engine = engine_for(settings.effective_database_url)
    records = generate_allocations(building)
    result = AllocationStore(engine, building_id=DEMO_ID).import_rows(
        [_raw(number, r) for number, r in enumerate(records, start=1)],
        spaces=building.spaces,
        standard=_standard(),
        default_level="municipal",
        actor="twin demo",
    )
    typer.echo(
        f"allocations: {len(records)} records ({len(result.created)} new, "
        f"{len(result.updated)} updated)"
    )
    store = BookingStore(engine)
    today = datetime.now(ZoneInfo(settings.meeting_timezone)).date()
    booked = store_demo_bookings(store, demo_bookings(DEMO_ID, building, today=today))
    typer.echo(f"meeting rooms: {booked} demo bookings added for this week")
    service = DeviceService(engine, buildings=registry.building)
    rows = demo_meter_rows(building, template_rows(building))
    report = service.load_registry(DEMO_ID, rows)
    service.close()
    typer.echo(f"devices: {len(report.devices)} bound to the building's equipment")
    written = _meter_history(engine, rows, settings)
    typer.echo(f"meters: {written} simulated readings of consumption history added")
    token = _simulator_key(engine) if simulate else None
    check_keys(HOST, port)
    if simulate:
        # Meters have their history up to now; the live simulator leaves them alone so
        # their counters stay consistent (main = storeys + losses).
        devices = [
            d for d in bind(DEMO_ID, building, rows).devices
            if not any(p.medium for p in d.points.values())
        ]  # fmt: skip
        thread = threading.Thread(
            target=_simulate,
            args=(devices, f"http://{HOST}:{port}", token, rate),
            name="demo-simulator",
            daemon=True,
        )
        thread.start()
    typer.echo(f"serving the demo twin on http://{HOST}:{port}  (docs: http://{HOST}:{port}/docs)")
    run_server(HOST, port, "info")


def _meter_history(engine, rows, settings) -> int:  # type: ignore[no-untyped-def]
    """Consumption history of the demo's meters up to now: back to a week before the
    last public holiday (35 to 100 days), continuing what an earlier run stored."""
    from datetime import UTC, timedelta

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
        rows, working, end=now - timedelta(minutes=1), days=min(max(back, 35), 100), after=after
    )
    BatchWriter(engine).submit_readings(history).result(300)
    return len(history)


def _raw(number: int, record):  # type: ignore[no-untyped-def]
    from twin.housing.allocations.export import export_rows
    from twin.housing.allocations.parse import RawRow

    (row,) = export_rows([record])
    return RawRow(number, {k: v for k, v in row.items() if v != ""})


def _standard():  # type: ignore[no-untyped-def]
    from twin.housing.standards import default_standard

    return default_standard()


def _simulator_key(engine) -> str | None:  # type: ignore[no-untyped-def]
    """A ``system`` key for the simulator when the service has keys (else it runs open)."""
    store = KeyStore(engine)
    if not store.any_active():
        return None
    for key in store.list():
        if key.name.startswith(SIMULATOR_KEY) and key.revoked_at is None:
            store.revoke(key.name, actor="twin demo")
    name = f"{SIMULATOR_KEY}-{int(time.time())}"
    return store.create(
        name, "system", buildings=[DEMO_ID], allow=["readings:write"], actor="twin demo"
    )


def _simulate(devices, base_url: str, token: str | None, rate: float) -> None:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    simulator = Simulator(devices, seed=0)
    with httpx.Client(base_url=base_url, headers=headers, timeout=10.0) as client:
        for _ in range(300):
            try:
                if client.get("/health").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        period = 1.0 / rate
        while True:
            tick = time.monotonic()
            try:
                answer = client.post(
                    "/api/v1/readings", json={"readings": simulator.tick(time.time())}
                )
                if answer.status_code >= 400:
                    log.warning("simulator: %s %s", answer.status_code, answer.text[:200])
            except httpx.HTTPError as exc:
                log.warning("simulator: %s", exc)
            time.sleep(max(0.0, period - (time.monotonic() - tick)))
