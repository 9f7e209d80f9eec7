"""Imports every command module so that each registers its commands (for tests
and tools that want the whole command tree; the console script imports only
the module of the command that runs, see :class:`cli.app.TwinApp`)."""

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
