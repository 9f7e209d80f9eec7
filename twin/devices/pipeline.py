"""Checking one incoming reading: shape, device, points, range and time order.

A reading (an HTTP batch item or an MQTT message) is
``{"device_id": str, "ts": ISO-8601 with offset, "values": {point: number|bool}}``.
It is accepted whole or rejected whole, for the first reason found, so a
good reading is never stored in part. Rejections are counted per reason.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from twin.devices.registry import PointSpec

#: Why a reading was rejected (the keys of the rejection counters).
NOT_JSON = "not_json"
MALFORMED = "malformed"
UNKNOWN_DEVICE = "unknown_device"
UNKNOWN_POINT = "unknown_point"
OUT_OF_RANGE = "out_of_range"
FUTURE_TIMESTAMP = "future_timestamp"
OUT_OF_ORDER = "out_of_order"
DUPLICATE = "duplicate"
REJECTION_REASONS = (
    NOT_JSON,
    MALFORMED,
    UNKNOWN_DEVICE,
    UNKNOWN_POINT,
    OUT_OF_RANGE,
    FUTURE_TIMESTAMP,
    OUT_OF_ORDER,
    DUPLICATE,
)
#: How far ahead of the service's clock a reading's time may be (clock skew), seconds.
FUTURE_TOLERANCE_S = 5.0
US_PER_S = 1_000_000


class Rejected(Exception):
    """Internal signal: this reading is rejected for ``reason`` (never escapes the pipeline)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


def parse_ts_us(raw: Any) -> int:
    """An ISO-8601 time with a UTC offset as integer microseconds since the epoch.

    Raises :class:`Rejected` (``malformed``) for anything else, including
    times without an offset: guessing a time zone would misplace readings.
    """
    if not isinstance(raw, str):
        raise Rejected(MALFORMED, "ts must be an ISO-8601 string")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise Rejected(MALFORMED, f"ts {raw!r} is not ISO-8601") from None
    if moment.tzinfo is None:
        raise Rejected(MALFORMED, f"ts {raw!r} has no UTC offset")
    return round(moment.timestamp() * US_PER_S)


def check_value(spec: PointSpec, raw: Any) -> float | bool:
    """The value of ``raw`` for ``spec``, or :class:`Rejected`."""
    if spec.is_boolean:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int) and raw in (0, 1):
            return bool(raw)
        raise Rejected(MALFORMED, f"{spec.name} must be a boolean")
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise Rejected(MALFORMED, f"{spec.name} must be a number")
    value = float(raw)
    if not math.isfinite(value):
        raise Rejected(OUT_OF_RANGE, f"{spec.name} is not finite")
    if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
        raise Rejected(OUT_OF_RANGE, f"{spec.name} {value:g} outside [{spec.min}, {spec.max}]")
    return value


@dataclass
class IngestReport:
    """What happened to a batch: accepted count and rejections by reason."""

    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    #: Completes when the accepted readings are committed (``None``: nothing to store).
    durable: Future[None] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "rejected": dict(self.rejected),
            "rejected_total": sum(self.rejected.values()),
        }


class RejectionCounters:
    """Totals of rejections per reason since start-up; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self.accepted = 0

    def add(self, report: IngestReport) -> None:
        with self._lock:
            self._counts.update(report.rejected)
            self.accepted += report.accepted

    def snapshot(self) -> dict[str, int]:
        """Every reason with its count (zeros included, so the keys are stable)."""
        with self._lock:
            return {reason: self._counts.get(reason, 0) for reason in REJECTION_REASONS}
