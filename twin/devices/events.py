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

Several workers (:meth:`EventBus.share`): the numbers are the database's,
one sequence for all workers handed out in commit order
(:func:`twin.devices.store.take_event_numbers`), and the epoch is the
database's too, so every worker's bus holds the same events under the same
ids and a client may reconnect to any worker with its ``Last-Event-ID``. The
bus then delivers strictly in number order: an event that arrives ahead of
a smaller number (this worker's own commit overtaking another's notification)
waits for it, at most :data:`GAP_WAIT_S`; a number still missing then is
lost (the listening connection dropped), and the replay buffer is emptied,
so a client that needs the lost event gets ``reset``, never a replay with a
hole. An id beyond what this worker has seen is of events still on their way
here: they are skipped when they come, the later ones delivered.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass, field
from typing import Any

_log = logging.getLogger(__name__)
_encode = json.JSONEncoder(separators=(",", ":")).encode

#: Events a subscriber may hold before its oldest are dropped.
SUBSCRIBER_QUEUE_EVENTS = 50_000
EVENT_KINDS = frozenset({"reading", "status", "alarm", "work_order", "booking", "access"})
#: Recent events kept for subscribers that reconnect (a few seconds at 10,000 devices × 1 Hz).
REPLAY_EVENTS = 20_000
#: Seconds a shared bus waits for a missing event number before taking it for lost.
GAP_WAIT_S = 2.0


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
        #: Shared (several workers): events come numbered; unnumbered ones go to the relay.
        self._relay: Callable[[list[Event]], None] | None = None
        self._early: dict[int, Event] = {}
        self._gap_since: float | None = None
        #: Event numbers given up as lost (a shared bus's listener missed them).
        self.lost = 0

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver to subscribers on ``loop`` (the server's loop, at start-up)."""
        self._loop = loop

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    @property
    def recording(self) -> bool:
        """Whether publishers should make events: once anyone has subscribed, a
        client may reconnect and ask for what it missed; before that nobody can.
        Shared: always (other workers' clients)."""
        return self._ever_subscribed

    def share(self, epoch: str, last_seq: int, relay: Callable[[list[Event]], None]) -> None:
        """Number events as every worker does (see the module docstring): ``epoch``
        and ``last_seq`` are the database's now; ``relay`` numbers unnumbered events
        (in the database, sending them to the other workers) and publishes them back."""
        with self._lock:
            self.epoch = epoch
            self._seq = last_seq
            self._recent.clear()
            self._early.clear()
            self._relay = relay
            self._ever_subscribed = True

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
            seen = self._seq
            if last_event_id is not None:
                missed = self._missed(last_event_id)
                if missed is None:
                    subscription.reset = True
                else:
                    subscription._offer(missed[0])
                    seen = max(seen, missed[1])
            subscription.after_seq = seen
            subscription.last_id = self._id(seen)
            self._subscribers.add(subscription)
            self._ever_subscribed = True
        return subscription

    def _id(self, seq: int) -> str:
        return f"{self.epoch}-{seq}"

    def _missed(self, last_event_id: str) -> tuple[list[Event], int] | None:
        """Events after ``last_event_id`` and its number (held lock), or ``None`` when
        they are lost."""
        epoch, _, number = last_event_id.strip().partition("-")
        if epoch != self.epoch or not number.isdigit():
            return None
        seen = int(number)
        if seen > self._seq:
            # Another worker's client: those events are on their way here (shared);
            # a single bus never gave out that number.
            return ([], seen) if self._relay is not None else None
        oldest = self._recent[0].seq if self._recent else self._seq + 1
        if seen < oldest - 1:
            return None
        return [e for e in self._recent if e.seq > seen], seen

    def _unsubscribe(self, subscription: Subscription) -> None:
        self._subscribers.discard(subscription)

    def publish(self, events: list[Event]) -> None:
        """Number the events and queue them for delivery (and replay); safe from any
        thread, never blocks. Shared: events numbered by the database are delivered
        in number order, unnumbered ones handed to the relay first."""
        if not events:
            return
        if self._relay is not None:
            if any(e.seq == 0 for e in events):
                self._relay(events)
                return
            self._publish_numbered(events)
            return
        with self._lock:
            for event in events:
                self._seq += 1
                object.__setattr__(event, "seq", self._seq)
                object.__setattr__(event, "id", self._id(self._seq))
            wake = self._queue(events)
        if wake:
            self._wake()

    def settle(self) -> None:
        """Shared: give up on a missing number held longer than :data:`GAP_WAIT_S` and
        deliver what waited behind it (the listener calls this when idle)."""
        if self._relay is not None:
            self._publish_numbered([])

    def _publish_numbered(self, events: list[Event]) -> None:
        with self._lock:
            for event in events:
                if event.seq > self._seq:
                    self._early.setdefault(event.seq, event)
            ready = self._ready()
            if not self._early:
                self._gap_since = None
            elif self._gap_since is None:
                self._gap_since = time.monotonic()
            elif time.monotonic() - self._gap_since > GAP_WAIT_S:
                lost = min(self._early) - self._seq - 1
                _log.warning("%d live event(s) from other workers were lost", lost)
                self.lost += lost
                # A replay across the hole would be wrong: older ids get a reset.
                self._recent.clear()
                self._seq = min(self._early) - 1
                ready.extend(self._ready())
                self._gap_since = None if not self._early else time.monotonic()
            wake = bool(ready) and self._queue(ready)
        if wake:
            self._wake()

    def _ready(self) -> list[Event]:
        """Held events that follow the last delivered number, in order (held lock)."""
        ready = []
        while self._seq + 1 in self._early:
            self._seq += 1
            event = self._early.pop(self._seq)
            object.__setattr__(event, "id", self._id(self._seq))
            ready.append(event)
        return ready

    def _queue(self, events: list[Event]) -> bool:
        """Keep ``events`` for replay and for delivery (held lock); whether the loop
        must be woken (:meth:`_wake`, after the lock is released)."""
        self._recent.extend(events)
        self.published += len(events)
        if not self._subscribers or self._loop is None:
            return False
        self._pending.extend(events)
        if self._scheduled:
            return False
        self._scheduled = True
        return True

    def _wake(self) -> None:
        assert self._loop is not None
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
# Several workers on one PostgreSQL: a worker numbers the events of a change and sends
# them with NOTIFY in the transaction that commits it (twin.devices.live), every worker
# LISTENs (twin.store.notify) and hands the others' events to its own shared bus, so
# each SSE client sees every worker's changes once, in commit order, under the same
# ids on every worker. See docs/architecture.md.

#: PostgreSQL channel of live events between workers.
EVENTS_CHANNEL = "twin_events"
#: Longest NOTIFY payload sent, bytes (PostgreSQL refuses 8,000 and more).
NOTIFY_PAYLOAD_BYTES = 7_900
#: Bytes of a payload line besides the event's kind and JSON: its number and two tabs.
_LINE_OVERHEAD = 22


def sendable(origin: str, events: list[Event]) -> list[Event]:
    """The events that fit in one payload each: an event too large is left out
    (logged), on every worker alike, before it is numbered."""
    room = NOTIFY_PAYLOAD_BYTES - len(origin) - 1 - _LINE_OVERHEAD
    kept = []
    for event in events:
        size = len(event.kind) + len(event.json().encode())
        if size > room:
            _log.warning("a %s event of %d bytes is too large to send: left out", event.kind, size)
        else:
            kept.append(event)
    return kept


def encode_notifications(origin: str, events: list[Event]) -> list[str]:
    """Numbered :func:`sendable` events as NOTIFY payloads: ``origin``, then one
    ``seq<TAB>kind<TAB>json`` line per event, cut into payloads under
    :data:`NOTIFY_PAYLOAD_BYTES`."""
    payloads: list[str] = []
    lines: list[str] = []
    size = len(origin) + 1
    for event in events:
        line = f"{event.seq}\t{event.kind}\t{event.json()}"
        length = len(line.encode()) + 1
        if size + length > NOTIFY_PAYLOAD_BYTES:
            payloads.append("\n".join([origin, *lines]))
            lines, size = [], len(origin) + 1
        lines.append(line)
        size += length
    if lines:
        payloads.append("\n".join([origin, *lines]))
    return payloads


def decode_notification(payload: str) -> tuple[str, list[Event]]:
    """The origin and numbered events of one payload of :func:`encode_notifications`.

    Raises
    ------
    ValueError
        Not such a payload.
    """
    origin, *lines = payload.split("\n")
    events = []
    for line in lines:
        number, _, rest = line.partition("\t")
        kind, _, text = rest.partition("\t")
        data = json.loads(text)
        if not number.isdigit() or kind not in EVENT_KINDS or not isinstance(data, dict):
            raise ValueError(f"not an event: {line[:80]!r}")
        building_id = data.pop("building")
        event = Event(kind, building_id, data)
        object.__setattr__(event, "seq", int(number))
        object.__setattr__(event, "_json", text)  # the same text every worker streams
        events.append(event)
    return origin, events
