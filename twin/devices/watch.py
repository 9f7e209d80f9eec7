"""Periodic watch over every device: heartbeats (offline detection) and patrol rules.

Both run from the service's ticker, never on the ingestion path. A device
silent for longer than its ``heartbeat_s`` goes offline with an ``offline``
alarm (its next reading ends it, in :mod:`twin.devices.ingestion`); a patrol
rule (:mod:`twin.devices.patrol`) crosses points with room occupancy, room
type and working hours, and raises a ``patrol:<rule id>`` alarm while it fires.
"""

from __future__ import annotations

from datetime import UTC, datetime

from twin.devices.alarms import Alarm
from twin.devices.live import Changes, LiveState
from twin.devices.patrol import PatrolRule, PatrolRules, conditions_for
from twin.devices.reasons import reason_text
from twin.devices.state import DeviceRuntime


class Watch:
    """Heartbeat and patrol checks over the live state.

    Parameters
    ----------
    live
        The shared live state.
    rules
        The patrol rules.
    """

    def __init__(self, live: LiveState, rules: PatrolRules) -> None:
        self.live = live
        self.rules = rules
        self._patrol: list[tuple[DeviceRuntime, PatrolRule, str]] = []

    def devices_changed(self) -> None:
        """Find the points the patrol rules watch again; call under the lock after a
        registry changed."""
        self._patrol = [
            (runtime, rule, point)
            for runtime in self.live.runtimes.values()
            for rule in self.rules.rules
            if (point := rule.applies_to(runtime.device)) is not None
        ]

    def check_heartbeats(self, now: float | None = None) -> list[Alarm]:
        """Mark devices silent for longer than their heartbeat as offline.

        ``now``: epoch seconds (default: the clock). Returns the alarms raised.
        """
        live = self.live
        now = live.clock() if now is None else now
        at = datetime.fromtimestamp(now, UTC)
        changes = Changes()
        with live.lock:
            for runtime in live.runtimes.values():
                device = runtime.device
                if runtime.offline or now - runtime.last_heard_s <= device.heartbeat_s:
                    continue
                runtime.offline = True
                changes.alarm(
                    live.alarms.raise_or_update(
                        building_id=device.building_id,
                        device_id=device.device_id,
                        global_id=device.global_id,
                        point="offline",
                        kind="offline",
                        severity="warning",
                        reason=reason_text("offline", seconds=device.heartbeat_s),
                        at=at,
                    )
                )
                changes.status(runtime)
            live.commit(changes)
        return changes.alarms

    def run_patrol(self, now: float | None = None) -> list[Alarm]:
        """Evaluate the patrol rules for every device they watch; the alarms changed."""
        live = self.live
        now = live.clock() if now is None else now
        at = datetime.fromtimestamp(now, UTC)
        working = self.rules.working_hours.is_working(at)
        changes = Changes()
        with live.lock:
            for runtime, rule, point in self._patrol:
                device = runtime.device
                occupancy = live.occupancy.get(device.space_id or "")
                room_type = live.room_types.get(device.building_id, {}).get(device.space_id or "")
                conditions = conditions_for(
                    room_occupied=None if occupancy is None else occupancy.occupied,
                    room_type=room_type,
                    working=working,
                )
                value = runtime.values.get(point, (None, 0))[0]
                fires = rule.fires(value, conditions)
                key = f"patrol:{rule.id}"
                if fires and rule.id not in runtime.patrol:
                    held = [c for c in (*rule.when_all, *rule.when_any) if conditions.get(c)]
                    reason = reason_text("patrol", description=rule.description, conditions=held)
                    runtime.patrol[rule.id] = (rule.severity, reason)
                    changes.alarm(
                        live.alarms.raise_or_update(
                            building_id=device.building_id,
                            device_id=device.device_id,
                            global_id=device.global_id,
                            point=key,
                            kind="patrol",
                            severity=rule.severity,  # type: ignore[arg-type]
                            reason=reason,
                            at=at,
                        )
                    )
                elif not fires and rule.id in runtime.patrol:
                    del runtime.patrol[rule.id]
                    changes.alarm(live.alarms.condition_ended(device.device_id, key, at))
                else:
                    continue
                changes.status(runtime)
            live.commit(changes)
        return changes.alarms
