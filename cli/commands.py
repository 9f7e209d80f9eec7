"""Imports every command module so that each registers its commands."""

from cli import (  # noqa: F401
    allocations,
    compliance,
    db,
    demo,
    demo_model,
    devices,
    energy,
    export,
    ingest,
    keys,
    meetings,
    openapi,
    plan,
    route,
    serve,
    simulate,
    usage,
)
