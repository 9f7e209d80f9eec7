"""``twin plan``: printable floor plans of a building's storeys.

Contract (README): ``twin plan PATH... --storey NAME|all [--colour
type|compliance|occupancy|live] [--allocations FILE --level LEVEL | --report
REPORT.json] [--live STATUS.json] --out OUT.svg|.pdf|.png|.dxf [--width PX]``.
A PDF holds a cover with the summary and one page per storey; with
``--storey all`` an SVG or PNG is written per storey as ``OUT-<storey>.svg``.
Exit 0 on success, 2 for bad input (unknown storey: the storeys are listed),
1 when the renderer fails.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import app
from cli.common import EXIT_INTERNAL, fail, load, write_file
from cli.compliance import parse_day, read_allocations, read_room_types, read_standard

if TYPE_CHECKING:
    from twin.housing.plans import PlanInputs

Paths = Annotated[list[Path], typer.Argument(help="IFC files of one building (.ifc/.ifczip).")]
#: Output formats, by file suffix.
FORMATS = (".svg", ".pdf", ".png", ".dxf")
#: Characters a storey name may not bring into a file name.
UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\s]+')
#: Live statuses a ``--live`` file may give.
LIVE_STATUSES = ("normal", "warning", "alarm", "offline")
#: The help names the choices of :data:`twin.housing.plans.COLOUR_MODES`,
#: :data:`~twin.housing.plans.layout.PAPER_SIZES_MM` and the default of
#: :data:`~twin.housing.plans.render.DEFAULT_PNG_WIDTH_PX` without importing the
#: renderer (``twin plan --help`` stays quick); a test keeps them in step.
COLOUR_HELP = "Colour mode: type, compliance, occupancy, live."
PAPER_HELP = "Landscape sheet: A4, A3, A2, A1."
WIDTH_HELP = "PNG width in pixels (default 2000)."


@app.command("plan")
def plan_command(
    paths: Paths,
    storey: Annotated[str, typer.Option("--storey", help="Storey name or GlobalId, or 'all'.")],
    out: Annotated[Path, typer.Option("--out", help="Output file: .svg, .pdf, .png or .dxf.")],
    colour: Annotated[str, typer.Option("--colour", help=COLOUR_HELP)] = "type",
    allocations: Annotated[
        Path | None,
        typer.Option("--allocations", help="Allocation file (.csv/.xlsx/.json): run the check."),
    ] = None,
    level: Annotated[
        str | None,
        typer.Option("--level", help="Organ level for --allocations rows without one."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="JSON report of 'twin compliance --json' to colour by."),
    ] = None,
    live: Annotated[
        Path | None,
        typer.Option(
            "--live", help='Live statuses, JSON {"GlobalId": "normal|warning|alarm|offline"}.'
        ),
    ] = None,
    on_date: Annotated[
        str | None, typer.Option("--date", help="Date of the check and title block, YYYY-MM-DD.")
    ] = None,
    width: Annotated[int | None, typer.Option("--width", help=WIDTH_HELP)] = None,
    paper: Annotated[str, typer.Option("--paper", help=PAPER_HELP)] = "A3",
    standard_file: Annotated[
        Path | None, typer.Option("--standard", help="Standard file (JSON) for --allocations.")
    ] = None,
    room_types: Annotated[
        Path | None,
        typer.Option("--room-types", help='Room-type keywords, JSON {"type": ["keyword", ...]}.'),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Read the files afresh.")] = False,
) -> None:
    """Draw floor plans coloured by room type, compliance, occupancy or live status."""
    from twin.housing.plans import (
        COLOUR_MODES,
        PlanError,
        PlanInputs,
        PlanOptions,
        RenderBackendError,
        UnknownStoreyError,
        find_storey,
        plan_storeys,
        plans_pdf,
        storey_png,
        storey_svg,
    )
    from twin.housing.plans.dxf import storey_dxf
    from twin.housing.plans.layout import PAPER_SIZES_MM
    from twin.housing.plans.render import DEFAULT_PNG_WIDTH_PX

    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        fail(f"--out {out}: the format comes from the suffix, one of {', '.join(FORMATS)}")
    if colour not in COLOUR_MODES:
        fail(f"--colour {colour!r}: one of {', '.join(COLOUR_MODES)}")
    if paper.upper() not in PAPER_SIZES_MM:
        fail(f"--paper {paper!r}: one of {', '.join(PAPER_SIZES_MM)}")
    if allocations is not None and report is not None:
        fail("give --allocations or --report, not both")
    day = parse_day(on_date)
    rules = read_room_types(room_types)
    building = load(paths, use_cache=not no_cache).building

    if allocations is not None:
        inputs = _inputs_from_allocations(building, allocations, level, standard_file, day, rules)
    elif report is not None:
        inputs = _inputs_from_report(report)
    else:
        inputs = PlanInputs()
    if live is not None:
        inputs = dataclasses.replace(inputs, live=_read_live(live))
    if colour in ("compliance", "occupancy") and allocations is None and report is None:
        fail(f"--colour {colour} needs --allocations FILE or --report REPORT.json")
    if colour == "live" and live is None:
        fail("--colour live needs --live STATUS.json (the running service draws it itself)")

    if storey.casefold() == "all":
        storeys = plan_storeys(building)
        if not storeys:
            fail(f"{building.name}: no storey has a room with a plan footprint")
    else:
        try:
            storeys = (find_storey(building, storey),)
        except (PlanError, UnknownStoreyError) as exc:
            fail(str(exc))
    options = PlanOptions(
        colour=colour,
        inputs=inputs,
        paper=paper,
        on_date=day,
        room_types={s.global_id: rules.classify(s) for s in building.spaces},
    )
    try:
        if suffix == ".pdf":
            write_file(out, plans_pdf(building, storeys, options))
            typer.echo(f"wrote {out} ({len(storeys) + 1} pages: cover + {len(storeys)} storeys)")
            return
        for item in storeys:
            target = (
                out
                if len(storeys) == 1 and storey.casefold() != "all"
                else _per_storey(out, item.name)
            )
            if suffix == ".dxf":
                write_file(target, storey_dxf(building, item, options))
                typer.echo(f"wrote {target} ({item.name})")
                continue
            if suffix == ".svg":
                data = storey_svg(building, item, options).encode("utf-8")
            else:
                png_width = DEFAULT_PNG_WIDTH_PX if width is None else width
                data = storey_png(building, item, options, width_px=png_width)
            write_file(target, data)
            typer.echo(f"wrote {target} ({item.name})")
    except RenderBackendError as exc:
        fail(str(exc), EXIT_INTERNAL)
    except PlanError as exc:
        fail(str(exc))


def _per_storey(out: Path, storey_name: str) -> Path:
    """``plans.svg`` + storey ``Level 1`` -> ``plans-Level_1.svg``."""
    safe = UNSAFE_FILENAME.sub("_", storey_name).strip("_") or "storey"
    return out.with_name(f"{out.stem}-{safe}{out.suffix}")


def _inputs_from_report(path: Path) -> PlanInputs:
    from twin.housing.plans import PlanError, inputs_from_compliance_report

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"cannot read report {path}: {exc}")
    if not isinstance(data, dict):
        fail(f"{path}: expected the JSON object of 'twin compliance --json'")
    try:
        return inputs_from_compliance_report(data)
    except PlanError as exc:
        fail(f"{path}: {exc}")


def _inputs_from_allocations(building, path, level, standard_file, day, rules) -> PlanInputs:  # type: ignore[no-untyped-def]
    from twin.housing.compliance import ComplianceError, check_compliance, compliance_report
    from twin.housing.plans import inputs_from_report

    standard = read_standard(standard_file, level)
    records = read_allocations(path, building.spaces, standard, level)
    try:
        result = check_compliance(building, records, standard, on_date=day, rules=rules)
    except ComplianceError as exc:
        fail(str(exc))
    return inputs_from_report(compliance_report(result))


def _read_live(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"cannot read live statuses {path}: {exc}")
    if not isinstance(data, dict):
        fail(f"{path}: expected a JSON object {{GlobalId: status}}")
    bad = sorted({str(v) for v in data.values()} - set(LIVE_STATUSES))
    if bad:
        fail(f"{path}: unknown live statuses {', '.join(bad)}; use {', '.join(LIVE_STATUSES)}")
    return {str(k): str(v) for k, v in data.items()}
