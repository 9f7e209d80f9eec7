"""``twin export brick|cobie PATH... --out FILE``: a building in the data standards.

Contract (README): ``twin export brick PATH... --out FILE.ttl [--devices
REGISTRY] [--validate]`` and ``twin export cobie PATH... --out FILE.xlsx
[--devices REGISTRY]``. ``--devices`` binds a device registry file
(``.csv``/``.json``, the ``twin devices load`` format) to the building first.
Exit 0 on success, 2 for bad input, 1 when the export fails validation.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.app import TwinGroup, app
from cli.common import EXIT_INTERNAL, fail, load, write_file

if TYPE_CHECKING:
    from twin.devices.registry import Device

export_app = typer.Typer(cls=TwinGroup, help="Export a building as Brick (Turtle) or COBie (XLSX).")
app.add_typer(export_app, name="export")

Paths = Annotated[list[Path], typer.Argument(help="IFC files of one building (.ifc/.ifczip).")]
DevicesOption = Annotated[
    Path | None, typer.Option("--devices", help="Device registry (.csv/.json) to bind first.")
]
BuildingIdOption = Annotated[
    str | None, typer.Option("--building-id", help="Id in the exported names (default: file).")
]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Read the files afresh.")]
#: Characters a file stem may not bring into a building id.
UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")


def _building_id(paths: list[Path], given: str | None) -> str:
    return given or UNSAFE_ID.sub("_", paths[0].stem).strip("_") or "building"


def _devices(building_id: str, building: Any, registry: Path | None) -> tuple[Device, ...]:
    """The registry file's devices bound to ``building`` (a ``spatial`` Building)."""
    from twin.devices.errors import DeviceError
    from twin.devices.registry import bind, read_registry_file

    if registry is None:
        return ()
    try:
        return bind(building_id, building, read_registry_file(registry)).devices
    except DeviceError as exc:
        fail(str(exc))


def _suffix(out: Path, wanted: str) -> None:
    if out.suffix.lower() != wanted:
        fail(f"--out {out}: expected a {wanted} file")


@export_app.command("brick")
def brick_command(
    paths: Paths,
    out: Annotated[Path, typer.Option("--out", help="Output Turtle file (.ttl).")],
    devices: DevicesOption = None,
    building_id: BuildingIdOption = None,
    validate: Annotated[
        bool, typer.Option("--validate", help="Run SHACL validation (a few seconds).")
    ] = False,
    no_cache: NoCache = False,
) -> None:
    """Write the building (and bound devices' points) as a Brick 1.4 graph in Turtle."""
    from twin.exchange import brick
    from twin.exchange.errors import ExchangeError

    _suffix(out, ".ttl")
    building = load(paths, use_cache=not no_cache).building
    ident = _building_id(paths, building_id)
    bound = _devices(ident, building, devices)
    try:
        graph = brick.brick_graph(building, bound, building_id=ident)
        if validate:
            brick.require_valid(graph)
    except ExchangeError as exc:
        fail(str(exc), EXIT_INTERNAL)
    write_file(out, graph.serialize(format="turtle", encoding="utf-8"))
    points = sum(len(d.points) for d in bound)
    checked = ", SHACL-valid" if validate else ""
    typer.echo(f"wrote {out} ({len(graph)} triples, {points} points{checked})")


@export_app.command("cobie")
def cobie_command(
    paths: Paths,
    out: Annotated[Path, typer.Option("--out", help="Output workbook (.xlsx).")],
    devices: DevicesOption = None,
    building_id: BuildingIdOption = None,
    contact: Annotated[
        str | None,
        typer.Option(
            "--contact", help="E-mail of the handover's author (CreatedBy; default the twin's)."
        ),
    ] = None,
    no_cache: NoCache = False,
) -> None:
    """Write the COBie 2.4 handover workbook (Space per room, Component per equipment)."""
    from twin.exchange import cobie

    contact = contact or cobie.DEFAULT_CONTACT
    _suffix(out, ".xlsx")
    if "@" not in contact:
        fail(f"--contact {contact!r}: expected an e-mail address")
    building = load(paths, use_cache=not no_cache).building
    bound = _devices(_building_id(paths, building_id), building, devices)
    write_file(out, cobie.cobie_xlsx(building, devices=bound, contact=contact))
    typer.echo(
        f"wrote {out} ({len(building.spaces)} spaces, "
        f"{len(building.equipment) + len(building.lifts)} components)"
    )
