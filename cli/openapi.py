"""``twin openapi``: write the API's OpenAPI document (the contract clients build on)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import app
from cli.common import fail


@app.command("openapi")
def openapi_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write here (e.g. api/openapi.json), else stdout.")
    ] = None,
) -> None:
    """Print or write the OpenAPI document of the service (no server is started)."""
    from api.app import create_app
    from api.openapi import openapi_text

    text = openapi_text(create_app())
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {out}: {exc}")
    typer.echo(f"wrote {out}")
