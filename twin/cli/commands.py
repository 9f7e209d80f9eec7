"""Imports every command module so that each registers its commands."""

from twin.cli import demo_model  # noqa: F401, I001  (one line per command module)
from twin.cli import ingest  # noqa: F401
