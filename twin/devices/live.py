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

Times: the clock (injectable, epoch seconds UTC) decides heartbeats, patrol
hours and "from the future"; readings carry their own UTC timestamps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from twin.devices import store
from twin.devices.alarms import Alarm, AlarmBook
from twin.devices.errors import UnknownDeviceError
from twin.devices.events import Event, EventBus
from twin.devices.registry import OCCUPANCY_BOOL_CLASSES, OCCUPANCY_COUNT_CLASSES
from twin.devices.state import DeviceRuntime, from_us
from twin.devices.workorders import WorkOrder

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

    def commit(self, changes: Changes, *, urgent: bool = False) -> Future[None] | None:
        """Hand ``changes`` to the writer and the bus; call under the lock.

        Returns a future that completes once all of them are stored (``None``:
        nothing to store). ``urgent``: someone waits for it, commit at once.
        """
        futures = []
        if changes.rows:
            futures.append(self.writer.submit_readings(changes.rows, urgent=urgent))
        if changes.alarms:
            futures.append(self.writer.submit_alarms(changes.alarms, urgent=urgent))
        for order in changes.orders:
            futures.append(self.writer.submit_work_order(order))
        if changes.events:
            self.bus.publish(changes.events)
        return all_of(futures)
