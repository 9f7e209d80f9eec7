"""Run ``twin`` commands in-process, as the console script would."""

from __future__ import annotations

from collections.abc import Mapping

import typer.main
from click.testing import CliRunner, Result

from cli import commands  # noqa: F401  (registers every command)
from cli.app import app


def run_twin(*args: str, env: Mapping[str, str] | None = None) -> Result:
    """Invoke ``twin ARGS...`` (with ``env`` added to the environment); stdout and
    stderr are kept apart."""
    return CliRunner().invoke(typer.main.get_command(app), list(args), env=env)
