"""Upload jobs, work-order viewpoints and the energy rollups.

Revision ID: 0004
Revises: 0003

Frozen copies of the tables the code created before Alembic
(``checkfirst``: a database that has them keeps them and their rows):

- ``upload_jobs`` (``twin.buildings.uploads``): every upload with its owner
  process and heartbeat, so any worker answers for any job;
- ``work_order_viewpoints`` (``twin.devices.viewpoints``);
- ``energy_hourly``, ``energy_daily`` and ``energy_rollup_state``
  (``twin.energy.rollup``): consumption per meter and hour or local day, and
  each meter's watermark.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

frozen = MetaData()
Table(
    "upload_jobs",
    frozen,
    Column("id", String(32), primary_key=True),
    Column("building_id", String(64), nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    Column("files", JSON, nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("stage", String(32), nullable=False),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("error", Text, nullable=True),
    Column("owner", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("heartbeat_at", DateTime(timezone=True), nullable=False),
)
Table(
    "work_order_viewpoints",
    frozen,
    Column("id", String(32), primary_key=True),
    Column("work_order_id", String(32), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("body", Text, nullable=False),
)
Table(
    "energy_hourly",
    frozen,
    Column("device_id", String(128), primary_key=True),
    Column("point", String(128), primary_key=True),
    Column("hour_us", BigInteger, primary_key=True),
    Column("day_us", BigInteger, nullable=False),
    Column("amount", Float, nullable=False),
    Column("working", Float, nullable=False),
    Column("readings", Integer, nullable=False),
    Index("ix_energy_hourly_hour", "hour_us"),
)
Table(
    "energy_daily",
    frozen,
    Column("device_id", String(128), primary_key=True),
    Column("point", String(128), primary_key=True),
    Column("day_us", BigInteger, primary_key=True),
    Column("month_us", BigInteger, nullable=False),
    Column("amount", Float, nullable=False),
    Column("working", Float, nullable=False),
    Index("ix_energy_daily_day", "day_us"),
)
Table(
    "energy_rollup_state",
    frozen,
    Column("device_id", String(128), primary_key=True),
    Column("point", String(128), primary_key=True),
    Column("last_ts_us", BigInteger, nullable=False),
)


def upgrade() -> None:
    frozen.create_all(op.get_bind())
