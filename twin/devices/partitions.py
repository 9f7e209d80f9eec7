"""History upkeep in SQL: monthly partitions and retention of raw readings.

Raw readings stay in ``device_readings`` (``device_id, point, ts_us, value``).
On PostgreSQL that table is partitioned by UTC month on ``ts_us`` (revision
0003): :func:`ensure_partitions` creates the partitions ahead of time (rows
that landed in the default partition move into theirs), and retention drops
whole months. Consumption is rolled up hourly and daily in SQL by the energy
domain (:mod:`twin.energy.rollup`), whose tables retention leaves alone. The
elected worker runs :func:`upkeep` (``twin.service``).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, text

from twin.devices.store import catch_up_latest

log = logging.getLogger(__name__)

#: Months of partitions created ahead of the current one.
MONTHS_AHEAD = 2
PARTITION_NAME = re.compile(r"^device_readings_p(\d{4})(\d{2})$")


def month_start_us(year: int, month: int) -> int:
    """The start of a UTC month in µs since the epoch."""
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp()) * 1_000_000


def _next_month(year: int, month: int) -> tuple[int, int]:
    return year + month // 12, month % 12 + 1


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
    the default partition; SQLite deletes the rows. The energy rollups are kept.
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


def upkeep(engine: Engine, *, now_s: float, retention_days: float | None = None) -> None:
    """One round of history upkeep: partitions, retention, the latest values (each
    its own transaction; a failure is logged and retried at the next round)."""
    steps = [("partitions", lambda c: ensure_partitions(c, now_s))]
    if retention_days is not None:
        cutoff = int((now_s - retention_days * 86_400) * 1_000_000)
        steps.append(("retention", lambda c: apply_retention(c, cutoff)))
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
