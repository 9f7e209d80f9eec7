"""``twin usage``: rooms and usable area per storey, room type or zone."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import app
from cli.common import fail, load, print_json
from cli.compliance import (
    Level,
    OnDate,
    RoomTypesFile,
    parse_day,
    read_allocations,
    read_room_types,
)

Paths = Annotated[list[Path], typer.Argument(help="IFC files of one building (.ifc/.ifczip).")]


@app.command("usage")
def usage_command(
    paths: Paths,
    by: Annotated[
        str, typer.Option("--by", help="Group by storey, type, zone, department or building.")
    ] = "storey",
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    room_types: RoomTypesFile = None,
    allocations: Annotated[
        Path | None,
        typer.Option("--allocations", help="Allocation file: adds occupancy and vacancy."),
    ] = None,
    level: Level = None,
    on_date: OnDate = None,
) -> None:
    """Number of rooms, usable area and area by room type, grouped as asked."""
    from twin.housing.standards import default_standard
    from twin.housing.usage import UsageQueryError, building_usage, check_usage_query

    try:
        check_usage_query(by, with_allocations=allocations is not None)
    except UsageQueryError as exc:
        fail(f"--by: {exc}")
    rules = read_room_types(room_types)
    day = parse_day(on_date)
    building = load(paths).building
    records = None
    if allocations is not None:
        records = read_allocations(allocations, building.spaces, default_standard(), level)
    report = building_usage(building, by=by, rules=rules, allocations=records, on_date=day)
    if json_output:
        print_json(report)
        return
    typer.echo(f"{report['building']}: usage by {by}")
    for group in (
        [*report["groups"], {**report["total"], "key": "TOTAL"}] if report["total"] else []
    ):
        types = ", ".join(f"{t} {a:.1f}" for t, a in group["area_by_type_m2"].items())
        line = (
            f"  {group['key'][:20]:<20} {group['rooms']:>4} rooms "
            f"{group['usable_area_m2']:>9.2f} m²"
        )
        if group["occupants"] is not None:
            per = group["area_per_person_m2"]
            util = group["utilisation"]
            line += f"  {group['occupants']} persons"
            line += f", {per:.1f} m²/person" if per is not None else ""
            line += f", utilisation {util:.0%}" if util is not None else ""
        typer.echo(line)
        if by != "type" or group["key"] == "TOTAL":
            typer.echo(f"  {'':<20} {types}")
    for room in report["vacant"]:
        typer.echo(f"  vacant {room['name']:<8} {room['area_m2']:>8.2f} m²  {room['storey']}")
