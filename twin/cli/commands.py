"""Imports every command module so that each registers its commands."""

from twin.cli import ingest, route  # noqa: F401
