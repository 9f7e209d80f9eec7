"""The Server-Sent Events wire format of live events (the WHATWG ``text/event-stream``).

The domain publishes typed :class:`~twin.devices.events.Event` records; this
module is the one place that turns them into ``event:``/``data:`` text.
"""

from __future__ import annotations

from collections.abc import Iterable

from twin.devices.events import Event

MEDIA_TYPE = "text/event-stream"
#: A comment line: keeps proxies from closing a silent stream.
KEEPALIVE = ": keep-alive\n\n"


def opening(retry_ms: int) -> str:
    """The first text of a stream: the reconnection delay the browser should use."""
    return f"retry: {retry_ms}\n: connected\n\n"


def encode(events: Iterable[Event]) -> str:
    """Events as SSE messages, one ``event:``/``data:`` block each (the data's JSON is
    encoded once per event, however many streams send it)."""
    return "".join(f"event: {event.kind}\ndata: {event.json()}\n\n" for event in events)
