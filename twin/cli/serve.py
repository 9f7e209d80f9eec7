"""``twin serve``: the API on http://127.0.0.1:8000 (uvicorn, app factory)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from twin.cli.app import app

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="TCP port.")] = DEFAULT_PORT,
    log_level: Annotated[str, typer.Option(help="Logging level.")] = "info",
) -> None:
    """Serve the twin's HTTP API (and live events) until interrupted."""
    import uvicorn

    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # The factory string keeps the CLI free of imports from ``api`` (layering).
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, log_level=log_level)
