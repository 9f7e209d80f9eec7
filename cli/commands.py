"""Imports every command module so that each registers its commands."""

from cli import (  # noqa: F401
    allocations,
    compliance,
    demo,
    demo_model,
    devices,
    ingest,
    keys,
    openapi,
    plan,
    route,
    serve,
    simulate,
    usage,
)
