"""The ``twin`` command line. Each command lives in its own module here."""

from cli.app import app


def main() -> None:
    """Entry point of the ``twin`` console script."""
    # Importing the command modules registers their commands on ``app``.
    from cli import commands  # noqa: F401

    app()
