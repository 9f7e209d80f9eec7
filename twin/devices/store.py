"""Device tables and the batched background writer.

The hot path never touches the disk: it hands rows to :class:`BatchWriter`,
which a background thread commits in batches (every
:data:`FLUSH_INTERVAL_S` or :data:`MAX_BATCH_ROWS` rows, whichever comes
first). Callers that must know a row is durable (an HTTP batch before it is
answered, an acknowledgement) wait on the :class:`~concurrent.futures.Future`
that :meth:`BatchWriter.submit` returns; many callers share one commit. A
caller that is waiting submits ``urgent``: the writer then commits what is
queued at once instead of waiting out the interval (group commit: whatever
arrives during one commit goes into the next), so an HTTP answer is not held
back by up to :data:`FLUSH_INTERVAL_S`.

Reading timestamps are stored as integer microseconds since the Unix epoch
(UTC), exact and cheap to compare; the primary key ``(device_id, point,
ts_us)`` makes a duplicate reading a no-op instead of a second row.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    select,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite

from twin.devices.alarms import Alarm
from twin.devices.registry import RegistryRow, parse_rows
from twin.devices.workorders import Note, WorkOrder
from twin.store.audit import audit_log
from twin.store.db import metadata

log = logging.getLogger(__name__)

#: Longest a queued row waits before the writer commits it, seconds.
FLUSH_INTERVAL_S = 0.05
#: Most rows per commit.
MAX_BATCH_ROWS = 20_000

device_points = Table(
    "device_points",
    metadata,
    Column("device_id", String(128), primary_key=True),
    Column("point", String(128), primary_key=True),
    Column("building_id", String(128), nullable=False, index=True),
    Column("row", Text, nullable=False),  # the registry row as JSON (the file's fields)
)

readings = Table(
    "device_readings",
    metadata,
    Column("device_id", String(128), primary_key=True),
    Column("point", String(128), primary_key=True),
    Column("ts_us", BigInteger, primary_key=True),
    Column("value", Float, nullable=False),
)

alarms = Table(
    "device_alarms",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("building_id", String(128), nullable=False, index=True),
    Column("device_id", String(128), nullable=False, index=True),
    Column("global_id", String(64)),
    Column("point", String(160), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("acknowledged_by", String(128)),
    Column("cleared_at", DateTime(timezone=True)),
    Column("cleared_by", String(128)),
)

work_orders = Table(
    "work_orders",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("building_id", String(128), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("alarm_id", String(32)),
    Column("device_id", String(128)),
    Column("global_id", String(64)),
    Column("space_id", String(64)),
    Column("assignee", String(128)),
    Column("started_at", DateTime(timezone=True)),
    Column("done_at", DateTime(timezone=True)),
    Column("notes", Text, nullable=False),  # JSON list of {at, by, text}
)


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything inside is UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def alarm_row(alarm: Alarm) -> dict[str, Any]:
    return asdict(alarm)


def alarm_from_row(row: Any) -> Alarm:
    data = dict(row._mapping)
    for key in ("raised_at", "acknowledged_at", "cleared_at"):
        data[key] = _utc(data[key])
    return Alarm(**data)


def work_order_row(order: WorkOrder) -> dict[str, Any]:
    data = asdict(order)
    data["notes"] = json.dumps(
        [{"at": n.at.isoformat(), "by": n.by, "text": n.text} for n in order.notes],
        ensure_ascii=False,
    )
    return data


def work_order_from_row(row: Any) -> WorkOrder:
    data = dict(row._mapping)
    for key in ("created_at", "updated_at", "started_at", "done_at"):
        data[key] = _utc(data[key])
    data["notes"] = tuple(
        Note(datetime.fromisoformat(n["at"]), n["by"], n["text"]) for n in json.loads(data["notes"])
    )
    return WorkOrder(**data)


def _upsert(table: Table, dialect: str, rows: list[dict[str, Any]]) -> Any:
    """An INSERT that replaces the row with the same primary key."""
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table)
    keys = [c.name for c in table.primary_key.columns]
    return statement.on_conflict_do_update(
        index_elements=keys,
        set_={c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys},
    ), rows


def _readings_sql(dialect: str) -> str:
    # Raw DBAPI executemany: several times faster than Core for wide batches.
    if dialect == "postgresql":
        return (
            "INSERT INTO device_readings (device_id, point, ts_us, value) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING"
        )
    return "INSERT OR IGNORE INTO device_readings (device_id, point, ts_us, value) VALUES (?,?,?,?)"


class BatchWriter:
    """A background thread that commits queued rows in batches.

    Operations keep their order: an alarm raised and then acknowledged is
    written in that order. :meth:`submit` returns a future that completes when
    the operation is committed (or fails with the database error).
    """

    def __init__(self, engine: Engine, *, flush_interval_s: float = FLUSH_INTERVAL_S) -> None:
        self._engine = engine
        self._dialect = engine.dialect.name
        self._interval = flush_interval_s
        self._queue: queue.SimpleQueue[tuple[str, Any, Future[None], bool] | None] = (
            queue.SimpleQueue()
        )
        self._thread = threading.Thread(target=self._run, name="twin-batch-writer", daemon=True)
        self._started = False
        self.rows_written = 0
        self.commits = 0

    @property
    def running(self) -> bool:
        """Whether the thread commits submissions (else they are written at once)."""
        return self._started and self._thread.is_alive()

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def submit_readings(
        self, rows: Sequence[tuple[str, str, int, float]], *, urgent: bool = False
    ) -> Future[None]:
        """Queue history rows ``(device_id, point, ts_us, value)``.

        ``urgent``: someone waits for the future; commit without waiting out the interval.
        """
        return self._submit("readings", rows, urgent)

    def submit_alarms(self, items: Sequence[Alarm], *, urgent: bool = False) -> Future[None]:
        return self._submit("alarms", [alarm_row(a) for a in items], urgent)

    def submit_work_order(self, order: WorkOrder) -> Future[None]:
        return self._submit("work_orders", [work_order_row(order)], True)

    def submit_audit(self, rows: Sequence[dict[str, Any]]) -> Future[None]:
        """Queue ``audit_log`` rows (:func:`twin.store.audit.audit_row`), committed at
        once with whatever else is queued: an API write's audit joins the next commit
        instead of taking one of its own."""
        return self._submit("audit", rows, True)

    def flush(self) -> Future[None]:
        """A future that completes once everything queued so far is committed."""
        return self._submit("barrier", None, True)

    def _submit(self, kind: str, payload: Any, urgent: bool) -> Future[None]:
        future: Future[None] = Future()
        if not self._started:
            # Not running (e.g. a one-shot CLI command): write synchronously.
            self._write([(kind, payload, future, urgent)])
            return future
        self._queue.put((kind, payload, future, urgent))
        return future

    def stop(self, timeout_s: float = 10.0) -> None:
        """Commit what is queued and stop the thread."""
        if self._started and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout_s)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is None:
                break
            batch = [item]
            rows = len(item[1]) if item[1] else 0
            urgent = item[3]
            deadline = time.monotonic() + self._interval
            while rows < MAX_BATCH_ROWS:
                remaining = 0.0 if urgent else deadline - time.monotonic()
                try:
                    item = (
                        self._queue.get(timeout=remaining)
                        if remaining > 0
                        else (self._queue.get_nowait())
                    )
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                batch.append(item)
                rows += len(item[1]) if item[1] else 0
                urgent = urgent or item[3]
            self._write(batch)

    def _write(self, batch: list[tuple[str, Any, Future[None], bool]]) -> None:
        reading_rows: list[tuple[str, str, int, float]] = []
        try:
            with self._engine.begin() as connection:
                for kind, payload, _, _ in batch:
                    if kind == "readings":
                        reading_rows.extend(payload)
                        continue
                    if reading_rows:
                        connection.exec_driver_sql(_readings_sql(self._dialect), reading_rows)
                        self.rows_written += len(reading_rows)
                        reading_rows = []
                    if kind == "alarms" and payload:
                        connection.execute(*_upsert(alarms, self._dialect, payload))
                    elif kind == "work_orders":
                        connection.execute(*_upsert(work_orders, self._dialect, payload))
                    elif kind == "audit" and payload:
                        connection.execute(audit_log.insert(), payload)
                if reading_rows:
                    connection.exec_driver_sql(_readings_sql(self._dialect), reading_rows)
                    self.rows_written += len(reading_rows)
            self.commits += 1
        except Exception as exc:
            log.exception("batch write of %d operations failed", len(batch))
            for _, _, future, _ in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for _, _, future, _ in batch:
            if not future.done():
                future.set_result(None)


def save_registry(engine: Engine, building_id: str, rows: Iterable[RegistryRow]) -> None:
    """Replace the building's device points with ``rows`` (one transaction)."""
    values = [
        {
            "device_id": r.device_id,
            "point": r.point.name,
            "building_id": building_id,
            "row": json.dumps(r.as_dict(), ensure_ascii=False),
        }
        for r in rows
    ]
    with engine.begin() as connection:
        connection.execute(delete(device_points).where(device_points.c.building_id == building_id))
        if values:
            connection.execute(device_points.insert(), values)


def load_registries(engine: Engine) -> dict[str, list[RegistryRow]]:
    """Every building's registry rows, as saved."""
    by_building: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for row in connection.execute(select(device_points.c.building_id, device_points.c.row)):
            by_building.setdefault(row.building_id, []).append(json.loads(row.row))
    return {b: parse_rows(records) for b, records in by_building.items()}


def load_latest(engine: Engine) -> list[tuple[str, str, int, float]]:
    """The latest reading of every (device, point): ``(device_id, point, ts_us, value)``."""
    latest = (
        select(readings.c.device_id, readings.c.point, func.max(readings.c.ts_us).label("ts_us"))
        .group_by(readings.c.device_id, readings.c.point)
        .subquery()
    )
    query = select(readings.c.device_id, readings.c.point, readings.c.ts_us, readings.c.value).join(
        latest,
        and_(
            readings.c.device_id == latest.c.device_id,
            readings.c.point == latest.c.point,
            readings.c.ts_us == latest.c.ts_us,
        ),
    )
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(query)]  # type: ignore[misc]


def load_alarms(engine: Engine) -> list[Alarm]:
    with engine.connect() as connection:
        return [alarm_from_row(r) for r in connection.execute(select(alarms))]


def load_work_orders(engine: Engine) -> list[WorkOrder]:
    with engine.connect() as connection:
        return [work_order_from_row(r) for r in connection.execute(select(work_orders))]


def history(
    engine: Engine,
    device_ids: Sequence[str],
    *,
    point: str | None = None,
    start_us: int | None = None,
    end_us: int | None = None,
    after: tuple[str, str, int] | None = None,
    limit: int | None = None,
) -> list[tuple[str, str, int, float]]:
    """History rows of devices, oldest first: ``(device_id, point, ts_us, value)``.

    ``after`` (a row's ``(device_id, point, ts_us)``) and ``limit`` read one page:
    at most ``limit`` rows that sort after that row (keyset pagination).
    """
    query = select(readings.c.device_id, readings.c.point, readings.c.ts_us, readings.c.value)
    if after is not None:
        query = query.where(
            tuple_(readings.c.device_id, readings.c.point, readings.c.ts_us) > tuple_(*after)
        )
    if device_ids:
        query = query.where(readings.c.device_id.in_(list(device_ids)))
    if point is not None:
        query = query.where(readings.c.point == point)
    if start_us is not None:
        query = query.where(readings.c.ts_us >= start_us)
    if end_us is not None:
        query = query.where(readings.c.ts_us < end_us)
    query = query.order_by(readings.c.device_id, readings.c.point, readings.c.ts_us)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(query)]  # type: ignore[misc]
