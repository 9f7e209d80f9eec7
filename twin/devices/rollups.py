"""History upkeep in SQL: monthly partitions, retention, hourly and daily rollups.

Raw readings stay in ``device_readings`` (``device_id, point, ts_us, value``).
On PostgreSQL that table is partitioned by UTC month on ``ts_us`` (revision
0003): :func:`ensure_partitions` creates the partitions ahead of time (rows
that landed in the default partition move into theirs), and retention drops
whole months. ``device_readings_hourly`` and ``_daily`` hold per-point
statistics per UTC hour and day (samples, sum, min, max, first and last value
with their times), rebuilt in SQL for the buckets that may have changed, so
long windows of history and energy are answered without reading raw rows
into Python. The elected worker runs :func:`upkeep` (``twin.service``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    String,
    Table,
    text,
)

from twin.devices.store import catch_up_latest
from twin.store.db import metadata

log = logging.getLogger(__name__)

US_PER_HOUR = 3_600_000_000
US_PER_DAY = 24 * US_PER_HOUR
#: Readings are assumed to arrive at most this late (µs): their buckets are rebuilt.
LATE_US = 2 * US_PER_HOUR
#: Months of partitions created ahead of the current one.
MONTHS_AHEAD = 2
PARTITION_NAME = re.compile(r"^device_readings_p(\d{4})(\d{2})$")


def _rollup_table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("device_id", String(128), primary_key=True),
        Column("point", String(128), primary_key=True),
        Column("bucket_us", BigInteger, primary_key=True),
        Column("samples", Integer, nullable=False),
        Column("value_sum", Float, nullable=False),
        Column("value_min", Float, nullable=False),
        Column("value_max", Float, nullable=False),
        Column("first_ts_us", BigInteger, nullable=False),
        Column("first_value", Float, nullable=False),
        Column("last_ts_us", BigInteger, nullable=False),
        Column("last_value", Float, nullable=False),
    )


hourly = _rollup_table("device_readings_hourly")
daily = _rollup_table("device_readings_daily")
#: How far the rollups are built: ``name`` → end of the last rebuilt range (µs).
rollup_state = Table(
    "history_rollups",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("done_us", BigInteger, nullable=False),
)


def month_start_us(year: int, month: int) -> int:
    """The start of a UTC month in µs since the epoch."""
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp()) * 1_000_000


def _next_month(year: int, month: int) -> tuple[int, int]:
    return year + month // 12, month % 12 + 1


def _bucket_sql(dialect: str, column: str, period: str) -> str:
    """SQL of the UTC hour or day start (µs) of a µs column."""
    if dialect == "postgresql":
        return (
            f"(EXTRACT(EPOCH FROM date_trunc('{period}', to_timestamp({column} / 1e6), 'UTC'))"
            " * 1000000)::bigint"
        )
    size = US_PER_HOUR if period == "hour" else US_PER_DAY
    return f"(({column} / {size}) * {size})"


# ----------------------------------------------------------------------- partitions
def ensure_partitions(connection: Connection, now_s: float, *, ahead: int = MONTHS_AHEAD) -> int:
    """Create the monthly partitions of this month and ``ahead`` more (PostgreSQL);
    how many were made."""
    if connection.dialect.name != "postgresql":
        return 0
    moment = datetime.fromtimestamp(now_s, UTC)
    year, month = moment.year, moment.month
    made = 0
    for _ in range(ahead + 1):
        made += _ensure_partition(connection, year, month)
        year, month = _next_month(year, month)
    return made


def _ensure_partition(connection: Connection, year: int, month: int) -> int:
    name = f"device_readings_p{year:04d}{month:02d}"
    if connection.exec_driver_sql("SELECT to_regclass(%s)", (name,)).scalar() is not None:
        return 0
    low, high = month_start_us(year, month), month_start_us(*_next_month(year, month))
    bounds = f"FOR VALUES FROM ({low}) TO ({high})"
    stray = connection.exec_driver_sql(
        "SELECT 1 FROM device_readings_default WHERE ts_us >= %s AND ts_us < %s LIMIT 1",
        (low, high),
    ).first()
    if stray is None:
        connection.exec_driver_sql(f"CREATE TABLE {name} PARTITION OF device_readings {bounds}")
        return 1
    # Rows of that month wait in the default partition: move them into the new one.
    connection.exec_driver_sql(
        "CREATE TEMPORARY TABLE moving_readings ON COMMIT DROP AS WITH moved AS ("
        "DELETE FROM device_readings_default WHERE ts_us >= %s AND ts_us < %s RETURNING *) "
        "SELECT * FROM moved",
        (low, high),
    )
    connection.exec_driver_sql(f"CREATE TABLE {name} PARTITION OF device_readings {bounds}")
    connection.exec_driver_sql("INSERT INTO device_readings SELECT * FROM moving_readings")
    connection.exec_driver_sql("DROP TABLE moving_readings")
    return 1


def apply_retention(connection: Connection, cutoff_us: int) -> int:
    """Remove raw readings older than ``cutoff_us``; how many months were dropped whole.

    PostgreSQL drops every partition that ends by then and deletes older rows of
    the default partition; SQLite deletes the rows. Rollups are kept.
    """
    if connection.dialect.name != "postgresql":
        connection.execute(text("DELETE FROM device_readings WHERE ts_us < :c"), {"c": cutoff_us})
        return 0
    dropped = 0
    names = connection.exec_driver_sql(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'device_readings'::regclass"
    ).scalars()
    for name in list(names):
        match = PARTITION_NAME.match(name)
        if match is None:
            continue
        end = month_start_us(*_next_month(int(match[1]), int(match[2])))
        if end <= cutoff_us:
            connection.exec_driver_sql(f"DROP TABLE {name}")
            dropped += 1
    connection.exec_driver_sql("DELETE FROM device_readings_default WHERE ts_us < %s", (cutoff_us,))
    return dropped


# ----------------------------------------------------------------------- rollups
def refresh_rollups(connection: Connection, now_s: float) -> tuple[int, int]:
    """Rebuild the hourly and daily buckets that may have changed since the last
    refresh (and :data:`LATE_US` before it); the rows written ``(hourly, daily)``."""
    now_us = int(now_s * 1_000_000)
    done = connection.execute(
        text("SELECT done_us FROM history_rollups WHERE name = 'hourly'")
    ).scalar()
    if done is None:
        first = connection.execute(text("SELECT MIN(ts_us) FROM device_readings")).scalar()
        done = now_us if first is None else int(first)
    start = (min(int(done), now_us - LATE_US) // US_PER_DAY) * US_PER_DAY
    end = (now_us // US_PER_HOUR + 1) * US_PER_HOUR
    dialect = connection.dialect.name
    written = []
    for table, source, period in (
        ("device_readings_hourly", "raw", "hour"),
        ("device_readings_daily", "device_readings_hourly", "day"),
    ):
        connection.execute(
            text(f"DELETE FROM {table} WHERE bucket_us >= :s AND bucket_us < :e"),
            {"s": start, "e": end},
        )
        sql = _rollup_sql(dialect, table, source, period)
        result = connection.execute(text(sql), {"s": start, "e": end})
        written.append(result.rowcount)
    values = {"n": "hourly", "d": end}
    moved = connection.execute(
        text("UPDATE history_rollups SET done_us = :d WHERE name = :n"), values
    )
    if not moved.rowcount:
        connection.execute(
            text("INSERT INTO history_rollups (name, done_us) VALUES (:n, :d)"), values
        )
    return written[0], written[1]


def _rollup_sql(dialect: str, table: str, source: str, period: str) -> str:
    columns = (
        "device_id, point, bucket_us, samples, value_sum, value_min, value_max, "
        "first_ts_us, first_value, last_ts_us, last_value"
    )
    whole = "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
    if source == "raw":
        bucket = _bucket_sql(dialect, "ts_us", period)
        inner = (
            f"SELECT device_id, point, ts_us, value, {bucket} AS bucket_us, "
            "1 AS samples, value AS value_sum, value AS value_min, value AS value_max, "
            "ts_us AS first_ts, ts_us AS last_ts, "
            f"FIRST_VALUE(value) OVER (PARTITION BY device_id, point, {bucket} "
            f"ORDER BY ts_us {whole}) AS first_v, "
            f"LAST_VALUE(value) OVER (PARTITION BY device_id, point, {bucket} "
            f"ORDER BY ts_us {whole}) AS last_v "
            "FROM device_readings WHERE ts_us >= :s AND ts_us < :e"
        )
    else:
        bucket = _bucket_sql(dialect, "bucket_us", period)
        inner = (
            f"SELECT device_id, point, {bucket} AS bucket_us, samples, value_sum, "
            "value_min, value_max, first_ts_us AS first_ts, last_ts_us AS last_ts, "
            f"FIRST_VALUE(first_value) OVER (PARTITION BY device_id, point, {bucket} "
            f"ORDER BY bucket_us {whole}) AS first_v, "
            f"LAST_VALUE(last_value) OVER (PARTITION BY device_id, point, {bucket} "
            f"ORDER BY bucket_us {whole}) AS last_v "
            f"FROM {source} WHERE bucket_us >= :s AND bucket_us < :e"
        )
    return (
        f"INSERT INTO {table} ({columns}) "
        "SELECT device_id, point, bucket_us, SUM(samples), SUM(value_sum), MIN(value_min), "
        "MAX(value_max), MIN(first_ts), MIN(first_v), MAX(last_ts), MIN(last_v) "
        f"FROM ({inner}) r GROUP BY device_id, point, bucket_us"
    )


def upkeep(engine: Engine, *, now_s: float, retention_days: float | None = None) -> None:
    """One round of history upkeep: partitions, retention, rollups (each its own
    transaction; a failure is logged and retried at the next round)."""
    steps = [("partitions", lambda c: ensure_partitions(c, now_s))]
    if retention_days is not None:
        cutoff = int((now_s - retention_days * 86_400) * 1_000_000)
        steps.append(("retention", lambda c: apply_retention(c, cutoff)))
    steps.append(("rollups", lambda c: refresh_rollups(c, now_s)))
    for name, step in steps:
        try:
            with engine.begin() as connection:
                step(connection)
        except Exception:
            log.exception("history upkeep (%s) failed", name)
    try:
        catch_up_latest(engine)
    except Exception:
        log.exception("history upkeep (latest values) failed")


# ----------------------------------------------------------------------- queries
def consumption_kwh(
    engine: Engine, groups: Mapping[tuple[str, str], str], start_us: int, end_us: int
) -> dict[str, float]:
    """Energy of cumulative meters per group over whole UTC days ``[start_us, end_us)``,
    from the daily rollups: per meter point, its last value minus its first (a meter
    reset within the window is not seen here; ``twin.energy`` handles those).

    ``groups``: ``(device_id, point)`` → the group's key (a storey, a department).
    """
    if not groups:
        return {}
    keys = list(groups)
    per_meter = (
        "SELECT device_id, point, MAX(last_value) - MIN(first_value) AS kwh "
        "FROM device_readings_daily WHERE bucket_us >= :s AND bucket_us < :e "
        "GROUP BY device_id, point"
    )
    values: dict[str, object] = {"s": start_us, "e": end_us}
    if engine.dialect.name == "postgresql":
        # Three arrays, not thousands of parameters: planning stays cheap.
        meters = (
            "SELECT * FROM unnest(CAST(:d AS text[]), CAST(:p AS text[]), "
            "CAST(:g AS text[])) AS m(device_id, point, grp)"
        )
        values.update(d=[k[0] for k in keys], p=[k[1] for k in keys], g=[groups[k] for k in keys])
    else:
        meters = "VALUES " + ", ".join(f"(:d{i}, :p{i}, :g{i})" for i in range(len(keys)))
        for i, (device_id, point) in enumerate(keys):
            values.update({f"d{i}": device_id, f"p{i}": point, f"g{i}": groups[keys[i]]})
    sql = (
        f"WITH meters(device_id, point, grp) AS ({meters}), per_meter AS ({per_meter}) "
        "SELECT m.grp, SUM(r.kwh) FROM per_meter r JOIN meters m "
        "ON m.device_id = r.device_id AND m.point = r.point GROUP BY m.grp"
    )
    with engine.connect() as connection:
        return {g: float(k) for g, k in connection.execute(text(sql), values)}
