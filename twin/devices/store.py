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

The database is the truth every worker shares (:mod:`twin.devices.live`):
``device_latest`` holds the latest value of each point and only moves
forward in time (:func:`advance_latest`, a conditional upsert), and a partial
unique index keeps at most one open alarm per device and point
(:func:`put_alarms` adopts the open alarm another worker raised first). On
PostgreSQL the ingestion path advances ``device_latest`` in the transaction
that decides a reading, before the reading is accepted; on SQLite (one
process) it follows the history with the same forward-only upsert
(:func:`catch_up_latest`), off the hot path.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    select,
    text,
    tuple_,
    update,
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
    # At most one open alarm per condition, whichever worker raises it.
    Index(
        "uq_device_alarms_open",
        "device_id",
        "point",
        unique=True,
        sqlite_where=text("state IN ('raised', 'acknowledged')"),
        postgresql_where=text("state IN ('raised', 'acknowledged')"),
    ),
)

#: The latest value of every point; :func:`advance_latest` only moves it forward.
latest = Table(
    "device_latest",
    metadata,
    Column("device_id", String(128), primary_key=True),
    Column("point", String(128), primary_key=True),
    Column("ts_us", BigInteger, nullable=False),
    Column("value", Float, nullable=False),
)

#: How far data derived from the history is built: ``name`` → a mark (SQLite: the
#: last ``device_readings`` rowid folded into ``device_latest``).
history_marks = Table(
    "history_marks",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("done_us", BigInteger, nullable=False),
)

#: The numbering of live events shared by every worker (one row): the database's
#: epoch (part of every event id) and the last number handed out.
event_log = Table(
    "event_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("epoch", String(16), nullable=False),
    Column("last_seq", BigInteger, nullable=False),
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


#: The forward-only upsert of ``device_latest`` on SQLite.
_SQLITE_LATEST_SQL = (
    "INSERT INTO device_latest (device_id, point, ts_us, value) VALUES (?,?,?,?) "
    "ON CONFLICT (device_id, point) DO UPDATE SET ts_us = excluded.ts_us, "
    "value = excluded.value WHERE excluded.ts_us > device_latest.ts_us"
)
#: The decision of PostgreSQL's ingestion path: a point moves to a reading only if the
#: reading is later than what it holds, whichever worker holds the newer one.
_PG_ADVANCE_SQL = (
    "INSERT INTO device_latest AS l (device_id, point, ts_us, value) "
    "SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::bigint[], %s::float8[]) "
    "ON CONFLICT (device_id, point) DO UPDATE SET ts_us = excluded.ts_us, "
    "value = excluded.value WHERE l.ts_us < excluded.ts_us RETURNING device_id, point"
)


def advance_latest(
    connection: Connection, rows: Sequence[tuple[str, str, int, float]]
) -> set[tuple[str, str]]:
    """Move each ``(device_id, point)`` of ``rows`` to its reading if that is later than
    the stored one; the keys that moved (the others lost to a later reading).

    At most one row per key. Runs in the caller's transaction: the rows it moved
    stay locked until it ends, so no other worker decides against them meanwhile.
    """
    if not rows:
        return set()
    if connection.dialect.name != "postgresql":
        moved = set()
        for row in rows:
            result = connection.exec_driver_sql(_SQLITE_LATEST_SQL + " RETURNING device_id", row)
            if result.first() is not None:
                moved.add((row[0], row[1]))
        return moved
    columns = list(zip(*rows, strict=True))
    result = connection.exec_driver_sql(_PG_ADVANCE_SQL, tuple(list(c) for c in columns))
    return {(r[0], r[1]) for r in result}


#: Brings ``device_latest`` up to the history rows added since the last catch-up (their
#: rowids), with the forward-only upsert; SQLite picks ``value`` from the MAX(ts_us) row.
_SQLITE_CATCH_UP_SQL = (
    "INSERT INTO device_latest (device_id, point, ts_us, value) "
    "SELECT device_id, point, MAX(ts_us), value FROM device_readings WHERE rowid > ? "
    "GROUP BY device_id, point "
    "ON CONFLICT (device_id, point) DO UPDATE SET ts_us = excluded.ts_us, "
    "value = excluded.value WHERE excluded.ts_us > device_latest.ts_us"
)


def event_numbering(engine: Engine) -> tuple[str, int]:
    """The database's event epoch and the last event number handed out."""
    with engine.connect() as connection:
        row = connection.execute(select(event_log.c.epoch, event_log.c.last_seq)).one()
    return str(row.epoch), int(row.last_seq)


def take_event_numbers(connection: Connection, count: int) -> int:
    """The first of ``count`` consecutive event numbers, for events this transaction
    sends; call last, just before the commit.

    The counter row stays locked until the transaction ends, so transactions of
    every worker take their numbers in the order they commit (a sequence would
    hand out numbers in the order they are asked for, and a later commit could
    then carry a smaller number). A rollback gives the numbers back: there are
    no holes.
    """
    last = connection.execute(
        update(event_log)
        .where(event_log.c.id == 1)
        .values(last_seq=event_log.c.last_seq + count)
        .returning(event_log.c.last_seq)
    ).scalar_one()
    return int(last) - count + 1


def catch_up_latest(engine: Engine) -> None:
    """SQLite: bring ``device_latest`` up to the stored history.

    One process decides the order in memory, so its writer stores history rows
    only; the latest values follow from them here, at open, close and every
    upkeep round (a crash loses nothing: the history is durable). PostgreSQL's
    ingestion path advances ``device_latest`` itself (:func:`advance_latest`).
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as connection:
        done = connection.exec_driver_sql(
            "SELECT done_us FROM history_marks WHERE name = 'latest_rowid'"
        ).scalar()
        top = connection.exec_driver_sql("SELECT MAX(rowid) FROM device_readings").scalar()
        if top is None or (done is not None and top <= done):
            return
        connection.exec_driver_sql(_SQLITE_CATCH_UP_SQL, (done or 0,))
        connection.exec_driver_sql(
            "INSERT INTO history_marks (name, done_us) VALUES ('latest_rowid', ?) "
            "ON CONFLICT (name) DO UPDATE SET done_us = excluded.done_us",
            (top,),
        )


def latest_ts_for_update(
    connection: Connection, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """The stored time of each existing ``(device_id, point)``, locking those rows."""
    keys = list(keys)
    if not keys:
        return {}
    devices = sorted({k[0] for k in keys})
    query = select(latest.c.device_id, latest.c.point, latest.c.ts_us).where(
        latest.c.device_id.in_(devices)
    )
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    wanted = set(keys)
    return {
        (r.device_id, r.point): r.ts_us
        for r in connection.execute(query)
        if (r.device_id, r.point) in wanted
    }


_OPEN = ("raised", "acknowledged")


def put_alarms(connection: Connection, items: Sequence[Alarm]) -> dict[str, Alarm]:
    """Store alarm versions in the caller's transaction; the alarms adopted instead.

    A version of an alarm the database knows replaces it. A new open alarm for a
    condition that already has one (another worker raised it first) is not
    stored: the existing alarm is returned under the new one's id, for the
    caller to adopt.
    """
    adopted: dict[str, Alarm] = {}
    for alarm in items:
        if alarm.id in adopted:
            continue
        row = alarm_row(alarm)
        values = {k: v for k, v in row.items() if k != "id"}
        moved = connection.execute(update(alarms).where(alarms.c.id == alarm.id).values(values))
        if moved.rowcount:
            continue
        module = postgresql if connection.dialect.name == "postgresql" else sqlite
        statement = module.insert(alarms).values(row)
        if alarm.state in _OPEN:
            statement = statement.on_conflict_do_nothing(
                index_elements=["device_id", "point"],
                index_where=alarms.c.state.in_(_OPEN),
            )
        if connection.execute(statement.returning(alarms.c.id)).first() is None:
            existing = open_alarm_for_update(connection, alarm.device_id, alarm.point)
            if existing is not None:
                adopted[alarm.id] = existing
    return adopted


def open_alarm_for_update(connection: Connection, device_id: str, point: str) -> Alarm | None:
    query = select(alarms).where(
        alarms.c.device_id == device_id, alarms.c.point == point, alarms.c.state.in_(_OPEN)
    )
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    row = connection.execute(query).first()
    return None if row is None else alarm_from_row(row)


def alarm_for_update(connection: Connection, alarm_id: str, *, lock: bool = True) -> Alarm | None:
    """The stored alarm, locked until the caller's transaction ends (``None``: unknown)."""
    query = select(alarms).where(alarms.c.id == alarm_id)
    if lock and connection.dialect.name == "postgresql":
        query = query.with_for_update()
    row = connection.execute(query).first()
    return None if row is None else alarm_from_row(row)


def put_work_orders(connection: Connection, orders: Sequence[WorkOrder]) -> None:
    """Store work-order versions in the caller's transaction."""
    if orders:
        connection.execute(
            *_upsert(work_orders, connection.dialect.name, [work_order_row(o) for o in orders])
        )


def work_order_for_update(
    connection: Connection, order_id: str, *, lock: bool = True
) -> WorkOrder | None:
    query = select(work_orders).where(work_orders.c.id == order_id)
    if lock and connection.dialect.name == "postgresql":
        query = query.with_for_update()
    row = connection.execute(query).first()
    return None if row is None else work_order_from_row(row)


def query_alarms(
    engine: Engine,
    *,
    building_id: str | None = None,
    states: Collection[str] | None = None,
    device_id: str | None = None,
) -> list[Alarm]:
    """Stored alarms, newest first."""
    query = select(alarms).order_by(alarms.c.raised_at.desc())
    if building_id is not None:
        query = query.where(alarms.c.building_id == building_id)
    if states is not None:
        query = query.where(alarms.c.state.in_(list(states)))
    if device_id is not None:
        query = query.where(alarms.c.device_id == device_id)
    with engine.connect() as connection:
        return [alarm_from_row(r) for r in connection.execute(query)]


def query_work_orders(
    engine: Engine, *, building_id: str | None = None, status: str | None = None
) -> list[WorkOrder]:
    """Stored work orders, oldest first; ``status="active"``: any but done."""
    query = select(work_orders).order_by(work_orders.c.created_at)
    if building_id is not None:
        query = query.where(work_orders.c.building_id == building_id)
    if status == "active":
        query = query.where(work_orders.c.status != "done")
    elif status is not None:
        query = query.where(work_orders.c.status == status)
    with engine.connect() as connection:
        return [work_order_from_row(r) for r in connection.execute(query)]


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
    query = select(latest.c.device_id, latest.c.point, latest.c.ts_us, latest.c.value)
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
