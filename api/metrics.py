"""Prometheus metrics at ``/metrics`` and the audit of every write.

One pure-ASGI middleware times each request (labelled by route template, not
by raw path, so ids do not explode the series) and, for a successful write
under ``/api/v1`` (any method but GET/HEAD/OPTIONS, status < 400), records an
audit entry with the key's name (and the caller's free-text ``note``, where a
route keeps one). The entry is committed before the response starts, so a
client that got its 2xx knows the write is audited (one small commit per
write, or a place in the device writer's next commit when it runs, so that
concurrent writes share one; it used to go to a thread pool after the answer
and could be lost in a crash). Twin figures (readings accepted and
rejected, open alarms, upload jobs, loaded buildings) are read at scrape time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import generate_latest
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from twin.store.audit import audit_row, record_audit

log = logging.getLogger(__name__)

#: Request-state key of a write whose route queued its own audit row (:func:`audit_ahead`).
AUDITED = "audited"

#: Latency buckets, seconds.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
READ_METHODS = ("GET", "HEAD", "OPTIONS")
API_PREFIX = "/api/v1"


class TwinCollector:
    """Gauges and counters read from the running twin at each scrape."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def collect(self) -> Iterator[Any]:
        state = self.app.state
        twin = getattr(state, "twin", None)
        if twin is None:
            return
        service = twin.devices
        accepted = CounterMetricFamily(
            "twin_readings_accepted", "Device readings accepted since start-up"
        )
        accepted.add_metric([], service.counters.accepted)
        yield accepted
        rejected = CounterMetricFamily(
            "twin_readings_rejected", "Device readings rejected, by reason", labels=["reason"]
        )
        for reason, count in service.rejections().items():
            rejected.add_metric([reason], count)
        yield rejected
        alarms = GaugeMetricFamily("twin_alarms_open", "Alarms raised or acknowledged")
        alarms.add_metric([], len(service.alarms(state="open")))
        yield alarms
        uploads = CounterMetricFamily(
            "twin_model_uploads", "Model upload jobs finished, by state", labels=["state"]
        )
        for job_state, count in state.jobs.counts.items():
            uploads.add_metric([job_state], count)
        yield uploads
        loaded = GaugeMetricFamily("twin_buildings_loaded", "Buildings loaded in memory")
        loaded.add_metric([], sum(twin.buildings.is_loaded(b) for b in twin.buildings.ids()))
        yield loaded


class ObserveMiddleware:
    """Times every HTTP request and audits successful writes."""

    def __init__(self, app: ASGIApp, *, owner: FastAPI) -> None:
        self.app = app
        self.owner = owner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if scope["method"] not in READ_METHODS and status < 400:
                    await self._audit_write(scope, status)
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            template = _template(scope)
            method = scope["method"]
            state = self.owner.state
            if hasattr(state, "http_requests"):
                state.http_requests.labels(method, template, str(status)).inc()
                state.http_latency.labels(method, template).observe(time.perf_counter() - started)

    async def _audit_write(self, scope: Scope, status: int) -> None:
        entry = _audit_entry(scope, status)
        twin = getattr(self.owner.state, "twin", None)
        if entry is None or twin is None or scope.get("state", {}).get(AUDITED):
            return
        actor, method, entity, after = entry
        try:
            writer = twin.devices.writer
            if writer.running:
                # Joins the writer's next commit (readings of other requests, other
                # audits): one commit for many writes, still before the answer.
                row = audit_row(actor, method, entity, None, after)
                await asyncio.wrap_future(writer.submit_audit([row]))
            else:
                await run_in_threadpool(_commit_audit, twin.engine, actor, method, entity, after)
        except Exception:
            log.exception("audit of %s %s by %s failed", method, entity, actor)


def audit_ahead(request: Request, status: int = 200) -> Future[None] | None:
    """Queue this write's audit row now, right behind the writes a route has just
    handed to the device writer, so that both go in one commit as a rule and the
    answer, which waits for that commit anyway, does not wait for a second one
    (``POST /readings``: 87 % of the bare ingest path without the second commit
    against 64 % with it, ``python -m bench.api``). Call it from the route once
    the write is accepted; the middleware then leaves the request alone. ``None``
    when the writer is not running: the middleware audits as usual. Should the
    commit fail, the audit row fails with the readings it shares it with."""
    twin = getattr(request.app.state, "twin", None)
    entry = _audit_entry(request.scope, status)
    if twin is None or entry is None or not twin.devices.writer.running:
        return None
    actor, method, entity, after = entry
    request.scope.setdefault("state", {})[AUDITED] = True
    return twin.devices.writer.submit_audit([audit_row(actor, method, entity, None, after)])


def _audit_entry(scope: Scope, status: int) -> tuple[str, str, str, dict[str, Any]] | None:
    """Actor, action, entity and ``after`` of an API write's audit row."""
    template = _template(scope)
    if not template.startswith(API_PREFIX):
        return None
    request_state = scope.get("state", {})
    actor = getattr(request_state.get("principal"), "name", "anonymous")
    after: dict[str, Any] = {"route": template, "status": status}
    note = request_state.get("audit_note")
    if note:
        after["note"] = note
    return actor, scope["method"].lower(), f"api:{scope['path']}"[:200], after


def _commit_audit(engine: Engine, actor: str, method: str, entity: str, after: Any) -> None:
    with engine.begin() as conn:
        record_audit(conn, actor, method, entity, None, after)


def _template(scope: Scope) -> str:
    """The route template of a request (ids do not explode the metric series)."""
    route = scope.get("route")
    template = getattr(route, "path", None) or "unmatched"
    if scope["path"].startswith(API_PREFIX) and not template.startswith(API_PREFIX):
        template = API_PREFIX + template  # routes of included routers lack the prefix
    return template


def install(app: FastAPI) -> None:
    """Add the middleware, the per-app registry and ``GET /metrics``."""
    registry = CollectorRegistry()
    app.state.metrics_registry = registry
    app.state.http_requests = Counter(
        "http_requests",
        "HTTP requests by method, route and status",
        ["method", "route", "status"],
        registry=registry,
    )
    app.state.http_latency = Histogram(
        "http_request_duration_seconds",
        "HTTP request latency by method and route, seconds",
        ["method", "route"],
        buckets=BUCKETS,
        registry=registry,
    )
    registry.register(TwinCollector(app))  # type: ignore[arg-type]
    app.add_middleware(ObserveMiddleware, owner=app)

    @app.get(
        "/metrics",
        tags=["health"],
        response_class=Response,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    def get_metrics(request: Request) -> Response:
        """Prometheus metrics (no key): requests, latencies, readings accepted and
        rejected, open alarms, model uploads, loaded buildings."""
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
