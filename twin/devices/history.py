"""Stored history of devices: readings over a time window.

Energy is the energy domain's (:mod:`twin.energy`), rolled up in SQL.

History is read from the store after a flush of the writer, so a reading
that was answered "accepted" is always in it. Times are UTC; stored
timestamps are integer microseconds since the epoch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from twin.devices import store
from twin.devices.live import LiveState
from twin.devices.pipeline import US_PER_S

#: Seconds a history query waits for the writer to commit what is queued.
FLUSH_TIMEOUT_S = 30.0


def _us(moment: datetime | None) -> int | None:
    return None if moment is None else round(moment.timestamp() * US_PER_S)


class History:
    """Readings from the store."""

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
