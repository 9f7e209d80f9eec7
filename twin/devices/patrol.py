"""Patrol rules across points: a device's state with its room's occupancy and the hours.

Rules are data (``twin/data/patrol_rules.json``, documented in the file
itself), not code: a facility edits the file to add a rule. This module only
parses rules and decides whether one fires; the device service raises and
clears the resulting alarms.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from twin.devices.errors import PatrolRulesError
from twin.devices.registry import Device

#: The rules shipped with the twin.
DEFAULT_RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "patrol_rules.json"
SEVERITIES = ("warning", "alarm", "critical")
ROOM_EMPTY = "room_empty"
AFTER_HOURS = "after_hours"
ROOM_TYPE_PREFIX = "room_type:"


@dataclass(frozen=True)
class WorkingHours:
    """Working days (ISO weekday numbers, Monday = 1) and hours in a time zone."""

    timezone: str = "UTC"
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    start: time = time(8, 30)
    end: time = time(18, 0)

    def is_working(self, moment: datetime) -> bool:
        """Whether ``moment`` (aware, any zone) falls inside working hours."""
        local = moment.astimezone(ZoneInfo(self.timezone))
        return local.isoweekday() in self.weekdays and self.start <= local.time() < self.end


@dataclass(frozen=True)
class PatrolRule:
    """One rule; see the rules file for the meaning of each field."""

    id: str
    severity: str
    description: str
    brick_class: str
    equals: Any
    category: str = ""
    ifc_classes: frozenset[str] = frozenset()
    device_id_prefixes: tuple[str, ...] = ()
    when_all: tuple[str, ...] = ()
    when_any: tuple[str, ...] = ()

    def applies_to(self, device: Device) -> str | None:
        """The name of the device's point this rule watches, or ``None``."""
        if self.ifc_classes or self.device_id_prefixes:
            by_class = device.ifc_class in self.ifc_classes
            by_prefix = device.device_id.upper().startswith(self.device_id_prefixes)
            if not (by_class or by_prefix):
                return None
        for name, spec in device.points.items():
            if spec.brick_class == self.brick_class:
                return name
        return None

    def fires(self, value: Any, conditions: Mapping[str, bool]) -> bool:
        """Whether the rule fires for a point ``value`` given the conditions that hold."""
        if value is None or value != self.equals:
            return False
        if not all(conditions.get(c, False) for c in self.when_all):
            return False
        return not self.when_any or any(conditions.get(c, False) for c in self.when_any)


@dataclass(frozen=True)
class PatrolRules:
    working_hours: WorkingHours
    rules: tuple[PatrolRule, ...]


def load_patrol_rules(path: Path | None = None) -> PatrolRules:
    """Rules from ``path`` (default: the shipped file).

    Raises
    ------
    PatrolRulesError
        The file is missing, not JSON or has a bad rule.
    """
    path = path or DEFAULT_RULES_PATH
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise PatrolRulesError(f"{path}: {exc}") from exc
    return parse_patrol_rules(data)


def _clock(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except (TypeError, ValueError):
        raise PatrolRulesError(f"bad time of day {text!r}") from None


def parse_patrol_rules(data: Mapping[str, Any]) -> PatrolRules:
    """Rules from the file's parsed content."""
    hours_data = data.get("working_hours", {})
    try:
        ZoneInfo(hours_data.get("timezone", "UTC"))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PatrolRulesError(f"unknown time zone: {exc}") from exc
    hours = WorkingHours(
        timezone=hours_data.get("timezone", "UTC"),
        weekdays=frozenset(int(d) for d in hours_data.get("weekdays", (1, 2, 3, 4, 5))),
        start=_clock(hours_data.get("start", "08:30")),
        end=_clock(hours_data.get("end", "18:00")),
    )
    rules: list[PatrolRule] = []
    for item in data.get("rules", ()):
        try:
            rule_id = str(item["id"])
            point = item["point"]
            severity = item.get("severity", "warning")
            if severity not in SEVERITIES:
                raise PatrolRulesError(f"rule {rule_id}: severity {severity!r}")
            device = item.get("device", {})
            conditions = [*item.get("when_all", ()), *item.get("when_any", ())]
            for condition in conditions:
                if condition not in (ROOM_EMPTY, AFTER_HOURS) and not condition.startswith(
                    ROOM_TYPE_PREFIX
                ):
                    raise PatrolRulesError(f"rule {rule_id}: unknown condition {condition!r}")
            rules.append(
                PatrolRule(
                    id=rule_id,
                    severity=severity,
                    description=str(item.get("description", "")),
                    category=str(item.get("category", "")),
                    brick_class=str(point["brick_class"]),
                    equals=point.get("equals", True),
                    ifc_classes=frozenset(device.get("ifc_classes", ())),
                    device_id_prefixes=tuple(
                        str(p).upper() for p in device.get("device_id_prefixes", ())
                    ),
                    when_all=tuple(item.get("when_all", ())),
                    when_any=tuple(item.get("when_any", ())),
                )
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise PatrolRulesError(f"bad patrol rule {item!r}: {exc}") from exc
    return PatrolRules(hours, tuple(rules))


def conditions_for(
    *,
    room_occupied: bool | None,
    room_type: str | None,
    working: bool,
    wanted: Sequence[str] = (),
) -> dict[str, bool]:
    """The conditions that hold for a device now.

    ``room_occupied`` is ``None`` when the room has no occupancy sensor: an
    unknown room never counts as empty, so a missing sensor raises no warning.
    """
    conditions = {ROOM_EMPTY: room_occupied is False, AFTER_HOURS: not working}
    if room_type:
        conditions[ROOM_TYPE_PREFIX + room_type] = True
    return conditions


def utc(moment_s: float) -> datetime:
    return datetime.fromtimestamp(moment_s, UTC)
