"""Alarming: a point's level from its rules, the alarms it raises and ends, and what
people do with alarms (list, acknowledge, clear).

The lifecycle itself (raised → acknowledged → cleared, one open alarm per
condition) is :class:`~twin.devices.alarms.AlarmBook`; this module decides
when a reading starts or ends a condition and stores every step through
:meth:`~twin.devices.live.LiveState.commit`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime

from twin.devices import store
from twin.devices.alarms import OPEN_STATES, Alarm, Severity
from twin.devices.errors import UnknownAlarmError
from twin.devices.live import Changes, LiveState
from twin.devices.rules import evaluate
from twin.devices.state import DeviceRuntime, from_us


def apply_level(
    live: LiveState,
    runtime: DeviceRuntime,
    point: str,
    value: float | bool,
    ts_us: int,
    changes: Changes,
) -> bool:
    """Evaluate ``point``'s rules for a new value; raise, update or end its alarm.

    Call under the lock. Returns whether the point's level changed (so the
    device's status may have).
    """
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
        changes.alarm(live.alarms.condition_ended(device.device_id, point, at))
    else:
        changes.alarm(
            live.alarms.raise_or_update(
                building_id=device.building_id,
                device_id=device.device_id,
                global_id=device.global_id,
                point=point,
                kind="boolean" if spec.alarm_when is not None else "threshold",
                severity="alarm" if level == "alarm" else "warning",
                reason=reason,
                at=at,
            )
        )
    return True


class AlarmDesk:
    """What operators do with alarms: list, look up, acknowledge, clear."""

    def __init__(self, live: LiveState) -> None:
        self.live = live

    def alarms(
        self,
        *,
        building_id: str | None = None,
        state: str | None = None,
        device_id: str | None = None,
    ) -> list[Alarm]:
        """Alarms, newest first; ``state`` is ``open`` (raised or acknowledged) or a state."""
        wanted = OPEN_STATES if state == "open" else None if state is None else {state}
        if self.live.shared:
            return store.query_alarms(
                self.live.engine, building_id=building_id, states=wanted, device_id=device_id
            )
        with self.live.lock:
            found = [
                a
                for a in self.live.alarms.all()
                if (building_id is None or a.building_id == building_id)
                and (wanted is None or a.state in wanted)
                and (device_id is None or a.device_id == device_id)
            ]
        return sorted(found, key=lambda a: a.raised_at, reverse=True)

    def alarm(self, alarm_id: str) -> Alarm:
        """Raises :class:`~twin.devices.errors.UnknownAlarmError`."""
        if self.live.shared:
            with self.live.engine.connect() as connection:
                found = store.alarm_for_update(connection, alarm_id, lock=False)
            if found is None:
                raise UnknownAlarmError(f"no alarm {alarm_id!r}")
            return found
        with self.live.lock:
            return self.live.alarms.get(alarm_id)

    def acknowledge(self, alarm_id: str, by: str) -> tuple[Alarm, Future[None]]:
        """Acknowledge an alarm; the future completes when that is stored.

        Raises
        ------
        UnknownAlarmError, AlarmTransitionError
        """
        return self._step(alarm_id, lambda at: self.live.alarms.acknowledge(alarm_id, by, at))

    def clear(self, alarm_id: str, by: str) -> tuple[Alarm, Future[None]]:
        """Clear an open alarm by hand (see :meth:`acknowledge`)."""
        return self._step(alarm_id, lambda at: self.live.alarms.clear(alarm_id, by, at))

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
        live = self.live
        at = live.now()
        with live.lock:
            device = live.runtime(device_id).device
            if holds:
                alarm = live.alarms.raise_or_update(
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
                alarm = live.alarms.condition_ended(device_id, condition, at)
            changes = Changes()
            changes.alarm(alarm)
            live.commit(changes, urgent=True)
        return alarm

    def _step(self, alarm_id: str, step: Callable[[datetime], Alarm]) -> tuple[Alarm, Future[None]]:
        live = self.live
        at = live.now()
        with live.lock:
            if not live.shared:
                alarm = step(at)
                changes = Changes()
                changes.alarm(alarm)
                durable = live.commit(changes, urgent=True)
            else:
                # Any worker acts on any alarm: the stored version, locked, is the truth.
                with live.transaction() as tx:
                    stored = store.alarm_for_update(tx.connection, alarm_id)
                    if stored is None:
                        raise UnknownAlarmError(f"no alarm {alarm_id!r}")
                    live.alarms.put(stored)
                    alarm = step(at)
                    changes = Changes()
                    changes.alarm(alarm)
                    durable = live.commit(changes, urgent=True, tx=tx)
        assert durable is not None  # an alarm version is always stored
        return alarm, durable
