"""What every command shares: progress display, error exits, building loading.

Command modules import only typer and the standard library at their top, and
what a command needs inside its function: ``twin --help`` and every
``twin CMD --help`` then load no model, database or geometry library.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from twin.buildings.ingest import IngestResult

#: Exit codes of the command line (the contract in the README).
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print a one-line reason on stderr and exit (2 = bad input, 1 = internal)."""
    typer.echo(f"twin: {message}", err=True)
    raise typer.Exit(code)


def fail_rows(file_name: str, exc: Any) -> NoReturn:
    """Every bad row of an allocation file on stderr (``exc.errors``), then exit 2."""
    for error in exc.errors:
        typer.echo(f"twin: {file_name}: {error}", err=True)
    fail(str(exc))


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (making its folder); exit 2 when that fails."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        fail(f"cannot write {path}: {exc}")


def print_json(data: Any) -> None:
    """One JSON document on stdout, UTF-8, non-ASCII kept readable."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@contextlib.contextmanager
def progress_bar() -> Iterator[Any]:
    """A progress callback ``(stage, done, total)``: a bar on a terminal, silent otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        yield update


def load(paths: Sequence[Path], *, use_cache: bool = True) -> IngestResult:
    """Ingest ``paths`` with a progress bar; bad input exits 2 with the reason."""
    from twin.buildings.ingest import IfcModelError, ingest

    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    try:
        with progress_bar() as progress:
            return ingest(paths, use_cache=use_cache, progress=progress)
    except IfcModelError as exc:
        fail(str(exc))
