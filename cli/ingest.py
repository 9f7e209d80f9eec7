"""``twin ingest`` and ``twin info``: read a building and say what is in it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import app
from cli.common import fail, load, print_json

Paths = Annotated[list[Path], typer.Argument(help="IFC files of one building (.ifc/.ifczip).")]


@app.command("ingest")
def ingest_command(
    paths: Paths,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Read the files afresh.")] = False,
    name: Annotated[
        str | None, typer.Option("--name", help="Register the building under this id.")
    ] = None,
) -> None:
    """Ingest one building from one or more IFC files and print its summary."""
    from twin.buildings.ingest import summary

    result = load(paths, use_cache=not no_cache)
    data = summary(result)
    if name is not None:
        data["building_id"] = _register(name, paths)
    if json_output:
        print_json(data)
        return
    nav = data["nav"]
    typer.echo(
        f"{data['name']} ({data['schema']}, {', '.join(s['name'] for s in data['sources'])})"
    )
    typer.echo(
        f"  storeys {data['storeys']}  spaces {data['spaces']} "
        f"({data['spaces_with_footprint']} with footprint, {data['usable_area_m2']:.1f} m² usable)"
    )
    typer.echo(
        f"  doors {data['doors']}  stairs {data['stairs']}  lifts {data['lifts']}  "
        f"equipment {data['equipment']} ({data['equipment_located']} located in a room)"
    )
    references = ", ".join(data["area_references"]) or "none in the model"
    typer.echo(
        f"  footprint areas within 3% of the model's own ({references}): "
        f"{data['areas_within_3pct']}/{data['areas_compared']}"
    )
    typer.echo(
        f"  navigation: {nav['nodes']} nodes, {nav['edges']} edges, {nav['components']} "
        f"components, {nav['spaces_reachable']}/{data['spaces']} rooms reachable from outside"
    )
    for warning in data["warnings"]:
        typer.echo(f"  warning: {warning}")
    if name is not None:
        typer.echo(f"  registered as building {name}")
    source = "cache" if data["from_cache"] else "IFC"
    typer.echo(f"  read from {source} in {data['seconds']:.2f} s")


@app.command("info")
def info_command(
    paths: Paths,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Read the files afresh.")] = False,
) -> None:
    """Print the storeys, rooms and equipment of a building as a tree."""
    from twin.buildings.contents import building_contents

    contents = building_contents(load(paths, use_cache=not no_cache).building)
    typer.echo(f"{contents.name}  [{contents.schema}]")
    for storey in contents.storeys:
        rooms = f"{len(storey.rooms)} room{'' if len(storey.rooms) == 1 else 's'}"
        typer.echo(f"├─ {storey.name}  (elevation {storey.elevation_m:.2f} m, {rooms})")
        for room in storey.rooms:
            area_text = f"{room.area_m2:.2f} m²" if room.area_m2 is not None else "no area"
            extra = f", {room.equipment} equipment" if room.equipment else ""
            typer.echo(f"│  ├─ {room.label}  {area_text}{extra}")
    if contents.unlocated:
        typer.echo(f"└─ equipment in no room: {len(contents.unlocated)}")
        for item in contents.unlocated[:20]:
            typer.echo(f"   ├─ {item.ifc_class} {item.name} {item.tag}".rstrip())


def _register(building_id: str, paths: list[Path]) -> str:
    """Copy the files into the building registry (``twin ingest --name``)."""
    from twin.buildings.registry import BuildingRegistry, RegistryError
    from twin.settings import get_settings

    settings = get_settings()
    try:
        BuildingRegistry(settings.data_dir, cache_dir=settings.cache_dir).register(
            building_id, paths
        )
    except RegistryError as exc:
        fail(str(exc))
    return building_id
