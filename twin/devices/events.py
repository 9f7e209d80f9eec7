"""The live event bus: state changes and alarms fanned out to subscribers.

Publishers may be any thread (the HTTP handler, the MQTT network thread, the
heartbeat ticker); subscribers are asyncio consumers (the SSE endpoint). A
publish appends to a thread-safe buffer and wakes the event loop at most once
per drain, so a burst of thousands of events costs one loop wake-up, not one
per event. Each subscriber has its own bounded queue and filter; a slow
subscriber loses its oldest events (counted in ``dropped``), never slows the
publishers or the other subscribers.

Event kinds: ``reading`` (accepted values of a device), ``status`` (a device's
status changed), ``alarm`` (an alarm was raised, changed, acknowledged or
cleared), ``work_order``, ``booking`` and ``access`` (meeting bookings and their
door grants, :mod:`twin.meetings.service`).

Every published event gets the next sequence number of the bus, and its id
is ``<epoch>-<seq>`` (the epoch is new with each bus, i.e. each process
start). The bus keeps the last :data:`REPLAY_EVENTS` events: a subscriber that
names the id of the last event it saw (SSE ``Last-Event-ID``) first gets every
later event it wants from that buffer, then live ones, with none lost or
repeated in between. When the id is older than the buffer or of another
epoch, the subscription is marked ``reset``: the client must refetch state.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import secrets
import threading
import time
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass, field
from typing import Any

_log = logging.getLogger(__name__)
_encode = json.JSONEncoder(separators=(",", ":")).encode

#: Events a subscriber may hold before its oldest are dropped.
SUBSCRIBER_QUEUE_EVENTS = 50_000
EVENT_KINDS = frozenset({"reading", "status", "alarm", "work_order", "booking", "access"})
#: Recent events kept for subscribers that reconnect (a few seconds at 10,000 devices × 1 Hz).
REPLAY_EVENTS = 20_000


@dataclass(frozen=True, slots=True)
class Event:
    """One live event. ``data`` is JSON-ready; ``published_s`` is a monotonic time."""

    kind: str
    building_id: str
    data: dict[str, Any]
    published_s: float = field(default_factory=time.monotonic)
    #: The bus's id of the event (``<epoch>-<seq>``), set when it is published.
    id: str = field(default="", init=False, compare=False)
    seq: int = field(default=0, init=False, compare=False)
    _json: str | None = field(default=None, init=False, repr=False, compare=False)

    def json(self) -> str:
        """The event as one JSON object: ``{"building": ..., **data}``.

        Encoded once, on first use: every subscriber gets the same text.
        """
        if self._json is None:
            object.__setattr__(self, "_json", _encode({"building": self.building_id, **self.data}))
        return self._json  # type: ignore[return-value]


class Subscription:
    """One subscriber's queue and filter; iterate :meth:`batches` to consume."""

    def __init__(
        self,
        bus: EventBus,
        buildings: Collection[str] | None,
        kinds: Collection[str] | None,
        maxlen: int,
    ) -> None:
        self._bus = bus
        self.buildings = frozenset(buildings) if buildings else None
        self.kinds = frozenset(kinds) if kinds else None
        self._events: collections.deque[Event] = collections.deque()
        self._maxlen = maxlen
        self._wake = asyncio.Event()
        self.dropped = 0
        #: Events up to this sequence number were replayed or are older than the
        #: subscription: delivery skips them.
        self.after_seq = 0
        #: The id of the newest event when the subscription started.
        self.last_id = ""
        #: The client's ``Last-Event-ID`` could not be replayed: it must refetch.
        self.reset = False

    def wants(self, event: Event) -> bool:
        return (self.buildings is None or event.building_id in self.buildings) and (
            self.kinds is None or event.kind in self.kinds
        )

    def _offer(self, events: list[Event]) -> None:
        added = False
        for event in events:
            if event.seq > self.after_seq and self.wants(event):
                self._events.append(event)
                added = True
        overflow = len(self._events) - self._maxlen
        if overflow > 0:
            self.dropped += overflow
            for _ in range(overflow):
                self._events.popleft()
        if added:
            self._wake.set()

    async def batches(self, *, heartbeat_s: float | None = None) -> AsyncIterator[list[Event]]:
        """Lists of events as they arrive; an empty list every ``heartbeat_s`` of silence."""
        while True:
            if not self._events:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), heartbeat_s)
                except TimeoutError:
                    yield []
                    continue
            batch = list(self._events)
            self._events.clear()
            yield batch

    def close(self) -> None:
        self._bus._unsubscribe(self)


class EventBus:
    """Fan-out of events from any thread to asyncio subscribers of one loop."""

    def __init__(
        self,
        *,
        subscriber_queue: int = SUBSCRIBER_QUEUE_EVENTS,
        replay_events: int = REPLAY_EVENTS,
    ) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: collections.deque[Event] = collections.deque()
        self._lock = threading.Lock()
        self._scheduled = False
        self._subscribers: set[Subscription] = set()
        self._queue_size = subscriber_queue
        self._recent: collections.deque[Event] = collections.deque(maxlen=replay_events)
        self._seq = 0
        self._ever_subscribed = False
        #: Part of every event id: ids of an earlier process cannot be replayed.
        self.epoch = secrets.token_hex(4)
        self.published = 0

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver to subscribers on ``loop`` (the server's loop, at start-up)."""
        self._loop = loop

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    @property
    def recording(self) -> bool:
        """Whether publishers should make events: once anyone has subscribed, a
        client may reconnect and ask for what it missed; before that nobody can."""
        return self._ever_subscribed

    def subscribe(
        self,
        *,
        buildings: Collection[str] | None = None,
        kinds: Collection[str] | None = None,
        last_event_id: str | None = None,
    ) -> Subscription:
        """A new subscription; call from the bus's event loop.

        With ``last_event_id`` (the id of the last event the client saw), the
        events it missed and wants come first, from the replay buffer; when they
        are no longer there (or the id is of another process) the subscription's
        ``reset`` is set instead.
        """
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        subscription = Subscription(self, buildings, kinds, self._queue_size)
        with self._lock:
            # Under the publishers' lock: every later event is either in the
            # snapshot below or still pending delivery, never both, never neither.
            if last_event_id is not None:
                missed = self._missed(last_event_id)
                if missed is None:
                    subscription.reset = True
                else:
                    subscription._offer(missed)
            subscription.after_seq = self._seq
            subscription.last_id = self._id(self._seq)
            self._subscribers.add(subscription)
            self._ever_subscribed = True
        return subscription

    def _id(self, seq: int) -> str:
        return f"{self.epoch}-{seq}"

    def _missed(self, last_event_id: str) -> list[Event] | None:
        """Events after ``last_event_id`` (held lock), or ``None`` when they are lost."""
        epoch, _, number = last_event_id.strip().partition("-")
        if epoch != self.epoch or not number.isdigit():
            return None
        seen = int(number)
        if seen > self._seq:
            return None
        oldest = self._recent[0].seq if self._recent else self._seq + 1
        if seen < oldest - 1:
            return None
        return [e for e in self._recent if e.seq > seen]

    def _unsubscribe(self, subscription: Subscription) -> None:
        self._subscribers.discard(subscription)

    def publish(self, events: list[Event]) -> None:
        """Number the events and queue them for delivery (and replay); safe from any
        thread, never blocks."""
        if not events:
            return
        with self._lock:
            for event in events:
                self._seq += 1
                object.__setattr__(event, "seq", self._seq)
                object.__setattr__(event, "id", self._id(self._seq))
            self._recent.extend(events)
            self.published += len(events)
            if not self._subscribers or self._loop is None:
                return
            self._pending.extend(events)
            if self._scheduled:
                return
            self._scheduled = True
        try:
            self._loop.call_soon_threadsafe(self._deliver)
        except RuntimeError:  # the loop closed during shutdown
            with self._lock:
                self._scheduled = False
                self._pending.clear()

    def _deliver(self) -> None:
        with self._lock:
            events = list(self._pending)
            self._pending.clear()
            self._scheduled = False
        for subscription in list(self._subscribers):
            subscription._offer(events)


# --------------------------------------------------------------------- across workers
# Several workers on one PostgreSQL: a worker sends the events of a change with
# NOTIFY in the transaction that commits it (twin.devices.live), every other worker
# LISTENs (twin.store.notify) and hands them to its own bus, so each SSE client
# sees every worker's changes once, in commit order. See docs/architecture.md.

#: PostgreSQL channel of live events between workers.
EVENTS_CHANNEL = "twin_events"
#: Longest NOTIFY payload sent, bytes (PostgreSQL refuses 8,000 and more).
NOTIFY_PAYLOAD_BYTES = 7_900


def encode_notifications(origin: str, events: list[Event]) -> list[str]:
    """``events`` as NOTIFY payloads: ``origin``, then one ``kind<TAB>json`` line per
    event, cut into payloads under :data:`NOTIFY_PAYLOAD_BYTES`.

    An event too large for one payload alone is not sent (logged): other workers'
    caches catch up from the database, their SSE clients miss that one event.
    """
    payloads: list[str] = []
    lines: list[str] = []
    size = len(origin) + 1
    for event in events:
        line = f"{event.kind}\t{event.json()}"
        length = len(line.encode()) + 1
        if length + len(origin) + 1 > NOTIFY_PAYLOAD_BYTES:
            _log.warning("a %s event of %d bytes is too large to send", event.kind, length)
            continue
        if size + length > NOTIFY_PAYLOAD_BYTES:
            payloads.append("\n".join([origin, *lines]))
            lines, size = [], len(origin) + 1
        lines.append(line)
        size += length
    if lines:
        payloads.append("\n".join([origin, *lines]))
    return payloads


def decode_notification(payload: str) -> tuple[str, list[Event]]:
    """The origin and events of one payload of :func:`encode_notifications`.

    Raises
    ------
    ValueError
        Not such a payload.
    """
    origin, *lines = payload.split("\n")
    events = []
    for line in lines:
        kind, _, text = line.partition("\t")
        data = json.loads(text)
        if kind not in EVENT_KINDS or not isinstance(data, dict):
            raise ValueError(f"not an event: {line[:80]!r}")
        building_id = data.pop("building")
        event = Event(kind, building_id, data)
        object.__setattr__(event, "_json", text)  # the same text every worker streams
        events.append(event)
    return origin, events
