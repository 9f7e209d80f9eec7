"""``twin energy``: consumption by building, storey, department, ... from the twin's
stored readings, for the meters of a registry file (or the model's own meters)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.app import app
from cli.common import fail, load, print_json
from cli.compliance import Level, read_allocations

#: The groupings of ``--by`` (:data:`twin.energy.analysis.GROUP_BY`; spelled out so
#: that ``twin --help`` imports no part of the twin).
GROUPINGS = "building, storey, zone, department, organisation, room_type, room"

Paths = Annotated[list[Path], typer.Argument(help="IFC files of one building (.ifc/.ifczip).")]


def _moment(name: str, text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        fail(f"{name} {text!r} is not an ISO 8601 time (e.g. 2026-11-01T00:00+08:00)")


@app.command("energy")
def energy_command(
    paths: Paths,
    start: Annotated[str, typer.Option("--from", help="Start, ISO 8601 with offset.")],
    end: Annotated[str, typer.Option("--to", help="End (exclusive), ISO 8601 with offset.")],
    by: Annotated[str, typer.Option("--by", help=GROUPINGS)] = "storey",
    medium: Annotated[str, typer.Option(help="electricity, water, gas or heat.")] = "electricity",
    devices: Annotated[
        Path | None,
        typer.Option("--devices", help="Device registry with the meters (default: the model's)."),
    ] = None,
    allocations: Annotated[
        Path | None, typer.Option("--allocations", help="Allocation file: per person, departments.")
    ] = None,
    level: Level = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Consumption of a medium over [from, to), grouped by building, storey, zone,
    department, organisation, room type or room (readings from TWIN_DATA_DIR's database
    or TWIN_DATABASE_URL)."""
    from twin.demo.simulator import template_rows
    from twin.devices.errors import DeviceError
    from twin.devices.patrol import load_patrol_rules
    from twin.devices.registry import bind, read_registry_file
    from twin.energy.analysis import GROUP_BY
    from twin.energy.calendar import WorkingTime, load_calendar
    from twin.energy.config import load_energy_data
    from twin.energy.errors import EnergyError
    from twin.energy.service import EnergyService
    from twin.housing.standards import default_standard
    from twin.settings import get_settings
    from twin.store.db import engine_for

    if by not in GROUP_BY:
        fail(f"--by {by!r}: use one of {', '.join(GROUP_BY)}")
    begin, finish = _moment("--from", start), _moment("--to", end)
    building = load(paths).building
    settings = get_settings()
    try:
        rows = (
            read_registry_file(devices)
            if devices
            else [r for r in template_rows(building) if r.point.medium is not None]
        )
        records = (
            read_allocations(allocations, building.spaces, default_standard(), level)
            if allocations
            else []
        )
        rules = (
            load_patrol_rules(settings.patrol_rules)
            if settings.patrol_rules
            else load_patrol_rules()
        )
        engine = engine_for(settings.effective_database_url)
        service = EnergyService(
            engine,
            working=WorkingTime(load_calendar(settings.energy_calendar), rules.working_hours),
            data=load_energy_data(settings.energy_factors, settings.energy_quotas),
        )
        site = service.site(
            "cli", building, devices=bind("cli", building, rows).devices, allocations=records
        )
        answer = service.consumption(site, by=by, start=begin, end=finish, medium=medium)  # type: ignore[arg-type]
    except (EnergyError, DeviceError) as exc:
        fail(str(exc))
    answer["building"] = building.name
    if json_output:
        print_json(answer)
        return
    unit = answer["unit"]
    typer.echo(f"{building.name}: {medium} by {by}, {answer['from']} to {answer['to']} ({unit})")
    for row in answer["rows"]:
        per_m2 = "-" if row["per_m2"] is None else f"{row['per_m2']:.3f}"
        per_person = "-" if row["per_person"] is None else f"{row['per_person']:.2f}"
        typer.echo(
            f"  {str(row.get('label') or row['key'])[:24]:<24} {row['consumption']:>12.2f}  "
            f"{per_m2:>9}/m²  {per_person:>9}/person  off-hours {row['non_working_hours']:.2f}"
        )
    typer.echo(
        f"  {'TOTAL':<24} {answer['total']:>12.2f}  unmetered {answer['unmetered']:.2f}  "
        f"{answer['kgce']:.1f} kgce  {answer['co2_kg']:.1f} kg CO2"
    )
    for warning in answer["warnings"]:
        typer.echo(f"  warning: {warning}", err=True)
