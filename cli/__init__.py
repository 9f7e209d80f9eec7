"""The ``twin`` command line. Each command lives in its own module here."""

from cli.app import app


def main() -> None:
    """Entry point of the ``twin`` console script: the command that runs
    imports its module (:class:`cli.app.TwinApp`), no other."""
    app()
