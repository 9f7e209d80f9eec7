"""The Server-Sent Events wire format of live events (the WHATWG ``text/event-stream``).

The domain publishes typed :class:`~twin.devices.events.Event` records; this
module is the one place that turns them into ``id:``/``event:``/``data:`` text.
"""

from __future__ import annotations

from collections.abc import Iterable

from twin.devices.events import Event

MEDIA_TYPE = "text/event-stream"
#: A comment line: keeps proxies from closing a silent stream.
KEEPALIVE = ": keep-alive\n\n"


def opening(retry_ms: int, last_id: str) -> str:
    """The first text of a stream: the reconnection delay the browser should use and
    the id of the last event published (its ``Last-Event-ID`` from now on)."""
    return f"retry: {retry_ms}\nid: {last_id}\n: connected\n\n"


def reset(last_id: str, data: str) -> str:
    """The ``reset`` message: events since the client's ``Last-Event-ID`` are lost."""
    return f"id: {last_id}\nevent: reset\ndata: {data}\n\n"


def message(event: Event) -> str:
    """One event as an SSE message: its bus id (for ``Last-Event-ID``), kind and JSON."""
    head = f"id: {event.id}\n" if event.id else ""
    return f"{head}event: {event.kind}\ndata: {event.json()}\n\n"


def encode(events: Iterable[Event]) -> str:
    """Events as SSE messages, one block each (the data's JSON is encoded once per
    event, however many streams send it)."""
    return "".join(message(event) for event in events)
