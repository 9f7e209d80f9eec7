"""Alarm events and their lifecycle: raised → acknowledged → cleared.

An alarm is raised when a condition starts (a threshold crossed, a leak
detected, a device silent past its heartbeat, a patrol rule firing). While it
is open no second alarm is raised for the same device and condition, so an
acknowledged alarm stays acknowledged however many alarming readings follow.
When the condition ends the alarm becomes inactive; it is cleared by the
system once someone has acknowledged it (or at once on acknowledgement if the
condition already ended), or by an operator at any time.

Times are UTC datetimes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from twin.devices.errors import AlarmTransitionError, UnknownAlarmError
from twin.devices.reasons import reason_of

AlarmState = Literal["raised", "acknowledged", "cleared"]
Severity = Literal["warning", "alarm", "critical"]
AlarmKind = Literal["threshold", "boolean", "offline", "patrol", "energy"]

#: Who clears alarms whose condition ended after acknowledgement.
SYSTEM_USER = "system"
#: ``state=open`` in queries means either of these.
OPEN_STATES = frozenset({"raised", "acknowledged"})
SEVERITY_RANK = {"warning": 1, "alarm": 2, "critical": 3}


@dataclass(frozen=True, slots=True)
class Alarm:
    """One alarm event.

    ``point`` is the point it is about, ``"offline"`` for heartbeat alarms, or
    ``"patrol:<rule id>"`` for patrol rules. ``active`` says whether the
    condition still holds.
    """

    id: str
    building_id: str
    device_id: str
    global_id: str | None
    point: str
    kind: AlarmKind
    severity: Severity
    state: AlarmState
    reason: str
    raised_at: datetime
    active: bool = True
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    cleared_at: datetime | None = None
    cleared_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def reason_code(self) -> str | None:
        """The reason's stable code (:mod:`twin.devices.reasons`), ``None`` for free text."""
        found = reason_of(self.kind, self.point, self.reason)
        return None if found is None else found[0]

    @property
    def reason_params(self) -> dict[str, Any]:
        """The reason's parameters for its code (empty for free text)."""
        found = reason_of(self.kind, self.point, self.reason)
        return {} if found is None else found[1]


def new_alarm_id() -> str:
    """A fresh alarm id, made without asking the database (the hot path never waits)."""
    return uuid.uuid4().hex


class AlarmBook:
    """Every alarm the service knows, with an index of open ones per condition.

    Not thread-safe by itself: the device service calls it under its lock.
    """

    def __init__(self) -> None:
        self._alarms: dict[str, Alarm] = {}
        self._open: dict[tuple[str, str], str] = {}

    def __len__(self) -> int:
        return len(self._alarms)

    def add(self, alarm: Alarm) -> None:
        """Put a known alarm in the book (e.g. loaded from the store)."""
        self._alarms[alarm.id] = alarm
        if alarm.is_open:
            self._open[(alarm.device_id, alarm.point)] = alarm.id

    def put(self, alarm: Alarm) -> None:
        """Put a version of an alarm in the book (stored by another worker, or adopted),
        replacing the one it has."""
        if not alarm.is_open and self._open.get((alarm.device_id, alarm.point)) == alarm.id:
            del self._open[(alarm.device_id, alarm.point)]
        self.add(alarm)

    def discard(self, alarm_id: str) -> None:
        """Forget an alarm that was never stored (another worker's alarm replaced it)."""
        alarm = self._alarms.pop(alarm_id, None)
        if alarm is not None and self._open.get((alarm.device_id, alarm.point)) == alarm_id:
            del self._open[(alarm.device_id, alarm.point)]

    def get(self, alarm_id: str) -> Alarm:
        try:
            return self._alarms[alarm_id]
        except KeyError:
            raise UnknownAlarmError(f"no alarm {alarm_id!r}") from None

    def open_for(self, device_id: str, point: str) -> Alarm | None:
        alarm_id = self._open.get((device_id, point))
        return None if alarm_id is None else self._alarms[alarm_id]

    def all(self) -> list[Alarm]:
        return list(self._alarms.values())

    def raise_or_update(
        self,
        *,
        building_id: str,
        device_id: str,
        global_id: str | None,
        point: str,
        kind: AlarmKind,
        severity: Severity,
        reason: str,
        at: datetime,
    ) -> Alarm | None:
        """Raise an alarm for a condition, or update the open one.

        Returns the new or changed alarm, ``None`` when nothing changed (the
        condition is already alarmed at this severity).
        """
        current = self.open_for(device_id, point)
        if current is None:
            alarm = Alarm(
                id=new_alarm_id(),
                building_id=building_id,
                device_id=device_id,
                global_id=global_id,
                point=point,
                kind=kind,
                severity=severity,
                state="raised",
                reason=reason,
                raised_at=at,
            )
            self.add(alarm)
            return alarm
        if current.active and current.severity == severity:
            return None
        # Escalation, de-escalation or a return of the condition keeps the
        # acknowledgement: the operator already knows about this condition.
        updated = replace(current, severity=severity, reason=reason, active=True)
        self._alarms[updated.id] = updated
        return updated

    def condition_ended(self, device_id: str, point: str, at: datetime) -> Alarm | None:
        """The condition of an open alarm ended: mark it inactive, clear if acknowledged."""
        current = self.open_for(device_id, point)
        if current is None or not current.active:
            return None
        if current.state == "acknowledged":
            return self._clear(current, SYSTEM_USER, at)
        updated = replace(current, active=False)
        self._alarms[updated.id] = updated
        return updated

    def acknowledge(self, alarm_id: str, by: str, at: datetime) -> Alarm:
        """Acknowledge a raised alarm (cleared at once when its condition already ended).

        Raises
        ------
        UnknownAlarmError, AlarmTransitionError
        """
        alarm = self.get(alarm_id)
        if alarm.state != "raised":
            raise AlarmTransitionError(f"alarm {alarm_id} is {alarm.state}, not raised")
        alarm = replace(alarm, state="acknowledged", acknowledged_at=at, acknowledged_by=by)
        self._alarms[alarm.id] = alarm
        if not alarm.active:
            return self._clear(alarm, SYSTEM_USER, at)
        return alarm

    def clear(self, alarm_id: str, by: str, at: datetime) -> Alarm:
        """An operator clears an open alarm.

        Raises
        ------
        UnknownAlarmError, AlarmTransitionError
        """
        alarm = self.get(alarm_id)
        if not alarm.is_open:
            raise AlarmTransitionError(f"alarm {alarm_id} is already cleared")
        return self._clear(alarm, by, at)

    def _clear(self, alarm: Alarm, by: str, at: datetime) -> Alarm:
        alarm = replace(alarm, state="cleared", cleared_at=at, cleared_by=by, active=False)
        self._alarms[alarm.id] = alarm
        self._open.pop((alarm.device_id, alarm.point), None)
        return alarm
