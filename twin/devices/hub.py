"""The device service: one facade over the device domain's parts.

Callers (the API's routers, the command line, the MQTT subscriber) hold one
:class:`DeviceService` per process. It owns the registry (which devices a
building has, bound to which elements) and the life cycle (load from the
store, start and stop the writer); everything else it hands to a part over
the shared :class:`~twin.devices.live.LiveState`:

========================================  =================================
:class:`~twin.devices.ingestion.Ingestion`  HTTP batches and MQTT reads
:class:`~twin.devices.alarming.AlarmDesk`   alarms: list, acknowledge, clear, report
:class:`~twin.devices.watch.Watch`          heartbeats and patrol rules
:class:`~twin.devices.maintenance.WorkOrderDesk`  work orders
:class:`~twin.devices.history.History`      stored readings
========================================  =================================

Nothing on the per-message path waits for the disk: accepted readings go to
the :class:`~twin.devices.store.BatchWriter`, and callers that need
durability (an HTTP batch before it answers "accepted", an acknowledgement)
wait on the future they get back, which one group commit completes for many
callers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from spatial.records import Building
from spatial.room_types import RoomTypeRules
from twin.devices import store
from twin.devices.alarming import AlarmDesk
from twin.devices.alarms import Alarm, Severity
from twin.devices.errors import RegistryFileError
from twin.devices.events import EventBus
from twin.devices.history import History
from twin.devices.ingestion import Ingestion
from twin.devices.live import Clock, LiveState, OccupancyState
from twin.devices.maintenance import WorkOrderDesk
from twin.devices.patrol import PatrolRules, load_patrol_rules
from twin.devices.pipeline import FUTURE_TOLERANCE_S, IngestReport, RejectionCounters
from twin.devices.registry import BindingReport, Device, RegistryRow, bind
from twin.devices.rules import evaluate
from twin.devices.state import DeviceRuntime, DeviceState
from twin.devices.watch import Watch
from twin.devices.workorders import WorkOrder, WorkOrderStatus

log = logging.getLogger(__name__)

#: Brick class of a point that reports an equipment fault (a lift out of service).
FAULT_CLASS = "Fault_Status"

BuildingLookup = Callable[[str], Building | None]


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
    future_tolerance_s
        How far ahead of the clock a reading's time may be.
    flush_interval_s
        Longest a row waits in the writer before it is committed.
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
        self.live = LiveState(engine, clock=clock, bus=self.bus, flush_interval_s=flush_interval_s)
        self.ingestion = Ingestion(self.live, future_tolerance_s=future_tolerance_s)
        self.alarm_desk = AlarmDesk(self.live)
        self.watch = Watch(self.live, patrol_rules or load_patrol_rules())
        self.work_order_desk = WorkOrderDesk(self.live)
        self.stored = History(self.live)
        self._buildings = buildings or (lambda _id: None)
        self._reports: dict[str, BindingReport] = {}
        #: Per building: the devices with fault points, and those points' names.
        self._fault_points: dict[str, list[tuple[DeviceRuntime, tuple[str, ...]]]] = {}

    @property
    def counters(self) -> RejectionCounters:
        return self.ingestion.counters

    @property
    def patrol_rules(self) -> PatrolRules:
        return self.watch.rules

    @property
    def writer(self) -> store.BatchWriter:
        return self.live.writer

    # ------------------------------------------------------------------ life cycle
    def open(self) -> None:
        """Load registries, latest values, alarms and work orders; start the writer."""
        live = self.live
        for building_id, rows in store.load_registries(self.engine).items():
            self._install(building_id, rows)
        store.catch_up_latest(self.engine)
        with live.lock:
            for device_id, point, ts_us, value in store.load_latest(self.engine):
                runtime = live.runtimes.get(device_id)
                if runtime is None or point not in runtime.device.points:
                    continue
                spec = runtime.device.points[point]
                typed: float | bool = bool(value) if spec.is_boolean else value
                runtime.values[point] = (typed, ts_us)
                level, reason = evaluate(spec, typed)
                runtime.levels[point], runtime.reasons[point] = level, reason
                live.track_occupancy(runtime, point, typed, ts_us)
            for alarm in store.load_alarms(self.engine):
                live.alarms.add(alarm)
            for order in store.load_work_orders(self.engine):
                live.orders[order.id] = order
            for runtime in live.runtimes.values():
                runtime.recompute()
        live.writer.start()
        log.info(
            "device service open: %d devices, %d alarms, %d work orders",
            len(live.runtimes),
            len(live.alarms),
            len(live.orders),
        )

    def close(self) -> None:
        """Commit everything queued and stop the writer."""
        self.live.writer.stop()
        store.catch_up_latest(self.engine)

    def flush(self, timeout_s: float | None = 30.0) -> None:
        """Block until everything queued so far is committed."""
        self.stored.flush(timeout_s)

    # ------------------------------------------------------------------ registry
    def load_registry(self, building_id: str, rows: Sequence[RegistryRow]) -> BindingReport:
        """Replace the devices of a building with ``rows``, bound to its elements.

        Raises
        ------
        RegistryFileError
            A device id already belongs to another building.
        """
        runtimes = self.live.runtimes
        with self.live.lock:
            taken = {
                r.device_id
                for r in rows
                if r.device_id in runtimes
                and runtimes[r.device_id].device.building_id != building_id
            }
        if taken:
            raise RegistryFileError(
                f"device ids already registered to another building: {', '.join(sorted(taken))}"
            )
        store.save_registry(self.engine, building_id, rows)
        return self._install(building_id, rows)

    def _install(self, building_id: str, rows: Sequence[RegistryRow]) -> BindingReport:
        live = self.live
        building = self._buildings(building_id)
        report = bind(building_id, building, rows)
        if building is not None:
            live.room_types[building_id] = RoomTypeRules().classify_all(building.spaces)
        now = self.clock()
        with live.lock:
            for device_id in [
                d for d, r in live.runtimes.items() if r.device.building_id == building_id
            ]:
                del live.runtimes[device_id]
            for device in report.devices:
                live.runtimes[device.device_id] = DeviceRuntime(device, last_heard_s=now)
            live.building_ids = frozenset(r.device.building_id for r in live.runtimes.values())
            # Every route asks which elements report a fault: only these points can.
            self._fault_points[building_id] = [
                (runtime, names)
                for runtime in (live.runtimes[d.device_id] for d in report.devices)
                if runtime.device.global_id is not None
                and (
                    names := tuple(
                        n for n, s in runtime.device.points.items() if s.brick_class == FAULT_CLASS
                    )
                )
            ]
            self._reports[building_id] = report
            self.watch.devices_changed()
        return report

    def binding_report(self, building_id: str) -> BindingReport | None:
        return self._reports.get(building_id)

    def devices(self, building_id: str | None = None) -> list[Device]:
        with self.live.lock:
            return [
                r.device
                for r in self.live.runtimes.values()
                if building_id is None or r.device.building_id == building_id
            ]

    def device(self, device_id: str) -> Device:
        """Raises :class:`~twin.devices.errors.UnknownDeviceError`."""
        with self.live.lock:
            return self.live.runtime(device_id).device

    def state(self, device_id: str) -> DeviceState:
        """The live state of a device.

        Raises
        ------
        UnknownDeviceError
        """
        with self.live.lock:
            return self.live.runtime(device_id).snapshot()

    def states(self, building_id: str | None = None) -> list[DeviceState]:
        with self.live.lock:
            return [
                r.snapshot()
                for r in self.live.runtimes.values()
                if building_id is None or r.device.building_id == building_id
            ]

    # ------------------------------------------------------------------ ingestion
    def ingest(self, readings: Sequence[Any], *, building_id: str | None = None) -> IngestReport:
        """See :meth:`Ingestion.ingest <twin.devices.ingestion.Ingestion.ingest>`."""
        return self.ingestion.ingest(readings, building_id=building_id)

    def ingest_body(self, body: bytes, *, building_id: str | None = None) -> IngestReport:
        """See :meth:`Ingestion.ingest_body <twin.devices.ingestion.Ingestion.ingest_body>`."""
        return self.ingestion.ingest_body(body, building_id=building_id)

    def ingest_mqtt(self, topic: str, payload: bytes) -> str | None:
        return self.ingestion.ingest_mqtt(topic, payload)

    def ingest_mqtt_batch(self, messages: Sequence[tuple[str, bytes]]) -> IngestReport:
        return self.ingestion.ingest_mqtt_batch(messages)

    def count_rejection(self, reason: str, count: int = 1) -> None:
        self.ingestion.count_rejection(reason, count)

    def rejections(self, buildings: Collection[str] | None = None) -> dict[str, int]:
        """Rejected readings per reason since start-up (every reason, zeros included),
        over ``buildings`` (``None``: all, and those that named no known building)."""
        rejected: dict[str, int] = self.ingestion.counters.snapshot(buildings)["rejected"]
        return rejected

    # ------------------------------------------------------------------ periodic checks
    def check_heartbeats(self, now: float | None = None) -> list[Alarm]:
        return self.watch.check_heartbeats(now)

    def run_patrol(self, now: float | None = None) -> list[Alarm]:
        return self.watch.run_patrol(now)

    # ------------------------------------------------------------------ alarms
    def alarms(
        self,
        *,
        building_id: str | None = None,
        state: str | None = None,
        device_id: str | None = None,
    ) -> list[Alarm]:
        return self.alarm_desk.alarms(building_id=building_id, state=state, device_id=device_id)

    def alarm(self, alarm_id: str) -> Alarm:
        return self.alarm_desk.alarm(alarm_id)

    def acknowledge(self, alarm_id: str, by: str) -> tuple[Alarm, Future[None]]:
        return self.alarm_desk.acknowledge(alarm_id, by)

    def clear(self, alarm_id: str, by: str) -> tuple[Alarm, Future[None]]:
        return self.alarm_desk.clear(alarm_id, by)

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
        """Raise or end the alarm of a condition another domain detects on a device
        (see :meth:`~twin.devices.alarming.AlarmDesk.report_condition`)."""
        return self.alarm_desk.report_condition(
            device_id, condition, holds=holds, reason=reason, severity=severity,
            global_id=global_id,
        )  # fmt: skip

    # ------------------------------------------------------------------ work orders
    def create_work_order(
        self, alarm_id: str, *, by: str, assignee: str | None = None, title: str | None = None
    ) -> tuple[WorkOrder, Future[None]]:
        return self.work_order_desk.create(alarm_id, by=by, assignee=assignee, title=title)

    def update_work_order(
        self,
        order_id: str,
        *,
        by: str,
        status: WorkOrderStatus | None = None,
        assignee: str | None = None,
        note: str | None = None,
    ) -> tuple[WorkOrder, Future[None]]:
        return self.work_order_desk.update(
            order_id, by=by, status=status, assignee=assignee, note=note
        )

    def put_work_order(self, order: WorkOrder) -> Future[None]:
        """Store ``order`` as given: a work order read from elsewhere (a BCF topic)."""
        return self.work_order_desk.put(order)

    def work_order(self, order_id: str) -> WorkOrder:
        return self.work_order_desk.get(order_id)

    def work_orders(
        self, *, building_id: str | None = None, status: str | None = None
    ) -> list[WorkOrder]:
        return self.work_order_desk.list(building_id=building_id, status=status)

    # ------------------------------------------------------------------ occupancy & faults
    def occupancy(self, building_id: str) -> dict[str, OccupancyState]:
        """Live occupancy of the building's rooms that have a sensor."""
        live = self.live
        with live.lock:
            spaces = {
                r.device.space_id
                for r in live.runtimes.values()
                if r.device.building_id == building_id
            }
            return {s: o for s, o in live.occupancy.items() if s in spaces}

    def faulty_elements(self, building_id: str) -> set[str]:
        """GlobalIds of elements whose device reports a fault (``Fault_Status`` true)."""
        with self.live.lock:
            return {
                r.device.global_id  # type: ignore[misc]
                for r, names in self._fault_points.get(building_id, ())
                if any(bool(r.values.get(name, (False, 0))[0]) for name in names)
            }

    # ------------------------------------------------------------------ history
    def history(
        self,
        device_ids: Sequence[str],
        *,
        point: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        after: tuple[str, str, int] | None = None,
        limit: int | None = None,
    ) -> list[tuple[str, str, int, float]]:
        """Stored readings ``(device_id, point, ts_us, value)``, after a flush;
        ``after``/``limit`` read one page."""
        return self.stored.readings(
            device_ids, point=point, start=start, end=end, after=after, limit=limit
        )
