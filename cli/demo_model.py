"""``twin demo-model``: write the generated demo office building and its truth."""

from __future__ import annotations

import pathlib
from typing import Annotated

import typer

from cli.app import app
from cli.common import fail


@app.command("demo-model")
def demo_model(
    out: Annotated[pathlib.Path, typer.Argument(help="Output IFC file (OUT.ifc).")],
    storeys: Annotated[int, typer.Option(help="Number of storeys (1-99).")] = 6,
    rooms_per_storey: Annotated[
        int, typer.Option(help="IfcSpaces per storey, all kinds counted (12-999).")
    ] = 50,
    seed: Annotated[int, typer.Option(help="Layout and GlobalId seed.")] = 0,
    schema: Annotated[str, typer.Option(help="IFC4 or IFC2X3.")] = "IFC4",
    units: Annotated[str, typer.Option(help="Length unit: m or mm.")] = "m",
    space_boundaries: Annotated[
        bool, typer.Option("--space-boundaries", help="Also write IfcRelSpaceBoundary.")
    ] = False,
) -> None:
    """Generate the demo government office building (IFC) with known answers.

    Writes OUT.ifc and OUT.truth.json (rooms, doors, equipment, stairs and
    lifts with their GlobalIds, areas in m²).
    """
    from twin.demo.building import DemoError, write_demo_model

    try:
        model = write_demo_model(
            out,
            storeys=storeys,
            rooms_per_storey=rooms_per_storey,
            seed=seed,
            schema=schema.upper(),  # type: ignore[arg-type]
            units=units,  # type: ignore[arg-type]
            space_boundaries=space_boundaries,
        )
    except DemoError as exc:
        fail(str(exc))
    truth = model.truth
    typer.echo(
        f"{out} ({model.truth_path.name}): {len(truth['storeys'])} storeys, "
        f"{len(truth['spaces'])} rooms, {len(truth['doors'])} doors, "
        f"{len(truth['equipment'])} equipment, {model.seconds:.2f} s"
    )
