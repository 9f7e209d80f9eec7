"""``twin compliance``: office-space compliance of a building's allocations.

Contract (README): ``twin compliance PATH... --allocations FILE --level
central|provincial|municipal|county|township [--date YYYY-MM-DD] [--json |
--xlsx OUT]``. Exit 0 when the check ran (whatever it found), 2 for bad input
with every bad row on stderr, 1 for an internal error.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import app
from cli.common import fail, fail_rows, load, print_json

if TYPE_CHECKING:
    from twin.buildings.room_types import RoomTypeRules
    from twin.housing.allocations.records import Allocation
    from twin.housing.compliance import ComplianceReport
    from twin.housing.standards import Standard

Paths = Annotated[list[Path], typer.Argument(help="IFC files of one building (.ifc/.ifczip).")]
AllocationsFile = Annotated[
    Path, typer.Option("--allocations", help="Allocation file (.csv, .xlsx or .json).")
]
Level = Annotated[
    str | None,
    typer.Option(
        "--level",
        help="Organ level of rows without an organ_level column: "
        "central, provincial, municipal, county or township.",
    ),
]
OnDate = Annotated[
    str | None, typer.Option("--date", help="Check as of this day, YYYY-MM-DD (default: today).")
]
StandardFile = Annotated[
    Path | None,
    typer.Option("--standard", help="Standard file (JSON); default: the 2014 national standard."),
]
RoomTypesFile = Annotated[
    Path | None,
    typer.Option("--room-types", help='Room-type keywords, JSON {"type": ["keyword", ...]}.'),
]


@app.command("compliance")
def compliance_command(
    paths: Paths,
    allocations: AllocationsFile,
    level: Level = None,
    on_date: OnDate = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Write the report as XLSX to this file.")
    ] = None,
    plans: Annotated[
        bool,
        typer.Option(
            "--plans",
            help="With --xlsx: also write OUT-plans.pdf (compliance colours) and link each "
            "room row to its storey's page.",
        ),
    ] = False,
    standard_file: StandardFile = None,
    room_types: RoomTypesFile = None,
) -> None:
    """Check every office against the per-rank usable-area limits of the standard."""
    from api.schemas.housing import ComplianceOut
    from twin.housing.compliance import ComplianceError, check_compliance, compliance_report

    day = parse_day(on_date)
    standard = read_standard(standard_file, level)
    rules = read_room_types(room_types)
    building = load(paths).building
    records = read_allocations(allocations, building.spaces, standard, level)
    try:
        result = check_compliance(building, records, standard, on_date=day, rules=rules)
    except ComplianceError as exc:
        fail(str(exc))
    report = compliance_report(result)
    if xlsx is not None:
        _write_xlsx(xlsx, building, result, report, with_plans=plans)
    if json_output:
        print_json(ComplianceOut.model_validate(report).model_dump(mode="json"))
        return
    _print_text(report, xlsx)


def _write_xlsx(xlsx: Path, building, result, report, *, with_plans: bool) -> None:  # type: ignore[no-untyped-def]
    """The XLSX report; with plans, also ``OUT-plans.pdf`` in compliance colours, each
    room row linking to its storey's page."""
    from twin.housing.compliance import to_xlsx_bytes

    links = None
    try:
        if with_plans:
            from twin.housing.plans import PlanOptions, inputs_from_report, plan_storeys, plans_pdf

            pdf = xlsx.with_name(f"{xlsx.stem}-plans.pdf")
            options = PlanOptions(colour="compliance", inputs=inputs_from_report(report))
            pdf.write_bytes(plans_pdf(building, options=options))
            # Page 1 is the cover; then one page per storey that has rooms.
            links = {
                storey.name: f"{pdf.name}#page={number}"
                for number, storey in enumerate(plan_storeys(building), start=2)
            }
        xlsx.write_bytes(to_xlsx_bytes(result, plan_links=links))
    except OSError as exc:
        fail(f"cannot write {xlsx}: {exc}")


def parse_day(text: str | None) -> date:
    """``--date`` as a date (today when not given); exit 2 when malformed."""
    if text is None:
        from twin import today_utc

        return today_utc()
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--date {text!r} is not a date in the form YYYY-MM-DD")


def read_standard(path: Path | None, level: str | None = None) -> Standard:
    """The standard of ``--standard``, or the default one, checked to know ``level``;
    exit 2 when unreadable or when the level is unknown to it."""
    from twin.housing.standards import StandardError, default_standard, load_standard

    try:
        standard = default_standard() if path is None else load_standard(path)
        if level is not None:
            standard.check_level(level)
    except StandardError as exc:
        fail(str(exc))
    return standard


def read_room_types(path: Path | None) -> RoomTypeRules:
    """Room-type rules extended by ``--room-types``; exit 2 when unreadable."""
    from twin.buildings.room_types import RoomTypesFileError, read_room_types

    try:
        return read_room_types(path)
    except RoomTypesFileError as exc:
        fail(str(exc))


def read_allocations(path, spaces, standard, level) -> list[Allocation]:  # type: ignore[no-untyped-def]
    """Validated allocations of a file; exit 2 listing every bad row on stderr."""
    from twin.housing.allocations.errors import AllocationFileError, AllocationImportError
    from twin.housing.allocations.parse import read_rows
    from twin.housing.allocations.validate import validate_rows

    try:
        return validate_rows(read_rows(path), spaces=spaces, standard=standard, default_level=level)
    except AllocationFileError as exc:
        fail(str(exc))
    except AllocationImportError as exc:
        fail_rows(path.name, exc)


def _print_text(report: ComplianceReport, xlsx: Path | None) -> None:
    s = report.summary
    typer.echo(f"Office-space compliance on {report.date.isoformat()} ({report.standard.title})")
    typer.echo(
        f"  offices judged {s['rooms_checked']}, over the standard {s['rooms_over']} "
        f"(+{s['area_over_m2']:.2f} m²), persons over {s['persons_over']}, "
        f"vacant {s['vacant_rooms']} ({s['vacant_area_m2']:.2f} m²), "
        f"allocated to non-offices {s['not_office_allocations']}, leavers {s['leavers']}"
    )
    for room in report.rooms:
        if room.status == "over":
            typer.echo(
                f"  over   {room.room:<8} {room.long_name[:24]:<24} "
                f"{room.area_m2:>8.2f} m² "
                f"(limit {room.limit_m2:.2f} m² for {len(room.occupants)}) "
                f"+{room.excess_m2:.2f} m² ({room.excess_pct:.1f} %)"
            )
    for vacant in report.vacant_rooms:
        typer.echo(f"  vacant {vacant.room:<8} {vacant.area_m2:>8.2f} m²  {vacant.storey}")
    for person in report.persons:
        if person.status == "not_office":
            typer.echo(f"  not an office: {person.person_id} in {person.room} ({person.room_type})")
    for leaver in report.leavers:
        typer.echo(
            f"  left: {leaver.person_id} (until {leaver.valid_to.isoformat()}) room {leaver.room}"
        )
    for warning in report.warnings:
        typer.echo(f"  warning: {warning}")
    if xlsx is not None:
        typer.echo(f"  report written to {xlsx}")
