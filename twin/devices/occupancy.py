"""Room utilisation over time from occupancy sensors' history.

A room's occupancy is a step function: each reading holds until the next.
Utilisation over a window is the fraction of the window during which the
room counted at least one person (``count > 0``); readings before the window
set the state at its start, time before the first known reading is not
counted (unknown, not empty).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from twin.devices.registry import OCCUPANCY_BOOL_CLASSES, OCCUPANCY_COUNT_CLASSES, Device


@dataclass(frozen=True)
class Utilisation:
    """A room's use over a window: occupied and observed seconds, peak count."""

    space_id: str
    occupied_s: float
    observed_s: float
    peak: float

    @property
    def ratio(self) -> float | None:
        """Occupied share of the observed time (``None`` when never observed)."""
        return None if self.observed_s <= 0 else self.occupied_s / self.observed_s


def utilisation(
    sensors: Iterable[Device],
    rows: Iterable[tuple[str, str, int, float]],
    *,
    start_us: int,
    end_us: int,
) -> dict[str, Utilisation]:
    """Utilisation of each room that has an occupancy sensor, over ``[start, end)``.

    ``rows`` are history rows ``(device_id, point, ts_us, value)`` up to
    ``end_us`` (earlier ones set the state at ``start_us``).
    """
    classes = OCCUPANCY_COUNT_CLASSES | OCCUPANCY_BOOL_CLASSES
    by_id = {d.device_id: d for d in sensors if d.space_id}
    series: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for device_id, point, ts_us, value in rows:
        device = by_id.get(device_id)
        if device is None or device.points.get(point) is None:
            continue
        if device.points[point].brick_class in classes and ts_us < end_us:
            series[device.space_id or ""].append((ts_us, value))
    result = {}
    for space_id, values in series.items():
        values.sort()
        occupied = observed = peak = 0.0
        for index, (ts_us, value) in enumerate(values):
            following = values[index + 1][0] if index + 1 < len(values) else end_us
            begin, finish = max(ts_us, start_us), min(following, end_us)
            if finish <= begin:
                continue
            span = (finish - begin) / 1_000_000
            observed += span
            if value > 0:
                occupied += span
            peak = max(peak, value)
        result[space_id] = Utilisation(space_id, occupied, observed, peak)
    return result
