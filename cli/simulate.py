"""``twin simulate``: publish realistic readings for a building's devices, with faults."""

from __future__ import annotations

import logging
import time
from typing import Annotated

import typer

from cli.app import app
from cli.common import fail


@app.command("simulate")
def simulate_command(
    building: Annotated[str, typer.Option("--building", help="Registered building id.")],
    rate: Annotated[float, typer.Option("--rate", help="Readings per device per second.")] = 1.0,
    via: Annotated[str, typer.Option("--via", help="mqtt or http.")] = "http",
    fault: Annotated[
        list[str] | None,
        typer.Option("--fault", help="KIND:DEVICE, KIND in leak, fault, offline, drift."),
    ] = None,
    duration: Annotated[float, typer.Option("--duration", help="Seconds; 0 = forever.")] = 0.0,
    url: Annotated[str, typer.Option(help="Service URL for --via http.")] = "http://127.0.0.1:8000",
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Simulate the building's devices (its loaded registry, else one generated from its
    equipment) and publish their readings until the duration ends."""
    from twin.buildings.registry import BuildingRegistry, RegistryError
    from twin.demo.simulator import FaultSpecError, Simulator, parse_fault, template_rows
    from twin.devices.errors import DeviceError
    from twin.devices.mqtt.broker import broker_from_settings
    from twin.devices.publish import HttpPublisher, MqttPublisher
    from twin.devices.registry import bind
    from twin.devices.store import load_registries
    from twin.settings import get_settings
    from twin.store.db import engine_for

    logging.basicConfig(level=logging.WARNING)
    settings = get_settings()
    if rate <= 0:
        fail("--rate must be positive")
    if via not in ("mqtt", "http"):
        fail("--via must be mqtt or http")
    try:
        faults = [parse_fault(f) for f in fault or ()]
        buildings = BuildingRegistry(settings.data_dir, cache_dir=settings.cache_dir)
        model = buildings.load(building).building
        rows = load_registries(engine_for(settings.effective_database_url)).get(building)
        devices = bind(building, model, rows or template_rows(model)).devices
    except (FaultSpecError, DeviceError, RegistryError) as exc:
        fail(str(exc))
    known = {d.device_id for d in devices}
    unknown = [f"{f.kind}:{f.device_id}" for f in faults if f.device_id not in known]
    if unknown:
        fail(f"--fault names devices {building} does not have: {', '.join(unknown)}")
    if via == "mqtt":
        if not settings.mqtt_url:
            fail("--via mqtt needs TWIN_MQTT_URL")
        try:
            broker = broker_from_settings(settings)
            assert broker is not None
            publisher: HttpPublisher | MqttPublisher = MqttPublisher(broker, building)
        except DeviceError as exc:  # a bad URL or TLS file, a refused login
            fail(str(exc))
    else:
        publisher = HttpPublisher(url)
    simulator = Simulator(devices, seed=seed, faults=faults)
    typer.echo(f"simulating {len(devices)} devices of {building} at {rate:g} Hz via {via}")
    period = 1.0 / rate
    started = time.monotonic()
    sent = 0
    try:
        while duration <= 0 or time.monotonic() - started < duration:
            tick = time.monotonic()
            answer = publisher.publish(simulator.tick(time.time()))
            sent += len(devices)
            if answer.get("rejected"):
                typer.echo(f"rejected: {answer['rejected']}", err=True)
            time.sleep(max(0.0, period - (time.monotonic() - tick)))
    except KeyboardInterrupt:
        pass
    finally:
        publisher.close()
    typer.echo(f"sent {sent} readings in {time.monotonic() - started:.1f} s")
