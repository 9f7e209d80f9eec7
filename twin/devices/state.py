"""Live state of devices: latest value per point, level per point, status per device.

The mutable :class:`DeviceRuntime` lives only inside the device service (under
its lock); everyone else sees frozen :class:`DeviceState` snapshots.
Status is ``normal``, ``warning``, ``alarm`` or ``offline``, with the reason
of the worst condition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

from twin.devices.reasons import reason_of, reason_text
from twin.devices.registry import OCCUPANCY_BOOL_CLASSES, OCCUPANCY_COUNT_CLASSES, Device, PointSpec
from twin.devices.rules import Level

Status = Literal["normal", "warning", "alarm", "offline"]
_RANK = {"normal": 0, "warning": 1, "alarm": 2}
#: Patrol severities as device status levels.
PATROL_LEVEL: dict[str, Level] = {"warning": "warning", "alarm": "alarm", "critical": "alarm"}


def from_us(ts_us: int) -> datetime:
    """Microseconds since the epoch as an aware UTC datetime."""
    return datetime.fromtimestamp(ts_us / 1_000_000, UTC)


@dataclass(frozen=True, slots=True)
class PointState:
    """The latest value of a point (in ``unit``), its time (UTC) and level."""

    value: float | bool
    unit: str
    ts: datetime
    level: Level = "normal"


@dataclass(frozen=True, slots=True)
class DeviceState:
    """A snapshot of one device; ``reason_code``/``reason_params``: the reason's
    stable code and parameters (:mod:`twin.devices.reasons`), ``None``/empty for free
    text and for no reason."""

    device_id: str
    building_id: str
    global_id: str | None
    status: Status
    reason: str
    points: Mapping[str, PointState]
    last_heard: datetime | None = None
    reason_code: str | None = None
    reason_params: Mapping[str, Any] = field(default_factory=dict)


class PointCheck(NamedTuple):
    """What the ingestion path asks of a point for every reading, worked out once."""

    spec: PointSpec
    is_boolean: bool
    min: float | None
    max: float | None
    has_rules: bool
    is_occupancy: bool


def point_check(spec: PointSpec) -> PointCheck:
    return PointCheck(
        spec,
        spec.is_boolean,
        spec.min,
        spec.max,
        spec.has_rules,
        spec.brick_class in OCCUPANCY_COUNT_CLASSES | OCCUPANCY_BOOL_CLASSES,
    )


@dataclass(slots=True)
class DeviceRuntime:
    """The mutable live state of one device (owned by the device service).

    ``values`` maps a point to ``(value, ts_us)``; ``last_heard_s`` is the
    service-clock time (epoch seconds) of the last accepted reading, which the
    heartbeat check compares with the device's ``heartbeat_s``.
    """

    device: Device
    last_heard_s: float
    values: dict[str, tuple[float | bool, int]] = field(default_factory=dict)
    levels: dict[str, Level] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    patrol: dict[str, tuple[str, str]] = field(default_factory=dict)
    offline: bool = False
    status: Status = "normal"
    reason: str = ""
    #: The alarm kind and point ``reason`` came from (what reads its code back).
    reason_source: tuple[str, str] = ("", "")
    #: Per point, the checks of :func:`point_check` (derived from ``device``).
    checks: dict[str, PointCheck] = field(init=False)

    def __post_init__(self) -> None:
        self.checks = {name: point_check(spec) for name, spec in self.device.points.items()}

    def recompute(self) -> bool:
        """Update ``status``/``reason`` from the conditions; whether they changed."""
        if self.offline:
            status: Status = "offline"
            reason = reason_text("offline", seconds=self.device.heartbeat_s)
            self.reason_source = ("offline", "offline")
        else:
            worst: Level = "normal"
            reason = ""
            for point, level in self.levels.items():
                if _RANK[level] > _RANK[worst]:
                    worst, reason = level, self.reasons.get(point, "")
                    check = self.checks.get(point)
                    kind = "boolean" if check is not None and check.is_boolean else "threshold"
                    self.reason_source = (kind, point)
            for rule_id, (severity, why) in self.patrol.items():
                level = PATROL_LEVEL[severity]
                if _RANK[level] > _RANK[worst]:
                    worst, reason = level, why
                    self.reason_source = ("patrol", f"patrol:{rule_id}")
            status = worst
        changed = (status, reason) != (self.status, self.reason)
        self.status, self.reason = status, reason
        return changed

    def snapshot(self) -> DeviceState:
        found = reason_of(*self.reason_source, self.reason) if self.reason else None
        points = {
            name: PointState(
                value=value,
                unit=self.device.points[name].unit,
                ts=from_us(ts_us),
                level=self.levels.get(name, "normal"),
            )
            for name, (value, ts_us) in self.values.items()
            if name in self.device.points
        }
        return DeviceState(
            device_id=self.device.device_id,
            building_id=self.device.building_id,
            global_id=self.device.global_id,
            status=self.status,
            reason=self.reason,
            points=points,
            last_heard=datetime.fromtimestamp(self.last_heard_s, UTC) if self.values else None,
            reason_code=None if found is None else found[0],
            reason_params={} if found is None else found[1],
        )
