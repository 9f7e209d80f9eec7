"""The FastAPI application factory.

Run with ``uvicorn --factory api.app:create_app`` (``twin serve`` does). The
twin (buildings, devices, MQTT, background threads), the key store, the
queries and the upload jobs are created in the lifespan, never at import.
Registered buildings load in a background thread; ``/health`` reports
readiness. Documentation at ``/docs``, the contract at ``/openapi.json``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api import access_log, errors, guard, metrics
from api.openapi import operation_id
from api.routes import (
    alarms,
    allocations,
    buildings,
    compliance,
    devices,
    energy,
    events,
    exchange,
    heatmaps,
    keys,
    meetings,
    plans,
    properties,
    readings,
    routing,
    spaces,
    usage,
    viewpoints,
    workorders,
)
from api.schemas.health import Health
from api.security import Gate, by_method
from twin.access.keys import KeyStore
from twin.buildings.properties import ElementProperties
from twin.buildings.queries import BuildingQueries
from twin.buildings.uploads import UploadJobs
from twin.devices.viewpoints import ViewpointStore
from twin.service import Twin
from twin.settings import Settings, get_settings

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"

DESCRIPTION = """
A live digital twin of government office buildings for facility management.

Every endpoint under `/api/v1` needs an API key (`Authorization: Bearer <key>`,
made with `twin keys create NAME --role ROLE`), except on a local service
where no key was ever made (open mode, decided at start-up). Roles:
`viewer` (facility manager: buildings, rooms, equipment, devices, routes,
alarms — read), `housing` (allocations, compliance, occupant names),
`operator` (viewer + device readings, alarm acknowledge, work orders),
`staff` (book meeting rooms, see their visitors), `admin` (everything,
models and keys), `system` (an integration limited to
chosen buildings and permissions). Errors are RFC 9457 problem details with
a stable `type`.
"""

TAGS = [
    {"name": "buildings", "description": "Registered buildings, model uploads and jobs."},
    {"name": "spaces", "description": "Rooms, elements by GlobalId, search."},
    {"name": "routes", "description": "Walking routes and maintenance rounds."},
    {"name": "devices", "description": "Device registry, live state, history."},
    {"name": "energy", "description": "Energy: consumption, quotas, anomalies, reports."},
    {"name": "readings", "description": "Batch ingest of device readings."},
    {"name": "alarms", "description": "Alarms: list, acknowledge, clear."},
    {"name": "work orders", "description": "Work orders from alarms."},
    {"name": "usage", "description": "Rooms and usable area by storey, type, department."},
    {"name": "allocations", "description": "Office allocations: import, export, history."},
    {"name": "compliance", "description": "Office-space standard compliance."},
    {"name": "plans", "description": "Storey floor plans as SVG, PNG, PDF or DXF."},
    {"name": "meetings", "description": "Meeting rooms: bookings, free rooms, access, calendars."},
    {"name": "events", "description": "Live changes as Server-Sent Events."},
    {"name": "exchange", "description": "Brick, COBie and BCF (work orders) exports and import."},
    {"name": "keys", "description": "API keys (admin)."},
    {"name": "health", "description": "Readiness and metrics (no key)."},
]


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], float] | None = None
) -> FastAPI:
    """A new application; ``settings`` default to the environment's (read at start-up)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        config = settings or get_settings()
        twin = Twin(config, clock=clock or time.time)
        twin.bus.bind_loop(asyncio.get_running_loop())
        await asyncio.to_thread(twin.start)
        app.state.twin = twin
        app.state.keys = KeyStore(twin.engine)
        app.state.gate = await asyncio.to_thread(
            Gate, app.state.keys, listen_host=config.listen_host
        )
        app.state.body_limits = guard.body_limits(config)
        app.state.queries = BuildingQueries(twin)
        app.state.properties = ElementProperties(twin.buildings)
        app.state.viewpoints = ViewpointStore(twin.engine, twin.devices)
        app.state.jobs = UploadJobs(
            twin.buildings,
            twin.engine,
            spool_dir=config.data_dir / "uploads",
            max_unzipped_bytes=int(config.max_upload_mb * config.max_unzip_factor * 1024**2),
        )
        await asyncio.to_thread(app.state.jobs.recover)
        app.state.ready = threading.Event()
        loader = threading.Thread(target=_preload, args=(app,), name="twin-preload", daemon=True)
        if config.preload:
            loader.start()
        else:
            app.state.ready.set()
        try:
            yield
        finally:
            app.state.jobs.shutdown()
            await asyncio.to_thread(twin.stop)

    app = FastAPI(
        title="BIM facility twin",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        openapi_tags=TAGS,
        generate_unique_id_function=operation_id,
    )
    errors.install(app)
    access_log.install()
    app.add_middleware(guard.RequestGuard, owner=app)
    metrics.install(app)
    # Before the work-order router: its /work-orders/{order_id} would take export.bcf.
    app.include_router(exchange.router, prefix=API_PREFIX)
    for module in (
        buildings,
        spaces,
        properties,
        routing,
        usage,
        allocations,
        compliance,
        plans,
        keys,
        meetings,
        energy,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    domain = {
        readings: by_method("devices:read", "readings:write"),
        devices: by_method("devices:read", "devices:write"),
        alarms: by_method("alarms:read", "alarms:write"),
        workorders: by_method("workorders:read", "workorders:write"),
        viewpoints: by_method("workorders:read", "workorders:write"),
        heatmaps: by_method("devices:read", "devices:write"),
        events: by_method("devices:read", "devices:write"),
    }
    for module, dependency in domain.items():
        app.include_router(
            module.router,
            prefix=API_PREFIX,
            dependencies=[dependency],
            responses=errors.problem_responses(400, 401, 403, 404, 409, 422),
        )

    @app.get("/health", tags=["health"], response_model=Health)
    def get_health(request: Request) -> Any:
        """Readiness (no key needed): 200 while serving, ``ready`` once buildings are loaded."""
        twin: Twin = request.app.state.twin
        queries: BuildingQueries = request.app.state.queries
        states = {b: queries.state(b) for b in twin.buildings.ids()}
        open_mode = request.app.state.gate.open_mode
        body = Health(
            status="ok",
            ready=request.app.state.ready.is_set(),
            buildings=states,
            mqtt=twin.mqtt_status,
            auth="open" if open_mode else "keys",
        )
        return JSONResponse(body.model_dump())

    _mount_viewer(app)
    return app


# --- the built viewer ---------------------------------------------------------
# viewer/dist (``make viewer``: ``npm ci && npm run build`` in viewer/) is served
# at "/", mounted after every API route so it never shadows one; skipped, with a
# log line, when the viewer has not been built.
VIEWER_DIST = Path(__file__).resolve().parent.parent / "viewer" / "dist"


def _mount_viewer(app: FastAPI) -> None:
    if VIEWER_DIST.is_dir():
        from fastapi.staticfiles import StaticFiles

        app.mount("/", StaticFiles(directory=VIEWER_DIST, html=True), name="viewer")
    else:
        log.info("viewer not built (%s missing): '/' is not served", VIEWER_DIST)


def _preload(app: FastAPI) -> None:
    started = time.perf_counter()
    try:
        app.state.queries.preload()
    except Exception:
        log.exception("loading the registered buildings failed")
    finally:
        app.state.ready.set()
    log.info("buildings loaded in %.1f s", time.perf_counter() - started)
