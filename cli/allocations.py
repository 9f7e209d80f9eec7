"""``twin demo-allocations`` and ``twin allocations import|export``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import TwinGroup, app
from cli.common import fail, fail_rows, load, print_json, write_file
from cli.compliance import Level, StandardFile, read_standard

if TYPE_CHECKING:
    from twin.housing.allocations.records import Allocation

Paths = Annotated[list[Path], typer.Argument(help="IFC files of one building (.ifc/.ifczip).")]
Database = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL (default: TWIN_DATABASE_URL or the SQLite file)."),
]

allocations_app = typer.Typer(
    cls=TwinGroup, help="Office allocations: import and export.", no_args_is_help=True
)
app.add_typer(allocations_app, name="allocations")


def write_records(records: list[Allocation], out: Path) -> None:
    """Write records as CSV, XLSX or JSON by the extension of ``out``; exit 2 otherwise."""
    from twin.housing.allocations.export import to_csv_bytes, to_json_bytes, to_xlsx_bytes

    writers = {".csv": to_csv_bytes, ".xlsx": to_xlsx_bytes, ".json": to_json_bytes}
    writer = writers.get(out.suffix.casefold())
    if writer is None:
        fail(f"--out {out}: use a .csv, .xlsx or .json file")
    write_file(out, writer(records))


@app.command("demo-allocations")
def demo_allocations_command(
    paths: Paths,
    out: Annotated[Path, typer.Option("--out", help="Output file (.csv, .xlsx or .json).")],
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generator.")] = 0,
    level: Annotated[str, typer.Option("--level", help="Organ level.")] = "municipal",
    standard_file: StandardFile = None,
) -> None:
    """Write fictitious allocation records for a building (for demos and tests)."""
    from twin.demo.allocations import generate_allocations

    standard = read_standard(standard_file, level)
    building = load(paths).building
    records = generate_allocations(building, seed=seed, level=level, standard=standard)
    if not records:
        fail("the building has no office rooms to allocate")
    write_records(records, out)
    persons = len({r.person_id for r in records})
    typer.echo(f"{len(records)} allocation records for {persons} persons written to {out}")


@allocations_app.command("import")
def import_command(
    paths: Paths,
    file: Annotated[Path, typer.Option("--file", help="Allocation file (.csv, .xlsx, .json).")],
    level: Level = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; apply nothing.")
    ] = False,
    actor: Annotated[str, typer.Option("--actor", help="Who makes the change (audit).")] = "cli",
    db: Database = None,
    standard_file: StandardFile = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Import allocations as one transaction: every row, or none (bad rows on stderr)."""
    from twin.housing.allocations.errors import AllocationFileError, AllocationImportError
    from twin.housing.allocations.parse import read_rows
    from twin.housing.allocations.store import AllocationStore

    standard = read_standard(standard_file)
    building = load(paths).building
    store = AllocationStore(db)
    try:
        result = store.import_rows(
            read_rows(file),
            spaces=building.spaces,
            standard=standard,
            default_level=level,
            actor=actor,
            dry_run=dry_run,
        )
    except AllocationFileError as exc:
        fail(str(exc))
    except AllocationImportError as exc:
        fail_rows(file.name, exc)
    if json_output:
        from api.schemas.housing import ImportOut

        print_json(ImportOut.model_validate(result).model_dump(mode="json"))
        return
    verb = "would change" if dry_run else "changed"
    typer.echo(
        f"{verb}: {len(result.created)} created, {len(result.updated)} updated, "
        f"{result.unchanged} unchanged"
    )
    for before, after in result.updated:
        changed = {k: v for k, v in after.as_dict().items() if before.as_dict()[k] != v}
        typer.echo(
            f"  update {after.person_id} {after.room}: {json.dumps(changed, ensure_ascii=False)}"
        )


@allocations_app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="Output file (.csv, .xlsx or .json).")],
    on_date: Annotated[
        str | None, typer.Option("--date", help="Only records valid on YYYY-MM-DD.")
    ] = None,
    db: Database = None,
) -> None:
    """Export the stored allocations (all history, or those valid on a date)."""
    from twin.housing.allocations.store import AllocationStore

    store = AllocationStore(db)
    if on_date is None:
        records = store.all()
    else:
        try:
            records = store.valid_on(date.fromisoformat(on_date))
        except ValueError:
            fail(f"--date {on_date!r} is not a date in the form YYYY-MM-DD")
    write_records(records, out)
    typer.echo(f"{len(records)} records written to {out}")
