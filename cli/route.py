"""``twin route``, ``twin round`` and ``twin export-glb``: walk the building."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import app
from cli.common import fail, load, print_json
from spatial.errors import AmbiguousPlaceError, RoutingError, UnknownPlaceError
from spatial.rounds import plan_round
from spatial.routing import Route, Router

Paths = Annotated[list[Path], typer.Argument(help="IFC files of one building (.ifc/.ifczip).")]
From = Annotated[
    str,
    typer.Option("--from", help="Start: GlobalId, room number or name, equipment tag, outside."),
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


def _router(paths: list[Path]) -> Router:
    return Router(load(paths).graph)


def _reason(exc: RoutingError) -> str:
    if (
        isinstance(exc, UnknownPlaceError)
        and not isinstance(exc, AmbiguousPlaceError)
        and exc.candidates
        and "did you mean" not in str(exc)
    ):
        return f"{exc} (close matches: {', '.join(exc.candidates[:10])})"
    return str(exc)


def _print_route(route: Route) -> None:
    typer.echo(
        f"{route.origin.name} -> {route.destination.name}: "
        f"{route.length_m:.1f} m, about {route.time_s / 60:.1f} min"
    )
    for step in route.steps:
        where = f"  [{step.storey}]" if step.storey else ""
        typer.echo(f"  {step.kind:<9} {step.name}{where}")


@app.command("route")
def route_command(
    paths: Paths,
    origin: From,
    destination: Annotated[str, typer.Option("--to", help="Destination: a room or equipment.")],
    no_stairs: NoStairs = False,
    avoid: Avoid = None,
    out_of_service: OutOfService = None,
    json_output: JsonFlag = False,
) -> None:
    """The quickest walking route between two places of a building."""
    router = _router(paths)
    try:
        constraints = router.constraints(
            no_stairs=no_stairs, avoid=avoid or (), out_of_service=out_of_service or ()
        )
        route = router.route(origin, destination, constraints)
    except RoutingError as exc:
        fail(_reason(exc))
    if json_output:
        print_json(route.to_dict())
    else:
        _print_route(route)


@app.command("round")
def round_command(
    paths: Paths,
    origin: From,
    targets: Annotated[
        list[str], typer.Option("--to", help="Places to visit (repeat --to, or list after it).")
    ],
    no_stairs: NoStairs = False,
    avoid: Avoid = None,
    json_output: JsonFlag = False,
) -> None:
    """A maintenance round: the order to visit places that keeps the walk short."""
    router = _router(paths)
    try:
        constraints = router.constraints(no_stairs=no_stairs, avoid=avoid or ())
        plan = plan_round(router, origin, targets, constraints)
    except RoutingError as exc:
        fail(_reason(exc))
    if json_output:
        print_json(plan.to_dict())
        return
    typer.echo(
        f"round from {plan.start.name}: {len(plan.order)} stops, {plan.length_m:.1f} m, "
        f"about {plan.time_s / 60:.1f} min (in the given order: {plan.naive_length_m:.1f} m, "
        f"{plan.naive_time_s / 60:.1f} min)"
    )
    for number, (place, leg) in enumerate(zip(plan.order, plan.legs, strict=True), start=1):
        typer.echo(f"  {number:>2}. {place.name}  (+{leg.length_m:.1f} m)")


@app.command("export-glb")
def export_glb_command(
    paths: Annotated[list[Path], typer.Argument(help="IFC files of one building, then OUT.glb.")],
) -> None:
    """Write the building's 3D scene as a GLB file (last argument)."""
    if len(paths) < 2 or paths[-1].suffix.lower() != ".glb":
        fail("usage: twin export-glb PATH... OUT.glb")
    result = load(paths[:-1])
    if result.glb is None:
        fail("no 3D scene for this building", code=1)
    paths[-1].write_bytes(result.glb)
    typer.echo(f"wrote {paths[-1]} ({len(result.glb) / 1e6:.1f} MB)")
