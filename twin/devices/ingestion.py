"""Ingestion: readings from HTTP batches and MQTT reads, checked one by one and applied.

Each reading is checked on its own (:mod:`twin.devices.pipeline`): a bad one
is a counted rejection with its index and reason, never the end of its
batch, and nothing changes for it. A good one changes the live state and
queues its history rows in the same step, so memory never holds a value the
writer was not given (``report.durable`` says when the writer has stored
it). Readings are applied :data:`LOCK_CHUNK` at a time under the live
state's lock, so a long batch never keeps readers (``GET /devices/X``) waiting
for all of it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any

from twin.devices import store
from twin.devices.alarming import apply_level
from twin.devices.errors import BatchTooLongError, MalformedPayloadError, PayloadTooDeepError
from twin.devices.events import Event
from twin.devices.live import Changes, LiveState, all_of
from twin.devices.mqtt.topics import parse_topic
from twin.devices.pipeline import (
    DUPLICATE,
    FUTURE_TIMESTAMP,
    FUTURE_TOLERANCE_S,
    MALFORMED,
    NOT_JSON,
    OUT_OF_ORDER,
    UNKNOWN_DEVICE,
    UNKNOWN_POINT,
    US_PER_S,
    IngestReport,
    Rejected,
    RejectionCounters,
    check_value,
    parse_json,
    parse_ts_us,
)
from twin.devices.state import DeviceRuntime, PointCheck, from_us

log = logging.getLogger(__name__)

#: Most readings in one HTTP batch (``POST /readings``); a longer one is refused whole.
MAX_BATCH_READINGS = 10_000
#: Readings applied per hold of the lock; readers waiting for it get it in between.
LOCK_CHUNK = 500

INF = float("inf")
#: Errors a hostile item can provoke while it is being checked (nothing has changed yet).
_CHECK_ERRORS = (TypeError, ValueError, OverflowError, RecursionError)
#: One item to apply: its index in the batch, the reading, the building its sender named.
_Item = tuple[int, Any, str | None]


class Ingestion:
    """Both ingestion paths over the live state, and the rejection counters.

    Parameters
    ----------
    live
        The shared live state.
    future_tolerance_s
        How far ahead of the clock a reading's time may be (clock skew).
    """

    def __init__(self, live: LiveState, *, future_tolerance_s: float = FUTURE_TOLERANCE_S) -> None:
        self.live = live
        self.counters = RejectionCounters()
        self._future_us = round(future_tolerance_s * US_PER_S)

    # ------------------------------------------------------------------ HTTP
    def ingest_body(self, body: bytes, *, building_id: str | None = None) -> IngestReport:
        """A JSON body ``{"readings": [...]}`` (the HTTP path); see :meth:`ingest`.

        Raises
        ------
        MalformedPayloadError
            The body is not JSON or not that shape (counted as one rejection).
        PayloadTooDeepError
            The body is JSON nested deeper than the parser's bound.
        BatchTooLongError
            More than :data:`MAX_BATCH_READINGS` readings (nothing applied).
        """
        try:
            document = parse_json(body)
        except Rejected as rejection:
            self.count_rejection(rejection.reason, building_id=building_id)
            if rejection.reason == NOT_JSON:
                raise MalformedPayloadError("the body is not JSON") from None
            raise PayloadTooDeepError(f"the body is not accepted: {rejection}") from None
        items = document.get("readings") if isinstance(document, dict) else None
        if not isinstance(items, list):
            self.count_rejection(MALFORMED, building_id=building_id)
            raise MalformedPayloadError('the body must be {"readings": [...]}')
        return self.ingest(items, building_id=building_id)

    def ingest(self, readings: Sequence[Any], *, building_id: str | None = None) -> IngestReport:
        """Check and apply a batch of readings.

        Each reading is accepted or rejected whole; a bad one never stops the
        batch. With ``building_id``, readings of other buildings' devices are
        rejected as unknown. ``report.durable`` completes once the accepted
        readings and the alarms they raised are committed.

        Raises
        ------
        BatchTooLongError
            More than :data:`MAX_BATCH_READINGS` readings (nothing applied).
        """
        if len(readings) > MAX_BATCH_READINGS:
            raise BatchTooLongError(
                f"{len(readings)} readings in one batch; at most {MAX_BATCH_READINGS:,}"
            )
        report = IngestReport()
        # The HTTP answer waits for the commit: do not let it wait out the interval.
        self._apply([(i, item, building_id) for i, item in enumerate(readings)], report, True)
        return report

    # ------------------------------------------------------------------ MQTT
    def ingest_mqtt(self, topic: str, payload: bytes) -> str | None:
        """Check and apply one MQTT message; the rejection reason, or ``None`` if accepted."""
        report = self.ingest_mqtt_batch([(topic, payload)])
        return next(iter(report.rejected), None)

    def ingest_mqtt_batch(self, messages: Sequence[tuple[str, bytes]]) -> IngestReport:
        """Check and apply MQTT messages ``(topic, payload)`` (or records whose first two
        fields are those), e.g. every message of one network read.

        Each message is accepted or rejected on its own, like an HTTP batch
        item; ``report.durable`` completes once the accepted readings are
        committed (the MQTT client acknowledges the read's messages only then).
        """
        report = IngestReport()
        known = self.live.building_ids
        items: list[_Item] = []
        # Decoding JSON needs no lock: do it before taking it.
        for index, message in enumerate(messages):
            where = parse_topic(message[0])
            if where is None:
                report.reject(
                    index, MALFORMED, f"topic {message[0][:200]!r} is not a state topic", None
                )
                continue
            building_id, device_id = where
            try:
                body = parse_json(message[1])
            except Rejected as rejection:
                report.reject(
                    index,
                    rejection.reason,
                    str(rejection),
                    building_id if building_id in known else None,
                )
                continue
            if type(body) is not dict:
                report.reject(
                    index,
                    MALFORMED,
                    "payload must be an object",
                    building_id if building_id in known else None,
                )
                continue
            body["device_id"] = device_id
            items.append((index, body, building_id))
        self._apply(items, report, False)
        return report

    # ------------------------------------------------------------------ counters
    def count_rejection(
        self, reason: str, count: int = 1, *, building_id: str | None = None
    ) -> None:
        """Count readings rejected before they reached a batch (e.g. a body not JSON)."""
        report = IngestReport()
        known = building_id if building_id in self.live.building_ids else None
        report.rejected[reason] += count
        report.rejected_by[(known, reason)] += count
        self.counters.add(report)

    # ------------------------------------------------------------------ the locked part
    def _apply(self, items: Sequence[_Item], report: IngestReport, urgent: bool) -> None:
        now = self.live.clock()
        limit_us = round(now * US_PER_S) + self._future_us
        ts_cache: dict[Any, int] = {}
        # The building of each accepted reading, counted once at the end (cheaper per item).
        accepted: list[str] = []
        futures: list[Future[None]] = []
        try:
            for start in range(0, len(items), LOCK_CHUNK):
                if start:
                    time.sleep(0)  # hand the lock (and the interpreter) to waiting readers
                chunk = items[start : start + LOCK_CHUNK]
                durable = self._apply_chunk(
                    chunk, report, accepted, limit_us, now, ts_cache, urgent
                )
                if durable is not None:
                    futures.append(durable)
        finally:
            report.accepted_by.update(accepted)
            report.accepted = len(accepted)
            report.durable = all_of(futures)
            self.counters.add(report)

    def _apply_chunk(
        self,
        chunk: Sequence[_Item],
        report: IngestReport,
        accepted: list[str],
        limit_us: int,
        now: float,
        ts_cache: dict[Any, int],
        urgent: bool,
    ) -> Future[None] | None:
        live = self.live
        if live.shared:
            return self._apply_shared(chunk, report, accepted, limit_us, now, ts_cache, urgent)
        changes = Changes()
        with live.lock:
            publish = live.bus.recording
            try:
                for index, item, building_id in chunk:
                    try:
                        checked = self._check(item, building_id, limit_us, ts_cache)
                        accepted.append(self._change(checked, now, changes, publish))
                    except Rejected as rejection:
                        named = self._building_of(item, building_id)
                        report.reject(index, rejection.reason, str(rejection), named)
            finally:
                # What reached memory reaches the writer, even if a bug stopped the chunk.
                durable = live.commit(changes, urgent=urgent)
        return durable

    def _apply_shared(
        self,
        chunk: Sequence[_Item],
        report: IngestReport,
        accepted: list[str],
        limit_us: int,
        now: float,
        ts_cache: dict[Any, int],
        urgent: bool,
    ) -> Future[None] | None:
        """Several workers: the database decides each reading's order (see
        :func:`twin.devices.store.advance_latest`), in rounds that hold at most one
        reading per device, so a round's decisions never depend on each other."""
        futures = []
        for round_ in _rounds(chunk):
            for attempt in range(SHARED_ATTEMPTS):
                try:
                    durable = self._decide_round(
                        round_, report, accepted, limit_us, now, ts_cache, urgent, attempt > 0
                    )
                except _PartlyLater:
                    continue  # rolled back: decide again, rows locked first
                if durable is not None:
                    futures.append(durable)
                break
            else:
                for index, item, building_id in round_:
                    named = self._building_of(item, building_id)
                    report.reject(index, OUT_OF_ORDER, "later readings elsewhere", named)
        return all_of(futures)

    def _decide_round(
        self,
        round_: Sequence[_Item],
        report: IngestReport,
        accepted: list[str],
        limit_us: int,
        now: float,
        ts_cache: dict[Any, int],
        urgent: bool,
        lock_first: bool,
    ) -> Future[None] | None:
        live = self.live
        rejected: list[tuple[int, str, str, str | None]] = []
        taken: list[str] = []
        with live.lock, live.transaction() as tx:
            candidates = []
            for index, item, building_id in round_:
                try:
                    candidates.append((index, self._check(item, building_id, limit_us, ts_cache)))
                except Rejected as rejection:
                    named = self._building_of(item, building_id)
                    rejected.append((index, rejection.reason, str(rejection), named))
            if lock_first:
                stored = store.latest_ts_for_update(
                    tx.connection, ((c[1], name) for _, c in candidates for name, _, _ in c[5])
                )
                later = {
                    i
                    for i, c in candidates
                    if any(stored.get((c[1], name), c[2] - 1) >= c[2] for name, _, _ in c[5])
                }
                for index, c in candidates:
                    if index in later:
                        rejected.append((index, OUT_OF_ORDER, _LATER, c[0].device.building_id))
                candidates = [(i, c) for i, c in candidates if i not in later]
            rows = [(c[1], name, c[2], float(v)) for _, c in candidates for name, v, _ in c[5]]
            moved = store.advance_latest(tx.connection, rows)
            changes = Changes()
            for index, c in candidates:
                won = [(c[1], name) in moved for name, _, _ in c[5]]
                if all(won):
                    taken.append(self._change(c, now, changes, True))
                elif any(won):
                    raise _PartlyLater  # rolls the round back
                else:
                    rejected.append((index, OUT_OF_ORDER, _LATER, c[0].device.building_id))
            durable = live.commit(changes, urgent=urgent, tx=tx)
        accepted.extend(taken)
        for rejection in rejected:
            report.reject(*rejection)
        return durable

    def _building_of(self, item: Any, named: str | None) -> str | None:
        """Which building a rejection counts for: the one its sender named, else its
        device's, else none (an unknown name is not a building)."""
        if named is not None and named in self.live.building_ids:
            return named
        device_id = item.get("device_id") if type(item) is dict else None
        runtime = self.live.runtimes.get(device_id) if type(device_id) is str else None
        return None if runtime is None else runtime.device.building_id

    def _check(
        self, item: Any, building_id: str | None, limit_us: int, ts_cache: dict[Any, int]
    ) -> _Checked:
        """Check one reading against the rules and the cache, changing nothing; or raise
        :class:`Rejected`.

        ``limit_us``: the latest acceptable time (now plus the clock-skew
        tolerance). ``ts_cache`` remembers parsed times: the readings of a
        batch mostly share a handful of timestamps.
        """
        try:
            if type(item) is not dict:
                raise Rejected(MALFORMED, "a reading must be an object")
            device_id = item.get("device_id")
            if type(device_id) is not str:
                raise Rejected(MALFORMED, "device_id must be a string")
            runtime = self.live.runtimes.get(device_id)
            if runtime is None or (
                building_id is not None and runtime.device.building_id != building_id
            ):
                raise Rejected(UNKNOWN_DEVICE, f"no device {device_id[:128]!r}")
            ts_raw = item.get("ts")
            ts_us = ts_cache.get(ts_raw) if type(ts_raw) is str else None
            if ts_us is None:
                ts_us = parse_ts_us(ts_raw)
                ts_cache[ts_raw] = ts_us
            if ts_us > limit_us:
                raise Rejected(FUTURE_TIMESTAMP, "ts is ahead of the service's clock")
            values = item.get("values")
            if type(values) is not dict or not values:
                raise Rejected(MALFORMED, "values must be a non-empty object")
            checks = runtime.checks
            latest = runtime.values
            checked = []
            duplicate = False
            for name, raw in values.items():
                check = checks.get(name)
                if check is None:
                    raise Rejected(UNKNOWN_POINT, f"no point {name[:128]!r}")
                # The common case (a finite float within a numeric point's range) inline;
                # everything else through check_value, which gives the exact reason.
                if (
                    type(raw) is float
                    and not check.is_boolean
                    and -INF < raw < INF
                    and (check.min is None or raw >= check.min)
                    and (check.max is None or raw <= check.max)
                ):
                    value: float | bool = raw
                else:
                    value = check_value(check.spec, raw)
                previous = latest.get(name)
                if previous is not None:
                    if ts_us < previous[1]:
                        raise Rejected(OUT_OF_ORDER, f"{name} has a later reading")
                    if ts_us == previous[1]:
                        duplicate = True
                checked.append((name, value, check))
            if duplicate:
                raise Rejected(DUPLICATE, "a reading with this ts was already accepted")
        except _CHECK_ERRORS as exc:
            raise Rejected(MALFORMED, f"unreadable reading ({type(exc).__name__})") from None
        return runtime, device_id, ts_us, ts_raw, values, checked

    def _change(self, checked: _Checked, now: float, changes: Changes, publish: bool) -> str:
        """Apply a checked reading to the live state, its rows and events into
        ``changes``; its building id."""
        live = self.live
        runtime, device_id, ts_us, ts_raw, values, points = checked
        device = runtime.device
        latest = runtime.values
        changed = False
        rows = changes.rows
        for name, value, check in points:
            latest[name] = (value, ts_us)
            rows.append((device_id, name, ts_us, float(value)))
            if check.has_rules:
                changed |= apply_level(live, runtime, name, value, ts_us, changes)
            if check.is_occupancy:
                live.track_occupancy(runtime, name, value, ts_us)
        if runtime.last_heard_s < now:
            runtime.last_heard_s = now
        if runtime.offline:
            runtime.offline = False
            changed = True
            changes.alarm(live.alarms.condition_ended(device_id, "offline", from_us(ts_us)))
        if changed:
            changes.status(runtime)
        if publish:
            changes.events.append(
                Event(
                    "reading",
                    device.building_id,
                    {
                        "device_id": device_id,
                        "global_id": device.global_id,
                        "ts": ts_raw,
                        "values": values,
                    },
                )
            )
        return device.building_id


#: A checked reading: runtime, device id, ts_us, ts as sent, values as sent, and
#: ``(point, value, check)`` per point.
_Checked = tuple[DeviceRuntime, str, int, Any, dict[str, Any], list[tuple[str, Any, PointCheck]]]
#: Times a round is decided again after part of a reading lost to another worker.
SHARED_ATTEMPTS = 5
_LATER = "a later reading reached another worker first"


class _PartlyLater(Exception):
    """Some points of a reading lost to a later reading elsewhere: decide the round again."""


def _rounds(chunk: Sequence[_Item]) -> list[list[_Item]]:
    """``chunk`` in order, cut wherever a device comes again."""
    rounds: list[list[_Item]] = [[]]
    seen: set[Any] = set()
    for item in chunk:
        body = item[1]
        key = body.get("device_id") if type(body) is dict else None
        if type(key) is str and key in seen:
            rounds.append([])
            seen.clear()
        if type(key) is str:
            seen.add(key)
        rounds[-1].append(item)
    return rounds
