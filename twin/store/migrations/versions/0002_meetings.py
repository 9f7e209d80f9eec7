"""Meeting rooms and bookings, with the database refusing overlapping bookings.

Revision ID: 0002
Revises: 0001

Frozen copies of ``twin.meetings.store``'s tables as they were created before
Alembic (``checkfirst``: a database that has them keeps them): on PostgreSQL
an exclusion constraint (``btree_gist``), on SQLite two triggers.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    inspect,
)

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ACTIVE_SQL = "'pending', 'booked'"
NO_OVERLAP = "meeting_bookings_no_overlap"
OVERLAPS_NEW = (
    "EXISTS (SELECT 1 FROM meeting_bookings b WHERE b.building_id = NEW.building_id "
    "AND b.room_global_id = NEW.room_global_id AND b.id != NEW.id "
    f"AND b.state IN ({ACTIVE_SQL}) AND b.start_at < NEW.end_at AND NEW.start_at < b.end_at)"
)

frozen = MetaData()
Table(
    "meeting_bookings",
    frozen,
    Column("id", String(40), primary_key=True),
    Column("building_id", String(64), nullable=False),
    Column("room_global_id", String(64), nullable=False),
    Column("start_at", DateTime(timezone=True), nullable=False),
    Column("end_at", DateTime(timezone=True), nullable=False),
    Column("state", String(16), nullable=False),
    Column("title", String(300), nullable=False),
    Column("organiser", String(200), nullable=False),
    Column("organisation", String(200), nullable=False, index=True),
    Column("attendees", Integer, nullable=False),
    Column("visitors", JSON, nullable=False),
    Column("step_free", Boolean, nullable=False),
    Column("series_id", String(40), nullable=True, index=True),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("occupied_at", DateTime(timezone=True), nullable=True),
    Column("released_at", DateTime(timezone=True), nullable=True),
)
Table(
    "meeting_rooms",
    frozen,
    Column("building_id", String(64), primary_key=True),
    Column("global_id", String(64), primary_key=True),
    Column("bookable", Boolean, nullable=False),
    Column("capacity", Integer, nullable=True),
    Column("needs_approval", Boolean, nullable=False),
)


def upgrade() -> None:
    bind = op.get_bind()
    had_bookings = inspect(bind).has_table("meeting_bookings")
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    frozen.create_all(bind, checkfirst=True)
    if had_bookings:
        return
    if bind.dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE meeting_bookings ADD CONSTRAINT {NO_OVERLAP} EXCLUDE USING gist "
            "(building_id WITH =, room_global_id WITH =, "
            "tstzrange(start_at, end_at, '[)') WITH &&) "
            f"WHERE (state IN ({ACTIVE_SQL}))"
        )
        return
    for when, name in (("INSERT", "insert"), ("UPDATE", "update")):
        op.execute(
            f"CREATE TRIGGER {NO_OVERLAP}_{name} BEFORE {when} ON meeting_bookings "
            f"WHEN NEW.state IN ({ACTIVE_SQL}) AND {OVERLAPS_NEW} "
            f"BEGIN SELECT RAISE(ABORT, '{NO_OVERLAP}'); END"
        )
