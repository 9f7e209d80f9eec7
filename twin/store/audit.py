"""The audit log: who changed what, when, with the state before and after.

Generic over entities (allocations, devices, keys): ``entity`` names the kind
and its id (e.g. ``"allocation:42"``), ``before``/``after`` are JSON-able
dicts (``None`` for a creation or a deletion). Times are UTC.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Connection, DateTime, Integer, String, Table, select

from twin.store.db import metadata

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(50), nullable=False),
    Column("entity", String(200), nullable=False, index=True),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
)


def record_audit(
    conn: Connection,
    actor: str,
    action: str,
    entity: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    at: datetime | None = None,
) -> None:
    """Record one change in the audit log, inside the caller's transaction.

    Parameters
    ----------
    conn : Connection
        The connection whose transaction makes the change, so the entry is kept
        exactly when the change is.
    actor : str
        Who made the change (user, API key name, ``"cli"``).
    action : str
        ``"create"``, ``"update"``, ``"delete"`` or a domain verb.
    entity : str
        Kind and id, e.g. ``"allocation:42"``.
    before, after : mapping or None
        The entity's state before and after (JSON-able; dates as ISO text).
    at : datetime, optional
        UTC time of the change; now by default.
    """
    conn.execute(audit_log.insert().values(audit_row(actor, action, entity, before, after, at=at)))


def audit_row(
    actor: str,
    action: str,
    entity: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The ``audit_log`` row of one change (see :func:`record_audit`), for a writer
    that commits several at once."""
    return {
        "at": at or datetime.now(UTC),
        "actor": actor,
        "action": action,
        "entity": entity,
        "before": _jsonable(before),
        "after": _jsonable(after),
    }


def audit_entries(conn: Connection, entity_prefix: str | None = None) -> list[dict[str, Any]]:
    """Audit entries in order, optionally only entities starting with ``entity_prefix``."""
    query = select(audit_log).order_by(audit_log.c.id)
    if entity_prefix:
        query = query.where(audit_log.c.entity.startswith(entity_prefix))
    return [dict(row._mapping) for row in conn.execute(query)]


def _jsonable(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else json.loads(json.dumps(dict(value), default=str))
