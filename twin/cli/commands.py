"""Imports every command module so that each registers its commands."""

from twin.cli import (  # noqa: F401
    devices,
    ingest,
    serve,
    simulate,
)
