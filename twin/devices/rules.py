"""Alarm rules of one point: thresholds with hysteresis and boolean alarms.

A point is at one of three levels: ``normal``, ``warning`` or ``alarm``. A
numeric point rises to a level as soon as its value crosses the threshold,
and falls back only once the value is back by a dead band (the hysteresis),
so a value that hovers at a threshold does not flap between levels.
"""

from __future__ import annotations

from typing import Literal

from twin.devices.reasons import reason_text
from twin.devices.registry import PointSpec

Level = Literal["normal", "warning", "alarm"]

#: Dead band as a fraction of the point's valid span (``max - min``).
HYSTERESIS_FRACTION = 0.02
#: Dead band as a fraction of the threshold when the point has no valid span.
HYSTERESIS_FRACTION_OF_THRESHOLD = 0.02
#: Smallest dead band, in the point's unit (guards thresholds at zero).
MIN_DEADBAND = 1e-6

_RANK = {"normal": 0, "warning": 1, "alarm": 2}


def deadband(spec: PointSpec, threshold: float) -> float:
    """The hysteresis of ``spec`` around ``threshold``, in the point's unit."""
    if spec.min is not None and spec.max is not None and spec.max > spec.min:
        return max((spec.max - spec.min) * HYSTERESIS_FRACTION, MIN_DEADBAND)
    return max(abs(threshold) * HYSTERESIS_FRACTION_OF_THRESHOLD, MIN_DEADBAND)


def evaluate(spec: PointSpec, value: float | bool, previous: Level = "normal") -> tuple[Level, str]:
    """The level of ``value`` and a human reason (empty when normal).

    Parameters
    ----------
    spec
        The point and its rules.
    value
        The reading, in the point's unit (a bool for boolean points).
    previous
        The point's level before this reading; decides the hysteresis.

    Examples
    --------
    >>> spec = PointSpec("temp", "Zone_Air_Temperature_Sensor", "degC", alarm_above=30.0)
    >>> evaluate(spec, 31.0)
    ('alarm', 'temp 31 degC above 30')
    >>> evaluate(spec, 29.9, previous="alarm")[0]  # inside the dead band: stays
    'alarm'
    """
    if spec.alarm_when is not None:
        if bool(value) == spec.alarm_when:
            return "alarm", reason_text("state", point=spec.name, state=bool(value))
        return "normal", ""
    if isinstance(value, bool):
        return "normal", ""
    x = float(value)
    candidates: list[tuple[Level, str]] = []
    for level, threshold, above in (
        ("alarm", spec.alarm_above, True),
        ("warning", spec.warn_above, True),
        ("alarm", spec.alarm_below, False),
        ("warning", spec.warn_below, False),
    ):
        if threshold is None:
            continue
        # Already at (or above) this level: stay until back past the dead band.
        holding = _RANK[previous] >= _RANK[level]
        band = deadband(spec, threshold) if holding else 0.0
        crossed = x > threshold - band if above else x < threshold + band
        if crossed:
            side = "above" if above else "below"
            text = reason_text(side, point=spec.name, value=x, unit=spec.unit, limit=threshold)
            candidates.append((level, text))
    if not candidates:
        return "normal", ""
    return max(candidates, key=lambda c: _RANK[c[0]])
