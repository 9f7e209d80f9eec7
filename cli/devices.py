"""``twin devices ...``: load a registry, list devices, write a template, rejections."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import TwinGroup, app
from cli.common import fail, print_json

if TYPE_CHECKING:
    from twin.buildings.registry import BuildingRegistry
    from twin.devices.hub import DeviceService

devices_app = typer.Typer(cls=TwinGroup, help="Device registry: load, list, template, rejections.")
app.add_typer(devices_app, name="devices")

BuildingOption = Annotated[str, typer.Option("--building", help="Registered building id.")]


def _context() -> tuple[BuildingRegistry, DeviceService]:
    from twin.buildings.registry import BuildingRegistry
    from twin.devices.hub import DeviceService
    from twin.settings import get_settings
    from twin.store.db import engine_for

    settings = get_settings()
    buildings = BuildingRegistry(settings.data_dir, cache_dir=settings.cache_dir)
    service = DeviceService(
        engine_for(settings.effective_database_url), buildings=buildings.building
    )
    return buildings, service


@devices_app.command("load")
def load_command(
    path: Annotated[Path, typer.Argument(help="Registry file (.csv or .json).")],
    building: BuildingOption,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Load a device registry for a building (replacing its devices) and bind it."""
    from twin.buildings.registry import RegistryError
    from twin.devices.errors import DeviceError
    from twin.devices.registry import read_registry_file

    buildings, service = _context()
    try:
        buildings.entry(building)
        rows = read_registry_file(path)
        report = service.load_registry(building, rows)
    except (DeviceError, RegistryError) as exc:
        fail(str(exc))
    data = {
        "building": building,
        "devices": len(report.devices),
        "points": len(rows),
        "by_method": dict(report.by_method),
        "unbound_devices": list(report.unbound_devices),
        "unbound_equipment": len(report.unbound_equipment),
    }
    if json_output:
        print_json(data)
        return
    typer.echo(
        f"{building}: {data['devices']} devices, {data['points']} points; bound by "
        + ", ".join(f"{k} {v}" for k, v in sorted(report.by_method.items()))
    )
    if report.unbound_devices:
        typer.echo(f"  unbound devices: {', '.join(report.unbound_devices[:20])}")
    typer.echo(f"  equipment without a device: {len(report.unbound_equipment)}")


@devices_app.command("list")
def list_command(
    building: BuildingOption,
    unbound: Annotated[
        bool, typer.Option("--unbound", help="Only unbound devices and equipment.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List a building's devices and what they are bound to."""
    from twin.buildings.registry import RegistryError

    buildings, service = _context()
    try:
        buildings.entry(building)
        service.open()
    except RegistryError as exc:
        fail(str(exc))
    service.close()
    report = service.binding_report(building)
    devices = service.devices(building)
    if unbound:
        data = {
            "unbound_devices": [d.device_id for d in devices if d.global_id is None],
            "unbound_equipment": list(report.unbound_equipment) if report else [],
        }
        if json_output:
            print_json(data)
            return
        typer.echo(f"unbound devices ({len(data['unbound_devices'])}):")
        for device_id in data["unbound_devices"]:
            typer.echo(f"  {device_id}")
        typer.echo(f"equipment without a device ({len(data['unbound_equipment'])}):")
        for global_id in data["unbound_equipment"]:
            typer.echo(f"  {global_id}")
        return
    rows = [
        {
            "device_id": d.device_id,
            "global_id": d.global_id,
            "binding": d.binding,
            "space_id": d.space_id,
            "points": sorted(d.points),
        }
        for d in devices
    ]
    if json_output:
        print_json(rows)
        return
    for row in rows:
        typer.echo(
            f"{row['device_id']:<24} {row['global_id'] or '-':<24} {row['binding']:<8} "
            f"{', '.join(row['points'])}"
        )


@devices_app.command("template")
def template_command(
    building: BuildingOption,
    out: Annotated[Path, typer.Option("--out", help="Where to write the CSV.")],
) -> None:
    """Write a device registry CSV for the building's equipment (simulated devices)."""
    from twin.buildings.registry import BuildingRegistry, RegistryError
    from twin.demo.simulator import template_rows
    from twin.devices.registry import write_registry_csv
    from twin.settings import get_settings

    buildings = BuildingRegistry(get_settings().data_dir, cache_dir=get_settings().cache_dir)
    try:
        loaded = buildings.load(building)
    except RegistryError as exc:
        fail(str(exc))
    rows = template_rows(loaded.building)
    out.write_text(write_registry_csv(rows), "utf-8")
    typer.echo(f"{out}: {len({r.device_id for r in rows})} devices, {len(rows)} points")


@devices_app.command("rejections")
def rejections_command(
    url: Annotated[str, typer.Option(help="The running service.")] = "http://127.0.0.1:8000",
) -> None:
    """Rejected readings per reason, as counted by the running service."""
    import httpx

    try:
        answer = httpx.get(f"{url.rstrip('/')}/api/v1/readings/rejections", timeout=10.0)
        answer.raise_for_status()
    except httpx.HTTPError as exc:
        fail(f"cannot reach the service at {url}: {exc}")
    print_json(answer.json())
