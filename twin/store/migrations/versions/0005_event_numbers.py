"""The numbering of live events that every worker shares.

Revision ID: 0005
Revises: 0004

``event_log``: one row, the database's epoch (random, part of every event id,
so ids of another database are never replayed) and the last event number
handed out (``twin.devices.store.take_event_numbers``).
"""

from __future__ import annotations

import secrets

from alembic import op
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

frozen = MetaData()
event_log = Table(
    "event_log",
    frozen,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("epoch", String(16), nullable=False),
    Column("last_seq", BigInteger, nullable=False),
)


def upgrade() -> None:
    event_log.create(op.get_bind())
    op.bulk_insert(event_log, [{"id": 1, "epoch": secrets.token_hex(4), "last_seq": 0}])
