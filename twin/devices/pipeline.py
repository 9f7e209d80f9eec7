"""Checking one incoming reading: shape, device, points, range and time order.

A reading (an HTTP batch item or an MQTT message) is
``{"device_id": str, "ts": ISO-8601 with offset, "values": {point: number|bool}}``.
It is accepted whole or rejected whole, for the first reason found, so a
good reading is never stored in part. Rejections are counted per reason and
per building.
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter
from collections.abc import Collection
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
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
#: Longest JSON integer read as a number; a longer one is read as infinite (so a
#: value is out of range and an id malformed) instead of costing a big-number parse.
MAX_INT_DIGITS = 24
#: Item rejections an answer lists one by one (all of them are counted).
MAX_REPORTED_ERRORS = 100


class Rejected(Exception):
    """Internal signal: this reading is rejected for ``reason`` (never escapes the pipeline)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


def _parse_int(text: str) -> float | int:
    return int(text) if len(text) <= MAX_INT_DIGITS else math.inf


def parse_json(data: bytes | str) -> Any:
    """JSON text (a body, a payload) as Python values.

    Raises :class:`Rejected`: ``not_json`` for text that is not JSON,
    ``malformed`` for JSON nested deeper than the interpreter's recursion
    limit (the parser's own bound).
    """
    try:
        return json.loads(data, parse_int=_parse_int)
    except (ValueError, UnicodeDecodeError):
        raise Rejected(NOT_JSON, "not JSON") from None
    except RecursionError:
        raise Rejected(MALFORMED, "JSON nested too deeply") from None


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
        raise Rejected(MALFORMED, f"ts {raw[:40]!r} is not ISO-8601") from None
    if moment.tzinfo is None:
        raise Rejected(MALFORMED, f"ts {raw!r} has no UTC offset")
    try:
        return round(moment.timestamp() * US_PER_S)
    except (OverflowError, ValueError):  # e.g. year 1 with a positive offset
        raise Rejected(MALFORMED, f"ts {raw!r} is out of range") from None


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
    try:
        value = float(raw)
    except OverflowError:  # an integer of hundreds of digits
        raise Rejected(OUT_OF_RANGE, f"{spec.name} is too large a number") from None
    if not math.isfinite(value):
        raise Rejected(OUT_OF_RANGE, f"{spec.name} is not finite")
    if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
        raise Rejected(OUT_OF_RANGE, f"{spec.name} {value:g} outside [{spec.min}, {spec.max}]")
    return value


@dataclass(frozen=True, slots=True)
class ItemError:
    """Why one item of a batch was rejected; ``index`` counts from 0 in the batch."""

    index: int
    reason: str
    detail: str


@dataclass
class IngestReport:
    """What happened to a batch: accepted count, rejections by reason, and the first
    :data:`MAX_REPORTED_ERRORS` rejected items with their index and reason."""

    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    errors: list[ItemError] = field(default_factory=list)
    #: Accepted readings per building, and rejections per (building, reason); the
    #: building is ``None`` when a rejected item names no known one.
    accepted_by: Counter[str] = field(default_factory=Counter)
    rejected_by: Counter[tuple[str | None, str]] = field(default_factory=Counter)
    #: Completes when the accepted readings are committed (``None``: nothing to store).
    durable: Future[None] | None = None

    def reject(self, index: int, reason: str, detail: str, building_id: str | None) -> None:
        self.rejected[reason] += 1
        self.rejected_by[(building_id, reason)] += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(ItemError(index, reason, detail or reason))

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "rejected": dict(self.rejected),
            "rejected_total": sum(self.rejected.values()),
            "errors": [asdict(e) for e in self.errors],
        }


class RejectionCounters:
    """Totals since start-up of accepted readings and of rejections per reason, per
    building; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rejected: Counter[tuple[str | None, str]] = Counter()
        self._accepted: Counter[str] = Counter()

    def add(self, report: IngestReport) -> None:
        with self._lock:
            self._rejected.update(report.rejected_by)
            self._accepted.update(report.accepted_by)

    @property
    def accepted(self) -> int:
        """Accepted readings of every building."""
        with self._lock:
            return sum(self._accepted.values())

    def snapshot(self, buildings: Collection[str] | None = None) -> dict[str, Any]:
        """``accepted``, ``rejected`` (every reason, zeros included, so the keys are
        stable) and ``by_building``, over ``buildings`` (``None``: every building and
        the rejections that name none)."""

        def wanted(building_id: str | None) -> bool:
            return buildings is None or building_id in buildings

        with self._lock:
            rejected = Counter[tuple[str | None, str]](
                {k: n for k, n in self._rejected.items() if wanted(k[0])}
            )
            accepted = Counter({b: n for b, n in self._accepted.items() if wanted(b)})
        by_building: dict[str, dict[str, Any]] = {}
        for building_id in sorted({b for b, _ in rejected if b is not None} | set(accepted)):
            by_building[building_id] = {
                "accepted": accepted.get(building_id, 0),
                "rejected": {r: rejected.get((building_id, r), 0) for r in REJECTION_REASONS},
            }
        totals: Counter[str] = Counter()
        for (_, reason), count in rejected.items():
            totals[reason] += count
        return {
            "accepted": sum(accepted.values()),
            "rejected": {reason: totals.get(reason, 0) for reason in REJECTION_REASONS},
            "by_building": by_building,
        }
