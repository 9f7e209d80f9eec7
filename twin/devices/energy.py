"""Energy roll-ups: meter readings → kWh per hour/day/month per room, storey, building.

Meters report either a running total (``cumulative``: the energy consumed
is the difference of consecutive readings; a drop means the meter was reset
or replaced, and the new reading counts from zero) or the energy of the
interval since the last reading (``interval``). The energy of a step is put
in the period of the reading that closes it; periods are UTC calendar hours,
days and months.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Literal

from twin.devices.registry import Device

Period = Literal["hour", "day", "month"]
Level = Literal["device", "room", "storey", "building", "department"]
#: Key of energy that cannot be placed at the level asked (unbound meter, room without department).
UNPLACED = "unplaced"


def period_start(ts_us: int, period: Period) -> datetime:
    """The start (UTC) of the hour, day or month holding ``ts_us``."""
    moment = datetime.fromtimestamp(ts_us / 1_000_000, UTC)
    if period == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    if period == "day":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def steps(values: Sequence[tuple[int, float]], accumulation: str) -> list[tuple[int, float]]:
    """``(ts_us, kWh)`` consumed in each step of one meter's time-ordered readings.

    Examples
    --------
    >>> steps([(0, 100.0), (10, 101.5), (20, 0.5)], "cumulative")
    [(10, 1.5), (20, 0.5)]
    """
    if accumulation == "interval":
        return [(ts, value) for ts, value in values]
    out = []
    for (_, before), (ts, after) in itertools.pairwise(values):
        delta = after - before
        out.append((ts, delta if delta >= 0 else after))
    return out


def rollup(
    meters: Iterable[Device],
    rows: Iterable[tuple[str, str, int, float]],
    *,
    period: Period = "day",
    level: Level = "building",
    departments: Mapping[str, str] | None = None,
) -> dict[tuple[str, datetime], float]:
    """kWh per ``(key, period start)``.

    Parameters
    ----------
    meters
        The devices whose energy points count (others' rows are ignored).
    rows
        History rows ``(device_id, point, ts_us, value)``, any order.
    level
        ``device``, ``room`` (the room the meter is bound to or sits in),
        ``storey``, ``building`` or ``department`` (needs ``departments``:
        room GlobalId → department).
    """
    by_id = {d.device_id: d for d in meters}
    series: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for device_id, point, ts_us, value in rows:
        device = by_id.get(device_id)
        if device is None or point not in device.points or not device.points[point].is_energy:
            continue
        series[(device_id, point)].append((ts_us, value))
    totals: dict[tuple[str, datetime], float] = defaultdict(float)
    for (device_id, point), values in series.items():
        device = by_id[device_id]
        values.sort()
        key = _key(device, level, departments or {})
        accumulation = device.points[point].accumulation or "cumulative"
        for ts_us, kwh in steps(values, accumulation):
            totals[(key, period_start(ts_us, period))] += kwh
    return dict(totals)


def _key(device: Device, level: Level, departments: Mapping[str, str]) -> str:
    if level == "device":
        return device.device_id
    if level == "room":
        return device.space_id or UNPLACED
    if level == "storey":
        return device.storey_id or UNPLACED
    if level == "department":
        return departments.get(device.space_id or "", UNPLACED)
    return device.building_id
