"""Imports every command module so that each registers its commands."""

from twin.cli import (  # noqa: F401
    allocations,
    compliance,
    demo_model,
    devices,
    ingest,
    plan,
    route,
    serve,
    simulate,
    usage,
)
