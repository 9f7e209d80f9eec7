"""Imports every command module so that each registers its commands."""

from cli import (  # noqa: F401
    allocations,
    compliance,
    db,
    demo,
    demo_model,
    devices,
    export,
    ingest,
    keys,
    meetings,
    plan,
    route,
    serve,
    simulate,
    usage,
)
