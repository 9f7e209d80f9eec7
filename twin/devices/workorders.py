"""Work orders made from alarms: assignee, status open → in progress → done, notes.

Times are UTC datetimes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from twin.devices.errors import WorkOrderTransitionError
from twin.devices.reasons import title_reason

WorkOrderStatus = Literal["open", "in_progress", "done"]

#: The allowed status steps; ``done`` is final.
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"in_progress"}),
    "in_progress": frozenset({"done"}),
    "done": frozenset(),
}


@dataclass(frozen=True, slots=True)
class Note:
    """A note on a work order: when, who, what."""

    at: datetime
    by: str
    text: str


@dataclass(frozen=True, slots=True)
class WorkOrder:
    """A maintenance job at an element of a building, usually from an alarm."""

    id: str
    building_id: str
    title: str
    status: WorkOrderStatus
    created_at: datetime
    updated_at: datetime
    alarm_id: str | None = None
    device_id: str | None = None
    global_id: str | None = None
    space_id: str | None = None
    assignee: str | None = None
    started_at: datetime | None = None
    done_at: datetime | None = None
    notes: tuple[Note, ...] = ()

    @property
    def reason_code(self) -> str | None:
        """The code of the alarm reason the title was made from, ``None`` for a typed title."""
        found = title_reason(self.device_id, self.title)
        return None if found is None else found[0]

    @property
    def reason_params(self) -> dict[str, Any]:
        """That reason's parameters (empty for a typed title)."""
        found = title_reason(self.device_id, self.title)
        return {} if found is None else found[1]


def new_work_order_id() -> str:
    return uuid.uuid4().hex


def advance(order: WorkOrder, status: WorkOrderStatus, at: datetime) -> WorkOrder:
    """``order`` moved to ``status``.

    Raises
    ------
    WorkOrderTransitionError
        The step is not allowed (e.g. ``done`` → ``open``).
    """
    if status not in TRANSITIONS.get(order.status, frozenset()):
        raise WorkOrderTransitionError(f"work order {order.id}: {order.status} → {status}")
    changes: dict[str, object] = {"status": status, "updated_at": at}
    if status == "in_progress":
        changes["started_at"] = at
    if status == "done":
        changes["done_at"] = at
    return replace(order, **changes)  # type: ignore[arg-type]
