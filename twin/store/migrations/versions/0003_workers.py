"""Several workers on one database: latest values, one open alarm per condition,
building versions and (PostgreSQL) monthly history partitions.

Revision ID: 0003
Revises: 0002

- ``device_latest``: the latest value of every point, moved only forward in time
  by a conditional upsert; filled from the history.
- ``uq_device_alarms_open``: at most one open (raised or acknowledged) alarm per
  device and point (the point names the rule: ``offline``, ``patrol:<id>``).
  Duplicates made before it (two workers raising the same condition) are
  cleared by ``migration``, keeping the earliest.
- ``building_versions``: what every worker must see of the buildings.
- ``history_marks``: how far data derived from the history is built.
- PostgreSQL: ``device_readings`` becomes a table partitioned by month on
  ``ts_us`` (same columns and key; one partition per month of the existing
  rows, and a default partition), so retention drops whole months.
"""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import op
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    text,
)

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OPEN_SQL = "'raised', 'acknowledged'"

frozen = MetaData()
Table(
    "device_latest",
    frozen,
    Column("device_id", String(128), primary_key=True),
    Column("point", String(128), primary_key=True),
    Column("ts_us", BigInteger, nullable=False),
    Column("value", Float, nullable=False),
)
Table(
    "building_versions",
    frozen,
    Column("building_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("record", JSON),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Table(
    "history_marks",
    frozen,
    Column("name", String(40), primary_key=True),
    Column("done_us", BigInteger, nullable=False),
)


def upgrade() -> None:
    bind = op.get_bind()
    frozen.create_all(bind)
    op.execute(
        "INSERT INTO device_latest (device_id, point, ts_us, value) "
        "SELECT r.device_id, r.point, r.ts_us, r.value FROM device_readings r "
        "JOIN (SELECT device_id, point, MAX(ts_us) AS ts_us FROM device_readings "
        "GROUP BY device_id, point) m "
        "ON r.device_id = m.device_id AND r.point = m.point AND r.ts_us = m.ts_us"
    )
    # Keep the earliest open alarm of each condition; clear the others.
    op.execute(
        "UPDATE device_alarms SET state = 'cleared', active = false, "
        "cleared_by = 'migration', cleared_at = raised_at "
        f"WHERE state IN ({OPEN_SQL}) AND EXISTS (SELECT 1 FROM device_alarms e "
        f"WHERE e.device_id = device_alarms.device_id AND e.point = device_alarms.point "
        f"AND e.state IN ({OPEN_SQL}) AND (e.raised_at < device_alarms.raised_at "
        "OR (e.raised_at = device_alarms.raised_at AND e.id < device_alarms.id)))"
    )
    op.execute(
        "CREATE UNIQUE INDEX uq_device_alarms_open ON device_alarms (device_id, point) "
        f"WHERE state IN ({OPEN_SQL})"
    )
    if bind.dialect.name == "postgresql":
        _partition_readings(bind)


def _month_us(year: int, month: int) -> int:
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp()) * 1_000_000


def _partition_readings(bind) -> None:  # type: ignore[no-untyped-def]
    op.execute("ALTER TABLE device_readings RENAME TO device_readings_unpartitioned")
    op.execute("ALTER INDEX device_readings_pkey RENAME TO device_readings_unpartitioned_pkey")
    op.execute(
        "CREATE TABLE device_readings (device_id VARCHAR(128) NOT NULL, "
        "point VARCHAR(128) NOT NULL, ts_us BIGINT NOT NULL, value FLOAT NOT NULL, "
        "PRIMARY KEY (device_id, point, ts_us)) PARTITION BY RANGE (ts_us)"
    )
    op.execute("CREATE TABLE device_readings_default PARTITION OF device_readings DEFAULT")
    low, high = bind.execute(
        text("SELECT MIN(ts_us), MAX(ts_us) FROM device_readings_unpartitioned")
    ).one()
    now = datetime.now(UTC)
    first = datetime.fromtimestamp(low / 1e6, UTC) if low is not None else now
    last = max(datetime.fromtimestamp(high / 1e6, UTC) if high is not None else now, now)
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        after = (year + month // 12, month % 12 + 1)
        op.execute(
            f"CREATE TABLE device_readings_p{year:04d}{month:02d} PARTITION OF device_readings "
            f"FOR VALUES FROM ({_month_us(year, month)}) TO ({_month_us(*after)})"
        )
        year, month = after
    op.execute("INSERT INTO device_readings SELECT * FROM device_readings_unpartitioned")
    op.execute("DROP TABLE device_readings_unpartitioned")
