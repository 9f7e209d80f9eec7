"""``GET /api/v1/events``: live state changes and alarms as Server-Sent Events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse

from api.deps import TwinDep
from api.security import PrincipalDep
from twin.devices.events import EVENT_KINDS, Subscription

router = APIRouter(tags=["events"])

BuildingFilter = Annotated[
    list[str] | None, Query(description="only these buildings (repeat or comma-separate)")
]
KindFilter = Annotated[
    list[str] | None, Query(description=f"only these kinds: {', '.join(sorted(EVENT_KINDS))}")
]

KIND_NAMES = ", ".join(sorted(EVENT_KINDS))
#: Seconds of silence after which a comment line keeps proxies from closing the stream.
KEEPALIVE_S = 15.0
#: Reconnection delay the browser is told to use, milliseconds.
RETRY_MS = 2000


async def _stream(subscription: Subscription) -> AsyncIterator[str]:
    try:
        yield f"retry: {RETRY_MS}\n: connected\n\n"
        async for batch in subscription.batches(heartbeat_s=KEEPALIVE_S):
            # One write per batch: thousands of events per second cost few syscalls.
            yield "".join(event.to_sse() for event in batch) if batch else ": keep-alive\n\n"
    finally:
        subscription.close()


@router.get("/events", response_class=StreamingResponse)
async def events(
    twin: TwinDep,
    principal: PrincipalDep,
    building: BuildingFilter = None,
    kind: KindFilter = None,
) -> StreamingResponse:
    """Server-Sent Events: ``reading``, ``status``, ``alarm``, ``work_order``, each with
    ``data`` a JSON object that names its ``building``. Without ``building``, the
    key's own buildings (every building for an unscoped key); an unknown ``kind``
    is a 422."""
    kinds = {k.strip() for value in kind or () for k in value.split(",") if k.strip()}
    unknown = sorted(kinds - EVENT_KINDS)
    if unknown:
        raise RequestValidationError(
            [
                {
                    "loc": ("query", "kind"),
                    "msg": f"unknown kind {', '.join(unknown)}: use {KIND_NAMES}",
                    "type": "enum",
                    "input": unknown,
                }
            ]
        )
    requested = {b.strip() for value in building or () for b in value.split(",") if b.strip()}
    buildings = principal.scoped(requested)
    subscription = twin.bus.subscribe(buildings=buildings, kinds=kinds or None)
    return StreamingResponse(
        _stream(subscription),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
