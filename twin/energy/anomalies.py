"""Energy anomalies of one local day, from the daily rollups of each meter.

- ``night``: consumption outside working hours (nights, weekends, holidays)
  per hour above :data:`NIGHT_FACTOR` × the meter's own median of the
  previous :data:`BASELINE_DAYS` days (lights or fan coils left on);
- ``jump``: a day's consumption above :data:`JUMP_FACTOR` × the median of
  the same weekday (of the same kind: working day or day off) in the
  previous :data:`JUMP_WEEKS` weeks;
- ``submeters``: sub-meters that together counted more than their parent
  (beyond :data:`SUBMETER_TOLERANCE`): a wrong wiring, factor or a faulty
  parent meter.

``night`` and ``jump`` look at meters without sub-meters (the most specific
rooms); each anomaly names the rooms involved. Small absolute differences
(below :data:`MIN_EXCESS`, in the medium's unit) are never anomalies. Reasons
are coded (:mod:`twin.devices.reasons`) so a client shows them in its user's
language.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from twin.devices.reasons import energy_rooms, reason_text
from twin.energy.calendar import WorkingTime
from twin.energy.meters import Meter, MeterSet
from twin.energy.rollup import Amount

AnomalyKind = Literal["night", "jump", "submeters"]
#: Days of history the night baseline is taken from.
BASELINE_DAYS = 14
#: Fewest days of history before a baseline is trusted.
MIN_BASELINE_DAYS = 5
NIGHT_FACTOR = 2.0
JUMP_FACTOR = 1.5
JUMP_WEEKS = 4
SUBMETER_TOLERANCE = 0.02
#: Smallest excess over the baseline that counts, in the medium's unit (kWh, m³).
MIN_EXCESS = 1.0
#: Days of daily rollups :func:`detect` needs before the day it checks.
HISTORY_DAYS = max(BASELINE_DAYS, 7 * JUMP_WEEKS)


@dataclass(frozen=True)
class Anomaly:
    """One anomaly of one meter on one day; ``value`` and ``baseline`` in the
    medium's unit (``night``: per hour)."""

    kind: AnomalyKind
    device_id: str
    point: str
    medium: str
    day: date
    value: float
    baseline: float
    rooms: tuple[str, ...]
    reason: str

    @property
    def condition(self) -> str:
        """The alarm's point: one open alarm per meter and kind."""
        return f"energy:{self.kind}"

    def to_dict(self, labels: Mapping[str, str]) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "device_id": self.device_id,
            "point": self.point,
            "medium": self.medium,
            "day": self.day.isoformat(),
            "value": round(self.value, 6),
            "baseline": round(self.baseline, 6),
            "rooms": [{"global_id": g, "label": labels.get(g, g)} for g in self.rooms],
            "reason": self.reason,
        }


def detect(
    meters: MeterSet,
    daily: Mapping[tuple[str, str], Mapping[int, Amount]],
    working: WorkingTime,
    day: date,
    labels: Mapping[str, str],
) -> list[Anomaly]:
    """Anomalies of ``day`` given each meter's daily rollups (day start µs → amount)."""
    out: list[Anomaly] = []
    for meter in meters.meters:
        days = daily.get(meter.key, {})
        children = meters.children(meter)
        if children:
            out.extend(_submeters(meter, children, daily, working, day))
            continue
        out.extend(_night(meter, days, working, day, labels))
        out.extend(_jump(meter, days, working, day, labels))
    return out


def _rooms(meter: Meter) -> tuple[str, ...]:
    return tuple(sorted(meter.shares, key=lambda g: -meter.shares[g]))


def _room_params(rooms: Sequence[str], labels: Mapping[str, str]) -> dict[str, Any]:
    return energy_rooms([labels.get(g, g) for g in rooms])


def _night_rate(amount: Amount, working: WorkingTime, day: date) -> float:
    hours = working.day_hours(day) - working.working_hours_of(day)
    return amount.non_working / hours if hours > 0 else 0.0


def _night(
    meter: Meter,
    days: Mapping[int, Amount],
    working: WorkingTime,
    day: date,
    labels: Mapping[str, str],
) -> list[Anomaly]:
    today = days.get(working.day_start_us(day))
    if today is None:
        return []
    history = []
    for back in range(1, BASELINE_DAYS + 1):
        earlier = day - timedelta(days=back)
        amount = days.get(working.day_start_us(earlier))
        if amount is not None:
            history.append(_night_rate(amount, working, earlier))
    if len(history) < MIN_BASELINE_DAYS:
        return []
    baseline = statistics.median(history)
    rate = _night_rate(today, working, day)
    hours = working.day_hours(day) - working.working_hours_of(day)
    if rate <= NIGHT_FACTOR * baseline or (rate - baseline) * hours < MIN_EXCESS:
        return []
    rooms = _rooms(meter)
    return [
        Anomaly(
            "night", meter.device_id, meter.point, meter.medium, day, rate, baseline, rooms,
            reason_text(
                "night", medium=meter.medium, day=day.isoformat(), value=rate, unit=meter.unit,
                baseline=baseline, **_room_params(rooms, labels),
            ),
        )
    ]  # fmt: skip


def _jump(
    meter: Meter,
    days: Mapping[int, Amount],
    working: WorkingTime,
    day: date,
    labels: Mapping[str, str],
) -> list[Anomaly]:
    today = days.get(working.day_start_us(day))
    if today is None:
        return []
    kind = working.day_kind(day) == "working"
    history = []
    for week in range(1, JUMP_WEEKS + 1):
        earlier = day - timedelta(days=7 * week)
        amount = days.get(working.day_start_us(earlier))
        if amount is not None and (working.day_kind(earlier) == "working") == kind:
            history.append(amount.total)
    if len(history) < 2:
        return []
    baseline = statistics.median(history)
    if today.total <= JUMP_FACTOR * baseline or today.total - baseline < MIN_EXCESS:
        return []
    rooms = _rooms(meter)
    return [
        Anomaly(
            "jump", meter.device_id, meter.point, meter.medium, day, today.total, baseline,
            rooms,
            reason_text(
                "jump", medium=meter.medium, day=day.isoformat(), value=today.total,
                unit=meter.unit, baseline=baseline, **_room_params(rooms, labels),
            ),
        )
    ]  # fmt: skip


def _submeters(
    meter: Meter,
    children: Sequence[Meter],
    daily: Mapping[tuple[str, str], Mapping[int, Amount]],
    working: WorkingTime,
    day: date,
) -> list[Anomaly]:
    start = working.day_start_us(day)
    parent = daily.get(meter.key, {}).get(start, Amount()).total
    theirs = sum(daily.get(c.key, {}).get(start, Amount()).total for c in children)
    if theirs <= parent * (1 + SUBMETER_TOLERANCE) or theirs - parent < MIN_EXCESS:
        return []
    rooms = tuple(sorted({g for c in children for g in c.shares}))
    return [
        Anomaly(
            "submeters", meter.device_id, meter.point, meter.medium, day, theirs, parent, rooms,
            reason_text(
                "submeters", meters=[c.device_id for c in children], value=theirs,
                unit=meter.unit, day=day.isoformat(), parent=meter.device_id, baseline=parent,
            ),
        )
    ]  # fmt: skip
