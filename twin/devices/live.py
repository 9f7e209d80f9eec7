"""The live state the device service's parts share, and the one way to change it.

:class:`LiveState` holds the hot state of every device in memory (latest
values, levels, statuses, open alarms, work orders, room occupancy) behind one
lock, with the :class:`~twin.devices.store.BatchWriter` that makes it durable
and the :class:`~twin.devices.events.EventBus` that makes it visible. Every
part (ingestion, alarming, heartbeats and patrol, work orders) changes it the
same way: under the lock it records what changed in a :class:`Changes`, then
:meth:`LiveState.commit` hands the rows to the writer and the events to the
bus, still under the lock so that versions of one alarm reach the writer in
order.

Several workers (PostgreSQL): the database is the truth and this memory a
cache. :attr:`LiveState.shared` is then true and every change runs in a
:meth:`LiveState.transaction`: the ingestion path advances ``device_latest``
there before it accepts a reading (:func:`~twin.devices.store.advance_latest`),
alarm versions are stored there (a condition another worker alarmed first is
adopted, never alarmed twice), and the events are sent to the other workers
with ``NOTIFY`` in the same transaction, so they see a change exactly when it
is committed, in commit order. Events from other workers come back through
:meth:`LiveState.apply_remote`, which updates this cache and hands them to the
local bus. SQLite is one process: memory decides under the lock, the writer
stores the same rows.

Times: the clock (injectable, epoch seconds UTC) decides heartbeats, patrol
hours and "from the future"; readings carry their own UTC timestamps.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine

from twin.devices import store
from twin.devices.alarms import Alarm, AlarmBook
from twin.devices.errors import UnknownDeviceError
from twin.devices.events import (
    EVENTS_CHANNEL,
    Event,
    EventBus,
    encode_notifications,
    sendable,
)
from twin.devices.pipeline import Rejected, check_value, parse_ts_us
from twin.devices.registry import OCCUPANCY_BOOL_CLASSES, OCCUPANCY_COUNT_CLASSES
from twin.devices.rules import evaluate
from twin.devices.state import DeviceRuntime, from_us
from twin.devices.workorders import WorkOrder

log = logging.getLogger(__name__)

Clock = Callable[[], float]
OCCUPANCY_CLASSES = OCCUPANCY_COUNT_CLASSES | OCCUPANCY_BOOL_CLASSES


@dataclass(frozen=True)
class OccupancyState:
    """Live occupancy of a room: people counted (or 1/0 from a presence sensor)."""

    space_id: str
    count: float
    occupied: bool
    ts: datetime
    device_id: str


def alarm_json(alarm: Alarm) -> dict[str, Any]:
    """An alarm as JSON-ready data (times as ISO-8601 UTC)."""
    data = asdict(alarm)
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = value.isoformat()
    data["reason_code"] = alarm.reason_code
    data["reason_params"] = alarm.reason_params
    return data


@dataclass
class Changes:
    """What one pass under the lock changed: history rows, alarm and work-order
    versions to store, and the events to publish once they are handed over."""

    rows: list[tuple[str, str, int, float]] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)
    orders: list[WorkOrder] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def alarm(self, alarm: Alarm | None) -> None:
        """Store a new version of an alarm and announce it (``None``: nothing changed)."""
        if alarm is not None:
            self.alarms.append(alarm)
            self.events.append(Event("alarm", alarm.building_id, alarm_json(alarm)))

    def order(self, order: WorkOrder) -> None:
        """Store a new version of a work order and announce it."""
        self.orders.append(order)
        self.events.append(
            Event("work_order", order.building_id, {"id": order.id, "status": order.status})
        )

    def status(self, runtime: DeviceRuntime) -> None:
        """Recompute a device's status; announce it if it changed."""
        if runtime.recompute():
            device = runtime.device
            self.events.append(
                Event(
                    "status",
                    device.building_id,
                    {
                        "device_id": device.device_id,
                        "global_id": device.global_id,
                        "status": runtime.status,
                        "reason": runtime.reason,
                    },
                )
            )


def all_of(futures: Sequence[Future[None]]) -> Future[None] | None:
    """One future that completes when all of ``futures`` have (failing with the first
    failure); ``None`` for none."""
    if len(futures) <= 1:
        return futures[0] if futures else None
    combined: Future[None] = Future()
    remaining = [len(futures)]
    lock = threading.Lock()

    def done(future: Future[None]) -> None:
        with lock:
            remaining[0] -= 1
            last = remaining[0] == 0
            if combined.done():
                return
            if future.exception() is not None:
                combined.set_exception(future.exception())  # type: ignore[arg-type]
            elif last:
                combined.set_result(None)

    for future in futures:
        future.add_done_callback(done)
    return combined


class Transaction:
    """One database transaction of a shared live state: its connection, and the events
    published (locally and to the other workers) once it commits."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.events: list[Event] = []
        self.committed: Future[None] = Future()


class LiveState:
    """The devices' hot state, its lock, its writer and its bus (see the module docstring).

    Parameters
    ----------
    engine
        Where history, alarms, work orders and registries are stored.
    clock
        Epoch seconds (UTC) now; tests inject a fake clock.
    bus
        Where live events go.
    flush_interval_s
        Longest a row waits in the writer before it is committed.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock,
        bus: EventBus,
        flush_interval_s: float = store.FLUSH_INTERVAL_S,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.bus = bus
        self.writer = store.BatchWriter(engine, flush_interval_s=flush_interval_s)
        self.lock = threading.RLock()
        self.runtimes: dict[str, DeviceRuntime] = {}
        self.alarms = AlarmBook()
        self.orders: dict[str, WorkOrder] = {}
        self.occupancy: dict[str, OccupancyState] = {}
        #: Room type of every room, per building (for patrol rules).
        self.room_types: dict[str, dict[str, str]] = {}
        #: Buildings that have devices (rejections are counted per known building only).
        self.building_ids: frozenset[str] = frozenset()
        #: Several workers share the database: it decides, memory is a cache.
        self.shared = engine.dialect.name == "postgresql"
        #: This worker's name in the events it sends (it ignores its own).
        self.origin = uuid.uuid4().hex[:12]

    def now(self) -> datetime:
        """The clock's time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.clock(), UTC)

    def runtime(self, device_id: str) -> DeviceRuntime:
        """The runtime of a device; call under the lock.

        Raises
        ------
        UnknownDeviceError
        """
        try:
            return self.runtimes[device_id]
        except KeyError:
            raise UnknownDeviceError(f"no device {device_id!r}") from None

    def track_occupancy(
        self, runtime: DeviceRuntime, point: str, value: float | bool, ts_us: int
    ) -> None:
        """Note a room's occupancy if ``point`` counts or detects people in it."""
        spec = runtime.device.points[point]
        space_id = runtime.device.space_id
        if space_id is None or spec.brick_class not in OCCUPANCY_CLASSES:
            return
        count = float(value)
        self.occupancy[space_id] = OccupancyState(
            space_id, count, count > 0, from_us(ts_us), runtime.device.device_id
        )

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A transaction of the shared store; its events are published once it commits.

        Call under the lock (events of one device then leave in commit order).
        """
        with self.engine.begin() as connection:
            tx = Transaction(connection)
            yield tx
            events = sendable(self.origin, tx.events)
            if events:
                # Numbered last: the counter's row lock is held only until the commit.
                first = store.take_event_numbers(connection, len(events))
                for number, event in enumerate(events, first):
                    object.__setattr__(event, "seq", number)
                for payload in encode_notifications(self.origin, events):
                    connection.exec_driver_sql(
                        "SELECT pg_notify(%s, %s)", (EVENTS_CHANNEL, payload)
                    )
        tx.committed.set_result(None)
        if events:
            self.bus.publish(events)

    def share_events(self) -> None:
        """Number this bus's events as every worker does (:meth:`EventBus.share`);
        call once this worker listens to the others' events."""
        epoch, last_seq = store.event_numbering(self.engine)
        self.bus.share(epoch, last_seq, self._relay)

    def _relay(self, events: list[Event]) -> None:
        """Events a domain published straight to the bus (bookings, door grants):
        numbered and sent to the other workers in a transaction of their own."""
        with self.transaction() as tx:
            tx.events.extend(events)

    def commit(
        self, changes: Changes, *, urgent: bool = False, tx: Transaction | None = None
    ) -> Future[None] | None:
        """Hand ``changes`` to the writer and the bus; call under the lock.

        Returns a future that completes once all of them are stored (``None``:
        nothing to store). ``urgent``: someone waits for it, commit at once.
        Shared: alarms and work orders are stored in ``tx`` (a new transaction
        when ``None``), history rows still go to the writer.
        """
        if self.shared and tx is None:
            with self.transaction() as own:
                durable = self.commit(changes, urgent=urgent, tx=own)
            return durable
        futures = []
        if changes.rows:
            futures.append(self.writer.submit_readings(changes.rows, urgent=urgent))
        if tx is not None:
            self._store_shared(changes, tx)
            if changes.alarms or changes.orders:
                futures.append(tx.committed)
            return all_of(futures)
        if changes.alarms:
            futures.append(self.writer.submit_alarms(changes.alarms, urgent=urgent))
        for order in changes.orders:
            futures.append(self.writer.submit_work_order(order))
        if changes.events:
            self.bus.publish(changes.events)
        return all_of(futures)

    def _store_shared(self, changes: Changes, tx: Transaction) -> None:
        adopted = store.put_alarms(tx.connection, changes.alarms)
        for mine, theirs in adopted.items():
            # Another worker raised this condition first: its alarm is the one.
            self.alarms.discard(mine)
            self.alarms.put(theirs)
            log.info("alarm %s of %s adopted (raised elsewhere)", theirs.id, theirs.device_id)
        store.put_work_orders(tx.connection, changes.orders)
        tx.events.extend(
            e for e in changes.events if e.kind != "alarm" or e.data.get("id") not in adopted
        )

    # ------------------------------------------------------------------ other workers
    def apply_remote(self, events: Sequence[Event]) -> None:
        """Events committed by another worker: bring this cache up to date, then hand
        them to the local bus (its SSE subscribers see every worker's changes)."""
        with self.lock:
            for event in events:
                try:
                    if event.kind == "reading":
                        self._remote_reading(event.data)
                    elif event.kind == "alarm":
                        self._remote_alarm(event.data)
                except (Rejected, KeyError, TypeError, ValueError):
                    log.warning("an event from another worker does not fit: %s", event.kind)
        self.bus.publish(list(events))

    def _remote_reading(self, data: dict[str, Any]) -> None:
        runtime = self.runtimes.get(data["device_id"])
        if runtime is None:
            return
        ts_us = parse_ts_us(data["ts"])
        for name, raw in data["values"].items():
            spec = runtime.device.points.get(name)
            if spec is None:
                continue
            previous = runtime.values.get(name)
            if previous is not None and previous[1] >= ts_us:
                continue
            value = check_value(spec, raw)
            runtime.values[name] = (value, ts_us)
            if spec.has_rules:
                level, reason = evaluate(spec, value, runtime.levels.get(name, "normal"))
                runtime.levels[name], runtime.reasons[name] = level, reason
            self.track_occupancy(runtime, name, value, ts_us)
        now = self.clock()
        if runtime.last_heard_s < now:
            runtime.last_heard_s = now
        runtime.recompute()

    def _remote_alarm(self, data: dict[str, Any]) -> None:
        alarm = alarm_from_json(data)
        self.alarms.put(alarm)
        runtime = self.runtimes.get(alarm.device_id)
        if runtime is None:
            return
        holds = alarm.is_open and alarm.active
        if alarm.kind == "offline":
            runtime.offline = holds
        elif alarm.kind == "patrol":
            rule_id = alarm.point.removeprefix("patrol:")
            if holds:
                runtime.patrol[rule_id] = (alarm.severity, alarm.reason)
            else:
                runtime.patrol.pop(rule_id, None)
        runtime.recompute()


def alarm_from_json(data: dict[str, Any]) -> Alarm:
    """An alarm from :func:`alarm_json`'s data (the event's ``building`` key ignored)."""
    fields = {k: v for k, v in data.items() if k in Alarm.__dataclass_fields__}
    for key in ("raised_at", "acknowledged_at", "cleared_at"):
        if fields.get(key) is not None:
            fields[key] = datetime.fromisoformat(fields[key])
    return Alarm(**fields)
