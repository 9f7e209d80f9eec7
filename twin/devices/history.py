"""Stored history of devices: readings over a time window and energy roll-ups.

History is read from the store after a flush of the writer, so a reading
that was answered "accepted" is always in it. Times are UTC; stored
timestamps are integer microseconds since the epoch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from twin.devices import store
from twin.devices.energy import Level, Period, rollup
from twin.devices.live import LiveState
from twin.devices.pipeline import US_PER_S
from twin.devices.registry import Device

#: Seconds a history query waits for the writer to commit what is queued.
FLUSH_TIMEOUT_S = 30.0


def _us(moment: datetime | None) -> int | None:
    return None if moment is None else round(moment.timestamp() * US_PER_S)


class History:
    """Readings and energy from the store."""

    def __init__(self, live: LiveState) -> None:
        self.live = live

    def flush(self, timeout_s: float | None = FLUSH_TIMEOUT_S) -> None:
        """Block until everything queued so far is committed."""
        self.live.writer.flush().result(timeout_s)

    def readings(
        self,
        device_ids: Sequence[str],
        *,
        point: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        after: tuple[str, str, int] | None = None,
        limit: int | None = None,
    ) -> list[tuple[str, str, int, float]]:
        """Stored readings ``(device_id, point, ts_us, value)`` in ``[start, end)``,
        oldest first per device and point; ``after``/``limit`` read one page
        (see :func:`store.history`)."""
        self.flush()
        return store.history(
            self.live.engine,
            device_ids,
            point=point,
            start_us=_us(start),
            end_us=_us(end),
            after=after,
            limit=limit,
        )

    def energy(
        self,
        devices: Sequence[Device],
        *,
        period: Period = "day",
        level: Level = "building",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> dict[tuple[str, datetime], float]:
        """kWh per ``(key, period start)`` of the meters among ``devices`` (see
        :func:`twin.devices.energy.rollup`)."""
        meters = [d for d in devices if any(p.is_energy for p in d.points.values())]
        rows = self.readings([d.device_id for d in meters], start=start, end=end)
        return rollup(meters, rows, period=period, level=level)
