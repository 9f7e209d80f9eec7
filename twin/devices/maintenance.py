"""Maintenance: work orders made from alarms, moved on, reassigned and noted.

The records and their allowed status steps are :mod:`twin.devices.workorders`;
this module changes them under the live state's lock and stores every
version through :meth:`~twin.devices.live.LiveState.commit`.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace

from twin.devices import store
from twin.devices.alarms import Alarm
from twin.devices.errors import UnknownAlarmError, UnknownWorkOrderError
from twin.devices.live import Changes, LiveState, Transaction
from twin.devices.reasons import alarm_title
from twin.devices.workorders import (
    Note,
    WorkOrder,
    WorkOrderStatus,
    advance,
    new_work_order_id,
)


class WorkOrderDesk:
    """Work orders of every building."""

    def __init__(self, live: LiveState) -> None:
        self.live = live

    def create(
        self,
        alarm_id: str,
        *,
        by: str,
        assignee: str | None = None,
        title: str | None = None,
    ) -> tuple[WorkOrder, Future[None]]:
        """A work order for an alarm, at the alarm's element and room; the future
        completes when it is stored.

        Raises
        ------
        UnknownAlarmError
        """
        live = self.live
        at = live.now()
        with live.lock:
            alarm = self._alarm(alarm_id)
            runtime = live.runtimes.get(alarm.device_id)
            order = WorkOrder(
                id=new_work_order_id(),
                building_id=alarm.building_id,
                title=title or alarm_title(alarm.device_id, alarm.reason),
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
            return order, self._store(order)

    def update(
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
        live = self.live
        at = live.now()

        def change(order: WorkOrder) -> WorkOrder:
            if status is not None and status != order.status:
                order = advance(order, status, at)
            if assignee is not None:
                order = replace(order, assignee=assignee, updated_at=at)
            if note:
                order = replace(order, notes=(*order.notes, Note(at, by, note)), updated_at=at)
            return order

        with live.lock:
            if not live.shared:
                order = change(self.get(order_id))
                return order, self._store(order)
            # Any worker moves any work order on: the stored version, locked, is the truth.
            with live.transaction() as tx:
                stored = store.work_order_for_update(tx.connection, order_id)
                if stored is None:
                    raise UnknownWorkOrderError(f"no work order {order_id!r}")
                order = change(stored)
                return order, self._store(order, tx)

    def put(self, order: WorkOrder) -> Future[None]:
        """Store ``order`` as given: a work order read from elsewhere (a BCF topic)."""
        with self.live.lock:
            return self._store(order)

    def _store(self, order: WorkOrder, tx: Transaction | None = None) -> Future[None]:
        # Under the lock.
        self.live.orders[order.id] = order
        changes = Changes()
        changes.order(order)
        durable = self.live.commit(changes, tx=tx)
        assert durable is not None  # a work order is always stored
        return durable

    def _alarm(self, alarm_id: str) -> Alarm:
        if not self.live.shared:
            return self.live.alarms.get(alarm_id)
        with self.live.engine.connect() as connection:
            found = store.alarm_for_update(connection, alarm_id, lock=False)
        if found is None:
            raise UnknownAlarmError(f"no alarm {alarm_id!r}")
        return found

    def get(self, order_id: str) -> WorkOrder:
        """Raises :class:`~twin.devices.errors.UnknownWorkOrderError`."""
        if self.live.shared:
            with self.live.engine.connect() as connection:
                found = store.work_order_for_update(connection, order_id, lock=False)
            if found is None:
                raise UnknownWorkOrderError(f"no work order {order_id!r}")
            return found
        with self.live.lock:
            try:
                return self.live.orders[order_id]
            except KeyError:
                raise UnknownWorkOrderError(f"no work order {order_id!r}") from None

    def list(self, *, building_id: str | None = None, status: str | None = None) -> list[WorkOrder]:
        """Work orders, oldest first; ``status="active"`` means any status but done."""
        if self.live.shared:
            return store.query_work_orders(self.live.engine, building_id=building_id, status=status)
        with self.live.lock:
            found = [
                o
                for o in self.live.orders.values()
                if (building_id is None or o.building_id == building_id)
                and (
                    status is None
                    or o.status == status
                    or (status == "active" and o.status != "done")
                )
            ]
        return sorted(found, key=lambda o: o.created_at)
