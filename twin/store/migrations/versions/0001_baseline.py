"""The schema before migrations: keys, allocations, audit, devices, work orders.

Revision ID: 0001
Revises:

Frozen copies of the tables as the code created them (``metadata.create_all``)
before Alembic. ``checkfirst``: a database made by that code keeps its tables
and data, and gets only the ones it lacks (tables were created lazily, as
commands imported their modules).
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

frozen = MetaData()

Table(
    "allocations",
    frozen,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("building_id", String(64), nullable=False, server_default="", index=True),
    Column("organisation", String(200), nullable=False, index=True),
    Column("organ_level", String(50), nullable=False),
    Column("department", String(200), nullable=False),
    Column("person_id", String(100), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("rank_code", String(100), nullable=False),
    Column("rank", String(100), nullable=False),
    Column("room_global_id", String(64), nullable=False, index=True),
    Column("room", String(200), nullable=False),
    Column("posts", JSON, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=True),
    Column("approved_extra_office", Boolean, nullable=False),
    UniqueConstraint(
        "building_id", "person_id", "room_global_id", "valid_from", name="uq_allocation_key"
    ),
)
Table(
    "api_keys",
    frozen,
    Column("name", String(100), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("permissions", JSON, nullable=False),
    Column("buildings", JSON, nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)
Table(
    "audit_log",
    frozen,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(50), nullable=False),
    Column("entity", String(200), nullable=False, index=True),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
)
Table(
    "device_alarms",
    frozen,
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
Table(
    "device_points",
    frozen,
    Column("device_id", String(128), primary_key=True),
    Column("point", String(128), primary_key=True),
    Column("building_id", String(128), nullable=False, index=True),
    Column("row", Text, nullable=False),
)
Table(
    "device_readings",
    frozen,
    Column("device_id", String(128), primary_key=True),
    Column("point", String(128), primary_key=True),
    Column("ts_us", BigInteger, primary_key=True),
    Column("value", Float, nullable=False),
)
Table(
    "work_orders",
    frozen,
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
    Column("notes", Text, nullable=False),
)


def upgrade() -> None:
    frozen.create_all(op.get_bind(), checkfirst=True)
