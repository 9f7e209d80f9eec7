"""``twin route``, ``twin round`` and ``twin export-glb``: walk the building.

Routes and rounds are composed by :mod:`twin.navigation`, the same code the
API answers ``GET .../route`` and ``.../rounds`` with. A building is given
either as its IFC files (``PATH...``) or, with ``--building ID``, as a
registered building of ``TWIN_DATA_DIR``: then ``alarm:<id>`` and
``work-order:<id>`` references work and lifts whose devices report a fault
are not used, as in the API.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from cli.app import app
from cli.common import fail, print_json, progress_bar

if TYPE_CHECKING:
    from twin.navigation.navigator import Navigator

Paths = Annotated[
    list[Path] | None,
    typer.Argument(help="IFC files of one building (.ifc/.ifczip); or use --building."),
]
Building = Annotated[
    str | None,
    typer.Option(
        "--building",
        help="A registered building (TWIN_DATA_DIR) instead of PATHs: alarm:<id> and "
        "work-order:<id> work, lifts reported faulty are avoided.",
    ),
]
From = Annotated[
    str,
    typer.Option(
        "--from",
        help="Start: GlobalId, room number or name, equipment tag, outside, "
        "alarm:<id>, work-order:<id>.",
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
NoStairs = Annotated[
    bool,
    typer.Option("--no-stairs", help="Step-free: no stairs or escalators (trolley, wheelchair)."),
]
Avoid = Annotated[
    list[str] | None,
    typer.Option("--avoid", help="A room (reference) or room type to keep out of; repeatable."),
]
OutOfService = Annotated[
    list[str] | None,
    typer.Option(
        "--out-of-service", help="GlobalId of a door, stair or lift not to use; repeatable."
    ),
]


def _navigator(paths: list[Path] | None, building: str | None) -> Navigator:
    """The building of ``PATH...`` or ``--building ID`` (exactly one of them)."""
    if bool(paths) == (building is not None):
        fail("give the building's IFC files (PATH...) or --building ID, one of the two")
    from twin.buildings.ingest import IfcModelError
    from twin.buildings.registry import RegistryError
    from twin.navigation.navigator import navigator_for_files, navigator_for_registered

    try:
        if building is not None:
            return navigator_for_registered(building)
        with progress_bar() as progress:
            return navigator_for_files(paths or [], progress=progress)
    except (IfcModelError, RegistryError) as exc:
        fail(str(exc))


def _fail_for(exc: Exception, building: str | None) -> NoReturn:
    """Exit 2 with the reason; close matches for an unknown place."""
    from twin.navigation.errors import AmbiguousPlaceError, NoTwinStateError, UnknownPlaceError

    message = str(exc)
    if isinstance(exc, NoTwinStateError) and building is None:
        message += ": use --building ID"
    if (
        isinstance(exc, UnknownPlaceError)
        and not isinstance(exc, AmbiguousPlaceError)
        and exc.candidates
        and "did you mean" not in message
    ):
        message += f" (close matches: {', '.join(exc.candidates[:10])})"
    fail(message)


def _query_errors() -> tuple[type[Exception], ...]:
    """What a route or round raises for a question the building cannot answer."""
    from twin.devices.errors import DeviceError
    from twin.navigation.errors import RoutingError

    return (RoutingError, DeviceError)


def _print_route(route: Any) -> None:
    typer.echo(
        f"{route.origin.name} -> {route.destination.name}: "
        f"{route.length_m:.1f} m, about {route.time_s / 60:.1f} min"
    )
    for step in route.steps:
        where = f"  [{step.storey}]" if step.storey else ""
        typer.echo(f"  {step.kind:<9} {step.name}{where}")


def _print_lifts(lifts: tuple[str, ...]) -> None:
    if lifts:
        typer.echo(f"  lifts out of service (device fault): {', '.join(lifts)}")


@app.command("route")
def route_command(
    origin: From,
    destination: Annotated[
        str,
        typer.Option("--to", help="Destination: a room, equipment, alarm:<id>, work-order:<id>."),
    ],
    paths: Paths = None,
    building: Building = None,
    no_stairs: NoStairs = False,
    avoid: Avoid = None,
    out_of_service: OutOfService = None,
    json_output: JsonFlag = False,
) -> None:
    """The quickest walking route between two places of a building."""
    navigator = _navigator(paths, building)
    try:
        answer = navigator.route(
            origin,
            destination,
            no_stairs=no_stairs,
            avoid=avoid or (),
            out_of_service=out_of_service or (),
        )
    except _query_errors() as exc:
        _fail_for(exc, building)
    if json_output:
        print_json(answer.to_dict())
        return
    _print_route(answer)
    _print_lifts(answer.lifts_out_of_service)


@app.command("round")
def round_command(
    origin: From,
    targets: Annotated[
        list[str], typer.Option("--to", help="Places to visit (repeat --to, or list after it).")
    ],
    paths: Paths = None,
    building: Building = None,
    no_stairs: NoStairs = False,
    avoid: Avoid = None,
    json_output: JsonFlag = False,
) -> None:
    """A maintenance round: the order to visit places that keeps the walk short."""
    navigator = _navigator(paths, building)
    try:
        answer = navigator.round(origin, targets, no_stairs=no_stairs, avoid=avoid or ())
    except _query_errors() as exc:
        _fail_for(exc, building)
    if json_output:
        print_json(answer.to_dict())
        return
    plan = answer
    typer.echo(
        f"round from {plan.start.name}: {len(plan.order)} stops, {plan.length_m:.1f} m, "
        f"about {plan.time_s / 60:.1f} min (in the given order: {plan.naive_length_m:.1f} m, "
        f"{plan.naive_time_s / 60:.1f} min)"
    )
    for number, (place, leg) in enumerate(zip(plan.order, plan.legs, strict=True), start=1):
        typer.echo(f"  {number:>2}. {place.name}  (+{leg.length_m:.1f} m)")
    _print_lifts(answer.lifts_out_of_service)


@app.command("export-glb")
def export_glb_command(
    paths: Annotated[list[Path], typer.Argument(help="IFC files of one building, then OUT.glb.")],
) -> None:
    """Write the building's 3D scene as a GLB file (last argument)."""
    from cli.common import load

    if len(paths) < 2 or paths[-1].suffix.lower() != ".glb":
        fail("usage: twin export-glb PATH... OUT.glb")
    result = load(paths[:-1])
    if result.glb is None:
        fail("no 3D scene for this building", code=1)
    paths[-1].write_bytes(result.glb)
    typer.echo(f"wrote {paths[-1]} ({len(result.glb) / 1e6:.1f} MB)")
