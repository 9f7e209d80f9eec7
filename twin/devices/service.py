"""The device service: registry, live state, alarms, work orders, ingestion.

One object per process holds the hot state in memory (latest values, levels,
statuses, open alarms) behind one lock; every accepted reading is handed to
the :class:`~twin.devices.store.BatchWriter`, which commits history in the
background. Nothing on the per-message path waits for the disk: callers that
need durability (an HTTP batch before it answers "accepted", an alarm
acknowledgement) wait on the returned future, which one group commit
completes for many callers.

Times: the service clock (injectable, epoch seconds UTC) decides heartbeats,
patrol hours and "from the future"; readings carry their own UTC timestamps.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from spatial.records import Building
from spatial.room_types import RoomTypeRules
from twin.devices import store
from twin.devices.alarms import OPEN_STATES, Alarm, AlarmBook, Severity
from twin.devices.errors import (
    RegistryFileError,
    UnknownDeviceError,
    UnknownWorkOrderError,
)
from twin.devices.events import Event, EventBus
from twin.devices.patrol import PatrolRule, PatrolRules, conditions_for, load_patrol_rules
from twin.devices.pipeline import (
    DUPLICATE,
    FUTURE_TIMESTAMP,
    FUTURE_TOLERANCE_S,
    MALFORMED,
    NOT_JSON,
    OUT_OF_ORDER,
    UNKNOWN_DEVICE,
    UNKNOWN_POINT,
    US_PER_S,
    IngestReport,
    Rejected,
    RejectionCounters,
    check_value,
    parse_ts_us,
)
from twin.devices.registry import (
    OCCUPANCY_BOOL_CLASSES,
    OCCUPANCY_COUNT_CLASSES,
    BindingReport,
    Device,
    RegistryRow,
    bind,
)
from twin.devices.rules import evaluate
from twin.devices.state import DeviceRuntime, DeviceState, from_us
from twin.devices.workorders import (
    Note,
    WorkOrder,
    WorkOrderStatus,
    advance,
    new_work_order_id,
)

log = logging.getLogger(__name__)

INF = float("inf")

#: Brick class of a point that reports an equipment fault (a lift out of service).
FAULT_CLASS = "Fault_Status"
#: MQTT topic: ``twin/<building_id>/<device_id>/state``.
TOPIC_PREFIX = "twin"
TOPIC_SUFFIX = "state"

BuildingLookup = Callable[[str], Building | None]
Clock = Callable[[], float]


@dataclass(frozen=True)
class OccupancyState:
    """Live occupancy of a room: people counted (or 1/0 from a presence sensor)."""

    space_id: str
    count: float
    occupied: bool
    ts: datetime
    device_id: str


@dataclass
class _Ingested:
    """What one locked pass over readings produced."""

    report: IngestReport = field(default_factory=IngestReport)
    rows: list[tuple[str, str, int, float]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)
    #: Parsed reading times by their text (``ts`` → µs since the epoch).
    ts_cache: dict[Any, int] = field(default_factory=dict)


def alarm_json(alarm: Alarm) -> dict[str, Any]:
    """An alarm as JSON-ready data (times as ISO-8601 UTC)."""
    data = asdict(alarm)
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = value.isoformat()
    return data


class DeviceService:
    """Devices of every building: registry, live state, alarms and work orders.

    Parameters
    ----------
    engine
        Where history, alarms, work orders and registries are stored.
    buildings
        Looks up a building's records by id (``None`` if unknown) for binding,
        room types and occupancy.
    clock
        Epoch seconds (UTC) now; tests inject a fake clock.
    bus
        Where live events go.
    patrol_rules
        Cross-point rules (default: the shipped file).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        buildings: BuildingLookup | None = None,
        clock: Clock = time.time,
        bus: EventBus | None = None,
        patrol_rules: PatrolRules | None = None,
        future_tolerance_s: float = FUTURE_TOLERANCE_S,
        flush_interval_s: float = store.FLUSH_INTERVAL_S,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.bus = bus or EventBus()
        self.counters = RejectionCounters()
        self.patrol_rules = patrol_rules or load_patrol_rules()
        self._buildings = buildings or (lambda _id: None)
        self._future_us = round(future_tolerance_s * US_PER_S)
        self._writer = store.BatchWriter(engine, flush_interval_s=flush_interval_s)
        self._lock = threading.RLock()
        self._runtimes: dict[str, DeviceRuntime] = {}
        self._reports: dict[str, BindingReport] = {}
        self._alarms = AlarmBook()
        self._orders: dict[str, WorkOrder] = {}
        self._occupancy: dict[str, OccupancyState] = {}
        self._room_types: dict[str, dict[str, str]] = {}
        self._patrol: list[tuple[DeviceRuntime, PatrolRule, str]] = []

    # ------------------------------------------------------------------ life cycle
    def open(self) -> None:
        """Load registries, latest values, alarms and work orders; start the writer."""
        for building_id, rows in store.load_registries(self.engine).items():
            self._install(building_id, rows)
        with self._lock:
            for device_id, point, ts_us, value in store.load_latest(self.engine):
                runtime = self._runtimes.get(device_id)
                if runtime is None or point not in runtime.device.points:
                    continue
                spec = runtime.device.points[point]
                typed: float | bool = bool(value) if spec.is_boolean else value
                runtime.values[point] = (typed, ts_us)
                level, reason = evaluate(spec, typed)
                runtime.levels[point], runtime.reasons[point] = level, reason
                self._track_occupancy(runtime, point, typed, ts_us)
            for alarm in store.load_alarms(self.engine):
                self._alarms.add(alarm)
            for order in store.load_work_orders(self.engine):
                self._orders[order.id] = order
            for runtime in self._runtimes.values():
                runtime.recompute()
        self._writer.start()
        log.info(
            "device service open: %d devices, %d alarms, %d work orders",
            len(self._runtimes),
            len(self._alarms),
            len(self._orders),
        )

    def close(self) -> None:
        """Commit everything queued and stop the writer."""
        self._writer.stop()

    def flush(self, timeout_s: float | None = 30.0) -> None:
        """Block until everything queued so far is committed."""
        self._writer.flush().result(timeout_s)

    # ------------------------------------------------------------------ registry
    def load_registry(self, building_id: str, rows: Sequence[RegistryRow]) -> BindingReport:
        """Replace the devices of a building with ``rows``, bound to its elements.

        Raises
        ------
        RegistryFileError
            A device id already belongs to another building.
        """
        with self._lock:
            taken = {
                r.device_id
                for r in rows
                if r.device_id in self._runtimes
                and self._runtimes[r.device_id].device.building_id != building_id
            }
        if taken:
            raise RegistryFileError(
                f"device ids already registered to another building: {', '.join(sorted(taken))}"
            )
        store.save_registry(self.engine, building_id, rows)
        return self._install(building_id, rows)

    def _install(self, building_id: str, rows: Sequence[RegistryRow]) -> BindingReport:
        building = self._buildings(building_id)
        report = bind(building_id, building, rows)
        if building is not None:
            self._room_types[building_id] = RoomTypeRules().classify_all(building.spaces)
        now = self.clock()
        with self._lock:
            for device_id in [
                d for d, r in self._runtimes.items() if r.device.building_id == building_id
            ]:
                del self._runtimes[device_id]
            for device in report.devices:
                self._runtimes[device.device_id] = DeviceRuntime(device, last_heard_s=now)
            self._reports[building_id] = report
            self._patrol = [
                (runtime, rule, point)
                for runtime in self._runtimes.values()
                for rule in self.patrol_rules.rules
                if (point := rule.applies_to(runtime.device)) is not None
            ]
        return report

    def binding_report(self, building_id: str) -> BindingReport | None:
        return self._reports.get(building_id)

    def devices(self, building_id: str | None = None) -> list[Device]:
        with self._lock:
            return [
                r.device
                for r in self._runtimes.values()
                if building_id is None or r.device.building_id == building_id
            ]

    def device(self, device_id: str) -> Device:
        return self._runtime(device_id).device

    def state(self, device_id: str) -> DeviceState:
        """The live state of a device.

        Raises
        ------
        UnknownDeviceError
        """
        with self._lock:
            return self._runtime(device_id).snapshot()

    def states(self, building_id: str | None = None) -> list[DeviceState]:
        with self._lock:
            return [
                r.snapshot()
                for r in self._runtimes.values()
                if building_id is None or r.device.building_id == building_id
            ]

    def _runtime(self, device_id: str) -> DeviceRuntime:
        try:
            return self._runtimes[device_id]
        except KeyError:
            raise UnknownDeviceError(f"no device {device_id!r}") from None

    # ------------------------------------------------------------------ ingestion
    def ingest(self, readings: Iterable[Any], *, building_id: str | None = None) -> IngestReport:
        """Check and apply a batch of readings (the HTTP path).

        Each reading is accepted or rejected whole; a bad one never stops the
        batch. ``report.durable`` (a future) completes once the accepted
        readings and any alarms they raised are committed.
        """
        work = _Ingested()
        now = self.clock()
        limit_us = round(now * US_PER_S) + self._future_us
        with self._lock:
            publish = self.bus.subscriber_count > 0
            for item in readings:
                try:
                    self._accept(item, building_id, limit_us, now, work, publish)
                    work.report.accepted += 1
                except Rejected as rejected:
                    work.report.rejected[rejected.reason] += 1
            # The HTTP answer waits for this commit: do not let it wait out the interval.
            work.report.durable = self._commit(work, urgent=True)
        self.counters.add(work.report)
        return work.report

    def ingest_mqtt(self, topic: str, payload: bytes) -> str | None:
        """Check and apply one MQTT message; the rejection reason, or ``None`` if accepted.

        Topic ``twin/<building_id>/<device_id>/state``, payload
        ``{"ts": "...", "values": {...}}``. See :meth:`ingest_mqtt_batch`.
        """
        report = self.ingest_mqtt_batch([(topic, payload)])
        return next(iter(report.rejected), None)

    def ingest_mqtt_batch(self, messages: Sequence[tuple[str, bytes]]) -> IngestReport:
        """Check and apply MQTT messages ``(topic, payload)`` (or records whose first two
        fields are those), as one batch under one lock.

        Each message is accepted or rejected on its own, like an HTTP batch;
        ``report.durable`` completes once the accepted readings are committed
        (the MQTT client acknowledges the messages only then).
        """
        work = _Ingested()
        report = work.report
        rejected = report.rejected
        bodies: list[tuple[dict[str, Any], str]] = []
        loads = json.loads
        # Decoding JSON needs no lock: do it before taking it.
        for message in messages:
            parts = message[0].split("/")
            if len(parts) != 4 or parts[0] != TOPIC_PREFIX or parts[3] != TOPIC_SUFFIX:
                rejected[MALFORMED] += 1
                continue
            try:
                body = loads(message[1])
            except (ValueError, UnicodeDecodeError):
                rejected[NOT_JSON] += 1
                continue
            if type(body) is not dict:
                rejected[MALFORMED] += 1
                continue
            body["device_id"] = parts[2]
            bodies.append((body, parts[1]))
        now = self.clock()
        limit_us = round(now * US_PER_S) + self._future_us
        with self._lock:
            publish = self.bus.subscriber_count > 0
            accept = self._accept
            for body, building_id in bodies:
                try:
                    accept(body, building_id, limit_us, now, work, publish)
                    report.accepted += 1
                except Rejected as rejection:
                    rejected[rejection.reason] += 1
            report.durable = self._commit(work)
        self.counters.add(report)
        return report

    def count_rejection(self, reason: str, count: int = 1) -> None:
        """Count readings rejected before they reached the service (e.g. a body not JSON)."""
        report = IngestReport()
        report.rejected[reason] += count
        self.counters.add(report)

    def _commit(self, work: _Ingested, *, urgent: bool = False) -> Future[None] | None:
        # Called under the lock so that alarm versions reach the writer in order.
        durable = None
        if work.rows:
            durable = self._writer.submit_readings(work.rows, urgent=urgent)
        if work.alarms:
            durable = self._writer.submit_alarms(work.alarms, urgent=urgent)
        if work.events:
            self.bus.publish(work.events)
        return durable

    def _accept(
        self,
        item: Any,
        building_id: str | None,
        limit_us: int,
        now: float,
        work: _Ingested,
        publish: bool,
    ) -> None:
        """Check one reading and apply it, or raise :class:`Rejected` having changed nothing.

        ``limit_us``: the latest acceptable time (now plus the clock-skew
        tolerance). ``work.ts_cache`` remembers parsed times: the readings of a
        batch mostly share a handful of timestamps.
        """
        if type(item) is not dict:
            raise Rejected(MALFORMED, "a reading must be an object")
        runtime = self._runtimes.get(item.get("device_id"))  # type: ignore[arg-type]
        if runtime is None or (
            building_id is not None and runtime.device.building_id != building_id
        ):
            raise Rejected(UNKNOWN_DEVICE)
        ts_raw = item.get("ts")
        ts_us = work.ts_cache.get(ts_raw) if type(ts_raw) is str else None
        if ts_us is None:
            ts_us = parse_ts_us(ts_raw)
            work.ts_cache[ts_raw] = ts_us
        if ts_us > limit_us:
            raise Rejected(FUTURE_TIMESTAMP)
        values = item.get("values")
        if type(values) is not dict or not values:
            raise Rejected(MALFORMED, "values must be a non-empty object")
        checks = runtime.checks
        latest = runtime.values
        checked = []
        duplicate = False
        for name, raw in values.items():
            check = checks.get(name)
            if check is None:
                raise Rejected(UNKNOWN_POINT, name)
            # The common case (a finite float within a numeric point's range) inline;
            # everything else through check_value, which gives the exact reason.
            if (
                type(raw) is float
                and not check.is_boolean
                and -INF < raw < INF
                and (check.min is None or raw >= check.min)
                and (check.max is None or raw <= check.max)
            ):
                value: float | bool = raw
            else:
                value = check_value(check.spec, raw)
            previous = latest.get(name)
            if previous is not None:
                if ts_us < previous[1]:
                    raise Rejected(OUT_OF_ORDER)
                if ts_us == previous[1]:
                    duplicate = True
            checked.append((name, value, check))
        if duplicate:
            raise Rejected(DUPLICATE)
        device = runtime.device
        device_id = device.device_id
        changed = False
        rows = work.rows
        for name, value, check in checked:
            latest[name] = (value, ts_us)
            rows.append((device_id, name, ts_us, float(value)))
            if check.has_rules:
                changed |= self._apply_level(runtime, name, value, ts_us, work)
            if check.is_occupancy:
                self._track_occupancy(runtime, name, value, ts_us)
        if runtime.last_heard_s < now:
            runtime.last_heard_s = now
        if runtime.offline:
            runtime.offline = False
            changed = True
            ended = self._alarms.condition_ended(device_id, "offline", from_us(ts_us))
            if ended is not None:
                work.alarms.append(ended)
        if changed:
            self._status_changed(runtime, work)
        if publish:
            work.events.append(
                Event(
                    "reading",
                    device.building_id,
                    {
                        "device_id": device_id,
                        "global_id": device.global_id,
                        "ts": ts_raw,
                        "values": values,
                    },
                )
            )

    def _apply_level(
        self, runtime: DeviceRuntime, point: str, value: float | bool, ts_us: int, work: _Ingested
    ) -> bool:
        spec = runtime.device.points[point]
        previous = runtime.levels.get(point, "normal")
        level, reason = evaluate(spec, value, previous)
        runtime.reasons[point] = reason
        if level == previous:
            return False
        runtime.levels[point] = level
        device = runtime.device
        at = from_us(ts_us)
        if level == "normal":
            alarm = self._alarms.condition_ended(device.device_id, point, at)
        else:
            alarm = self._alarms.raise_or_update(
                building_id=device.building_id,
                device_id=device.device_id,
                global_id=device.global_id,
                point=point,
                kind="boolean" if spec.alarm_when is not None else "threshold",
                severity="alarm" if level == "alarm" else "warning",
                reason=reason,
                at=at,
            )
        if alarm is not None:
            work.alarms.append(alarm)
            work.events.append(Event("alarm", device.building_id, alarm_json(alarm)))
        return True

    def _status_changed(self, runtime: DeviceRuntime, work: _Ingested) -> None:
        if runtime.recompute():
            device = runtime.device
            work.events.append(
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

    def _track_occupancy(
        self, runtime: DeviceRuntime, point: str, value: float | bool, ts_us: int
    ) -> None:
        spec = runtime.device.points[point]
        space_id = runtime.device.space_id
        if space_id is None or spec.brick_class not in OCCUPANCY_CLASSES:
            return
        count = float(value)
        self._occupancy[space_id] = OccupancyState(
            space_id, count, count > 0, from_us(ts_us), runtime.device.device_id
        )

    def rejections(self) -> dict[str, int]:
        """Rejected readings per reason since start-up (every reason, zeros included)."""
        return self.counters.snapshot()

    # ------------------------------------------------------------------ periodic checks
    def check_heartbeats(self, now: float | None = None) -> list[Alarm]:
        """Mark devices silent for longer than their heartbeat as offline.

        Returns the alarms raised. Call periodically (the service ticker does).
        """
        now = self.clock() if now is None else now
        work = _Ingested()
        at = datetime.fromtimestamp(now, UTC)
        with self._lock:
            for runtime in self._runtimes.values():
                device = runtime.device
                if runtime.offline or now - runtime.last_heard_s <= device.heartbeat_s:
                    continue
                runtime.offline = True
                alarm = self._alarms.raise_or_update(
                    building_id=device.building_id,
                    device_id=device.device_id,
                    global_id=device.global_id,
                    point="offline",
                    kind="offline",
                    severity="warning",
                    reason=f"no reading for more than {device.heartbeat_s:g} s",
                    at=at,
                )
                if alarm is not None:
                    work.alarms.append(alarm)
                    work.events.append(Event("alarm", device.building_id, alarm_json(alarm)))
                self._status_changed(runtime, work)
            self._commit(work)
        return work.alarms

    def run_patrol(self, now: float | None = None) -> list[Alarm]:
        """Evaluate the patrol rules for every device they watch; the alarms changed."""
        now = self.clock() if now is None else now
        at = datetime.fromtimestamp(now, UTC)
        working = self.patrol_rules.working_hours.is_working(at)
        work = _Ingested()
        with self._lock:
            for runtime, rule, point in self._patrol:
                device = runtime.device
                occupancy = self._occupancy.get(device.space_id or "")
                room_type = self._room_types.get(device.building_id, {}).get(device.space_id or "")
                conditions = conditions_for(
                    room_occupied=None if occupancy is None else occupancy.occupied,
                    room_type=room_type,
                    working=working,
                )
                value = runtime.values.get(point, (None, 0))[0]
                fires = rule.fires(value, conditions)
                key = f"patrol:{rule.id}"
                alarm = None
                if fires and rule.id not in runtime.patrol:
                    held = [c for c in (*rule.when_all, *rule.when_any) if conditions.get(c)]
                    reason = f"{rule.description} ({', '.join(held)})" if held else rule.description
                    runtime.patrol[rule.id] = (rule.severity, reason)
                    alarm = self._alarms.raise_or_update(
                        building_id=device.building_id,
                        device_id=device.device_id,
                        global_id=device.global_id,
                        point=key,
                        kind="patrol",
                        severity=rule.severity,  # type: ignore[arg-type]
                        reason=reason,
                        at=at,
                    )
                elif not fires and rule.id in runtime.patrol:
                    del runtime.patrol[rule.id]
                    alarm = self._alarms.condition_ended(device.device_id, key, at)
                else:
                    continue
                if alarm is not None:
                    work.alarms.append(alarm)
                    work.events.append(Event("alarm", device.building_id, alarm_json(alarm)))
                self._status_changed(runtime, work)
            self._commit(work)
        return work.alarms

    def report_condition(
        self,
        device_id: str,
        condition: str,
        *,
        holds: bool,
        reason: str = "",
        severity: Severity = "warning",
        global_id: str | None = None,
    ) -> Alarm | None:
        """Raise (``holds``) or end the alarm of a condition another domain detects
        on a device (e.g. ``energy:night``), stored and published like every alarm.

        Returns the alarm raised, changed or ended, ``None`` when nothing changed.
        ``global_id``: the element the alarm is about (default: the device's).

        Raises
        ------
        UnknownDeviceError
        """
        at = datetime.fromtimestamp(self.clock(), UTC)
        work = _Ingested()
        with self._lock:
            device = self._runtime(device_id).device
            if holds:
                alarm = self._alarms.raise_or_update(
                    building_id=device.building_id,
                    device_id=device_id,
                    global_id=global_id or device.global_id,
                    point=condition,
                    kind="energy",
                    severity=severity,
                    reason=reason,
                    at=at,
                )
            else:
                alarm = self._alarms.condition_ended(device_id, condition, at)
            if alarm is not None:
                work.alarms.append(alarm)
                work.events.append(Event("alarm", device.building_id, alarm_json(alarm)))
            self._commit(work, urgent=True)
        return alarm

    # ------------------------------------------------------------------ alarms
    def alarms(
        self,
        *,
        building_id: str | None = None,
        state: str | None = None,
        device_id: str | None = None,
    ) -> list[Alarm]:
        """Alarms, newest first; ``state`` is ``open`` (raised or acknowledged) or a state."""
        wanted = OPEN_STATES if state == "open" else None if state is None else {state}
        with self._lock:
            found = [
                a
                for a in self._alarms.all()
                if (building_id is None or a.building_id == building_id)
                and (wanted is None or a.state in wanted)
                and (device_id is None or a.device_id == device_id)
            ]
        return sorted(found, key=lambda a: a.raised_at, reverse=True)

    def alarm(self, alarm_id: str) -> Alarm:
        with self._lock:
            return self._alarms.get(alarm_id)

    def acknowledge(self, alarm_id: str, by: str) -> tuple[Alarm, Future[None]]:
        """Acknowledge an alarm; the future completes when that is stored.

        Raises
        ------
        UnknownAlarmError, AlarmTransitionError
        """
        return self._alarm_step(alarm_id, lambda at: self._alarms.acknowledge(alarm_id, by, at))

    def clear(self, alarm_id: str, by: str) -> tuple[Alarm, Future[None]]:
        """Clear an open alarm by hand (see :meth:`acknowledge`)."""
        return self._alarm_step(alarm_id, lambda at: self._alarms.clear(alarm_id, by, at))

    def _alarm_step(
        self, alarm_id: str, step: Callable[[datetime], Alarm]
    ) -> tuple[Alarm, Future[None]]:
        at = datetime.fromtimestamp(self.clock(), UTC)
        with self._lock:
            alarm = step(at)
            future = self._writer.submit_alarms([alarm], urgent=True)
            self.bus.publish([Event("alarm", alarm.building_id, alarm_json(alarm))])
        return alarm, future

    # ------------------------------------------------------------------ work orders
    def create_work_order(
        self,
        alarm_id: str,
        *,
        by: str,
        assignee: str | None = None,
        title: str | None = None,
    ) -> tuple[WorkOrder, Future[None]]:
        """A work order for an alarm, at the alarm's element and room.

        Raises
        ------
        UnknownAlarmError
        """
        at = datetime.fromtimestamp(self.clock(), UTC)
        with self._lock:
            alarm = self._alarms.get(alarm_id)
            runtime = self._runtimes.get(alarm.device_id)
            order = WorkOrder(
                id=new_work_order_id(),
                building_id=alarm.building_id,
                title=title or f"{alarm.device_id}: {alarm.reason}",
                status="open",
                created_at=at,
                updated_at=at,
                alarm_id=alarm.id,
                device_id=alarm.device_id,
                global_id=alarm.global_id,
                space_id=None if runtime is None else runtime.device.space_id,
                assignee=assignee,
                notes=(Note(at, by, "created from alarm"),),
            )
            return order, self._store_order(order)

    def update_work_order(
        self,
        order_id: str,
        *,
        by: str,
        status: WorkOrderStatus | None = None,
        assignee: str | None = None,
        note: str | None = None,
    ) -> tuple[WorkOrder, Future[None]]:
        """Change a work order's status, assignee or add a note.

        Raises
        ------
        UnknownWorkOrderError, WorkOrderTransitionError
        """
        at = datetime.fromtimestamp(self.clock(), UTC)
        with self._lock:
            order = self.work_order(order_id)
            if status is not None and status != order.status:
                order = advance(order, status, at)
            if assignee is not None:
                order = replace(order, assignee=assignee, updated_at=at)
            if note:
                order = replace(order, notes=(*order.notes, Note(at, by, note)), updated_at=at)
            return order, self._store_order(order)

    def _store_order(self, order: WorkOrder) -> Future[None]:
        self._orders[order.id] = order
        future = self._writer.submit_work_order(order)
        self.bus.publish(
            [Event("work_order", order.building_id, {"id": order.id, "status": order.status})]
        )
        return future

    def work_order(self, order_id: str) -> WorkOrder:
        with self._lock:
            try:
                return self._orders[order_id]
            except KeyError:
                raise UnknownWorkOrderError(f"no work order {order_id!r}") from None

    def work_orders(
        self, *, building_id: str | None = None, status: str | None = None
    ) -> list[WorkOrder]:
        with self._lock:
            found = [
                o
                for o in self._orders.values()
                if (building_id is None or o.building_id == building_id)
                and (
                    status is None
                    or o.status == status
                    or (status == "active" and o.status != "done")
                )
            ]
        return sorted(found, key=lambda o: o.created_at)

    # ------------------------------------------------------------------ occupancy & faults
    def occupancy(self, building_id: str) -> dict[str, OccupancyState]:
        """Live occupancy of the building's rooms that have a sensor."""
        with self._lock:
            spaces = {
                r.device.space_id
                for r in self._runtimes.values()
                if r.device.building_id == building_id
            }
            return {s: o for s, o in self._occupancy.items() if s in spaces}

    def faulty_elements(self, building_id: str) -> set[str]:
        """GlobalIds of elements whose device reports a fault (``Fault_Status`` true)."""
        with self._lock:
            return {
                r.device.global_id
                for r in self._runtimes.values()
                if r.device.building_id == building_id
                and r.device.global_id is not None
                and any(
                    spec.brick_class == FAULT_CLASS and bool(r.values.get(name, (False, 0))[0])
                    for name, spec in r.device.points.items()
                )
            }

    def history(
        self,
        device_ids: Sequence[str],
        *,
        point: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[tuple[str, str, int, float]]:
        """Stored readings ``(device_id, point, ts_us, value)``, after a flush."""
        self.flush()
        return store.history(
            self.engine,
            device_ids,
            point=point,
            start_us=None if start is None else round(start.timestamp() * US_PER_S),
            end_us=None if end is None else round(end.timestamp() * US_PER_S),
        )

    @property
    def writer(self) -> store.BatchWriter:
        return self._writer


OCCUPANCY_CLASSES = OCCUPANCY_COUNT_CLASSES | OCCUPANCY_BOOL_CLASSES


def _status_matches(status: str, wanted: str | None) -> bool:
    # ``active`` means any status but done: the work still to do.
    return wanted is None or status == wanted or (wanted == "active" and status != "done")
