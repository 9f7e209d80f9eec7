"""``GET /api/v1/events``: live state changes and alarms as Server-Sent Events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse

from api import sse
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

#: Seconds of silence after which a comment line keeps proxies from closing the stream.
KEEPALIVE_S = 15.0
KIND_NAMES = ", ".join(sorted(EVENT_KINDS))
#: Reconnection delay the browser is told to use, milliseconds.
RETRY_MS = 2000
#: Data of the ``reset`` event: the events since the client's id are lost.
RESET_DATA = '{"reason":"events since Last-Event-ID are no longer kept: refetch the state"}'


async def _stream(subscription: Subscription) -> AsyncIterator[str]:
    try:
        # The id line sets the browser's Last-Event-ID even before the first event,
        # so a reconnect after a quiet spell still gets what was published meanwhile.
        yield sse.opening(RETRY_MS, subscription.last_id)
        if subscription.reset:
            yield sse.reset(subscription.last_id, RESET_DATA)
        async for batch in subscription.batches(heartbeat_s=KEEPALIVE_S):
            # One write per batch: thousands of events per second cost few syscalls.
            yield sse.encode(batch) if batch else sse.KEEPALIVE
    finally:
        subscription.close()


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
            "description": "An endless stream of events, each with an `id:`",
        }
    },
)
async def stream_events(
    twin: TwinDep,
    principal: PrincipalDep,
    building: BuildingFilter = None,
    kind: KindFilter = None,
    last_event_id_header: Annotated[
        str | None,
        Header(
            alias="Last-Event-ID",
            max_length=100,
            description="the id of the last event seen (browsers send it on reconnect)",
        ),
    ] = None,
    last_event_id: Annotated[
        str | None,
        Query(max_length=100, description="the same, for clients that cannot set headers"),
    ] = None,
) -> StreamingResponse:
    """Server-Sent Events: ``reading``, ``status``, ``alarm``, ``work_order``, each with an
    ``id`` and ``data`` a JSON object that names its ``building``.

    Reconnecting with ``Last-Event-ID`` replays the events missed since that id (the
    last 20,000 events are kept). When they are no longer kept, or the service was
    restarted, the stream starts with a ``reset`` event instead: refetch the state
    (devices, alarms), then follow the stream.

    Without ``building``, the key's own buildings (every building for an unscoped
    key); an unknown ``kind`` is a 422."""
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
    subscription = twin.bus.subscribe(
        buildings=principal.scoped(requested),
        kinds=kinds or None,
        last_event_id=last_event_id_header or last_event_id,
    )
    return StreamingResponse(
        _stream(subscription),
        media_type=sse.MEDIA_TYPE,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
