"""The FastAPI application factory.

Run with ``uvicorn --factory api.app:create_app`` (``twin serve`` does). The
twin (buildings, devices, MQTT, background threads) is created in the
lifespan, never at import.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api.routes import alarms, devices, events, readings, workorders
from twin.service import Twin
from twin.settings import Settings, get_settings

API_PREFIX = "/api/v1"


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], float] | None = None
) -> FastAPI:
    """A new application; ``settings`` default to the environment's (read at start-up)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        twin = Twin(settings or get_settings(), clock=clock or time.time)
        twin.bus.bind_loop(asyncio.get_running_loop())
        await asyncio.to_thread(twin.start)
        app.state.twin = twin
        try:
            yield
        finally:
            await asyncio.to_thread(twin.stop)

    app = FastAPI(
        title="BIM facility twin",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
    )
    errors.install(app)
    for module in (readings, devices, alarms, workorders, events):
        app.include_router(module.router, prefix=API_PREFIX)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        twin: Twin = app.state.twin
        return {"status": "ok", "mqtt": twin.mqtt_status}

    return app
