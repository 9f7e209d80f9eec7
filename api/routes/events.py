"""``GET /api/v1/events``: live state changes and alarms as Server-Sent Events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api import sse
from api.deps import TwinDep
from twin.devices.events import EVENT_KINDS, Subscription

router = APIRouter(tags=["events"])

BuildingFilter = Annotated[
    list[str] | None, Query(description="only these buildings (repeat or comma-separate)")
]
KindFilter = Annotated[
    list[str] | None, Query(description=f"only these kinds: {', '.join(sorted(EVENT_KINDS))}")
]

#: Seconds of silence after which a comment line keeps proxies from closing the stream.
KEEPALIVE_S = 15.0
#: Reconnection delay the browser is told to use, milliseconds.
RETRY_MS = 2000


async def _stream(subscription: Subscription) -> AsyncIterator[str]:
    try:
        yield sse.opening(RETRY_MS)
        async for batch in subscription.batches(heartbeat_s=KEEPALIVE_S):
            # One write per batch: thousands of events per second cost few syscalls.
            yield sse.encode(batch) if batch else sse.KEEPALIVE
    finally:
        subscription.close()


@router.get("/events", response_class=StreamingResponse)
async def events(
    twin: TwinDep,
    building: BuildingFilter = None,
    kind: KindFilter = None,
) -> StreamingResponse:
    """Server-Sent Events: ``reading``, ``status``, ``alarm``, ``work_order``, each with
    ``data`` a JSON object that names its ``building``."""
    kinds = {k for value in kind or () for k in value.split(",") if k}
    buildings = {b for value in building or () for b in value.split(",") if b}
    subscription = twin.bus.subscribe(buildings=buildings or None, kinds=kinds or None)
    return StreamingResponse(
        _stream(subscription),
        media_type=sse.MEDIA_TYPE,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
