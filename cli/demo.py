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
from typing import Annotated

import typer

from cli.app import app
from cli.common import fail
from cli.serve import DEFAULT_PORT, check_keys, run_server

log = logging.getLogger(__name__)

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
    from twin.demo.building import DEMO_ID, DemoError, prepare_demo
    from twin.devices.registry import bind
    from twin.settings import get_settings

    settings = get_settings()
    try:
        demo = prepare_demo(settings, storeys=storeys, rooms_per_storey=rooms_per_storey)
    except DemoError as exc:
        fail(str(exc))
    typer.echo(
        f"allocations: {demo.allocations} records ({demo.allocations_created} new, "
        f"{demo.allocations_updated} updated)"
    )
    typer.echo(f"meeting rooms: {demo.bookings} demo bookings added for this week")
    typer.echo(f"devices: {demo.devices} bound to the building's equipment")
    typer.echo(f"meters: {demo.meter_readings} simulated readings of consumption history added")
    token = _simulator_key(settings, DEMO_ID) if simulate else None
    check_keys(HOST, port)
    if simulate:
        # Meters have their history up to now; the live simulator leaves them alone so
        # their counters stay consistent (main = storeys + losses).
        devices = [
            d for d in bind(DEMO_ID, demo.building, demo.rows).devices
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


def _simulator_key(settings, building_id: str) -> str | None:  # type: ignore[no-untyped-def]
    """A ``system`` key for the simulator once keys were ever made (else it runs open)."""
    from twin.access.keys import KeyStore
    from twin.store.db import engine_for

    store = KeyStore(engine_for(settings.effective_database_url))
    if not store.ever_configured():
        return None
    for key in store.list():
        if key.name.startswith(SIMULATOR_KEY) and key.revoked_at is None:
            store.revoke(key.name, actor="twin demo")
    name = f"{SIMULATOR_KEY}-{int(time.time())}"
    return store.create(
        name, "system", buildings=[building_id], allow=["readings:write"], actor="twin demo"
    )


def _simulate(devices, base_url: str, token: str | None, rate: float) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from twin.demo.simulator import Simulator

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
