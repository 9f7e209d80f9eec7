"""The allocation store: records with their history, imports as one transaction.

Records are never overwritten silently: an import adds new records, updates
those whose key (person, room, valid_from) it restates with different values,
and leaves the rest alone; each change goes to the audit log with the state
before and after, in the same transaction. Closing an allocation is an update
that sets ``valid_to``, so past dates stay answerable.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    Engine,
    Integer,
    String,
    Table,
    UniqueConstraint,
    select,
)

from spatial.records import Space
from twin.housing.allocations.parse import RawRow
from twin.housing.allocations.records import Allocation
from twin.housing.allocations.validate import validate_rows
from twin.housing.standards import Standard
from twin.store.audit import audit_entries, audit_log, record_audit
from twin.store.db import engine_for, metadata

log = logging.getLogger(__name__)

allocations_table = Table(
    "allocations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # "" for records imported without a building (the command line's store).
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

_FIELDS = (
    "organisation",
    "organ_level",
    "department",
    "person_id",
    "name",
    "rank_code",
    "rank",
    "room_global_id",
    "room",
    "valid_from",
    "valid_to",
    "approved_extra_office",
)


@dataclass(frozen=True)
class ImportResult:
    """What an import changed (or, in a dry run, would change).

    ``created`` lists new records, ``updated`` ``(before, after)`` pairs,
    ``unchanged`` counts rows equal to a stored record.
    """

    created: tuple[Allocation, ...] = ()
    updated: tuple[tuple[Allocation, Allocation], ...] = ()
    unchanged: int = 0
    dry_run: bool = False
    applied: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> int:
        return len(self.created) + len(self.updated)


class AllocationStore:
    """Allocations in a SQL database (SQLite file by default, any SQLAlchemy URL).

    Parameters
    ----------
    engine : Engine or str or None
        An engine, a URL, or ``None`` for the configured database
        (``TWIN_DATABASE_URL``, else the SQLite file in ``TWIN_DATA_DIR``).
    building_id : str
        The registered building whose allocations this store reads and
        writes; ``""`` (the default) is the store of records imported without
        a building, as the command line does.
    """

    def __init__(self, engine: Engine | str | None = None, *, building_id: str = "") -> None:
        self.building_id = building_id
        if engine is None:
            from twin.settings import get_settings

            engine = get_settings().effective_database_url
        self.engine = engine if isinstance(engine, Engine) else engine_for(engine)
        metadata.create_all(self.engine, tables=[allocations_table, audit_log])

    # -- queries -----------------------------------------------------------

    def all(self) -> list[Allocation]:
        """Every record, current and past, ordered by person, start, room."""
        with self.engine.connect() as conn:
            return _all(conn, self.building_id)

    def valid_on(self, day: date, *, room_global_id: str | None = None) -> list[Allocation]:
        """The records that hold on ``day`` (of one room: ``room_global_id``)."""
        with self.engine.connect() as conn:
            records = _all(conn, self.building_id, room_global_id=room_global_id)
        return [a for a in records if a.valid_on(day)]

    def history(
        self, *, person_id: str | None = None, room_global_id: str | None = None
    ) -> list[Allocation]:
        """Records of one person and/or one room, oldest first."""
        return [
            a
            for a in self.all()
            if (person_id is None or a.person_id == person_id)
            and (room_global_id is None or a.room_global_id == room_global_id)
        ]

    def audit(self) -> list[dict[str, object]]:
        """The audit entries of allocations, oldest first."""
        with self.engine.connect() as conn:
            return audit_entries(conn, "allocation:")

    # -- changes -----------------------------------------------------------

    def import_rows(
        self,
        rows: Sequence[RawRow],
        *,
        spaces: Iterable[Space],
        standard: Standard,
        default_level: str | None,
        actor: str,
        dry_run: bool = False,
    ) -> ImportResult:
        """Validate ``rows`` against the store and apply them all, or none.

        Raises
        ------
        AllocationImportError
            Listing every bad row; nothing is applied.
        """
        with self.engine.begin() as conn:
            existing = _all_with_ids(conn, self.building_id)
            records = validate_rows(
                rows,
                spaces=spaces,
                standard=standard,
                default_level=default_level,
                existing=[a for _, a in existing],
            )
            by_key = {a.key: (row_id, a) for row_id, a in existing}
            created: list[Allocation] = []
            updated: list[tuple[int, Allocation, Allocation]] = []
            unchanged = 0
            for record in records:
                found = by_key.get(record.key)
                if found is None:
                    created.append(record)
                elif found[1] == record:
                    unchanged += 1
                else:
                    updated.append((found[0], found[1], record))
            result = ImportResult(
                created=tuple(created),
                updated=tuple((b, a) for _, b, a in updated),
                unchanged=unchanged,
                dry_run=dry_run,
                applied=not dry_run,
            )
            if dry_run:
                # Nothing was written: leaving the block ends the read-only transaction.
                return result
            for record in created:
                row_id = conn.execute(
                    allocations_table.insert().values(building_id=self.building_id, **_row(record))
                ).inserted_primary_key[0]
                record_audit(conn, actor, "create", f"allocation:{row_id}", None, record.as_dict())
            for row_id, before, after in updated:
                conn.execute(
                    allocations_table.update()
                    .where(allocations_table.c.id == row_id)
                    .values(**_row(after))
                )
                record_audit(
                    conn, actor, "update", f"allocation:{row_id}", before.as_dict(), after.as_dict()
                )
        log.info(
            "allocations import by %s: %d created, %d updated, %d unchanged",
            actor,
            len(created),
            len(updated),
            unchanged,
        )
        return result


def _row(record: Allocation) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(record, name) for name in _FIELDS}
    values["posts"] = list(record.posts)
    return values


def _record(mapping) -> Allocation:  # type: ignore[no-untyped-def]
    values = {name: mapping[name] for name in _FIELDS}
    return Allocation(posts=tuple(mapping["posts"] or ()), **values)


def _all_with_ids(
    conn: Connection, building_id: str, *, room_global_id: str | None = None
) -> list[tuple[int, Allocation]]:
    t = allocations_table
    query = select(t).where(t.c.building_id == building_id)
    if room_global_id is not None:
        query = query.where(t.c.room_global_id == room_global_id)
    query = query.order_by(t.c.person_id, t.c.valid_from, t.c.room_global_id)
    return [(row.id, _record(row._mapping)) for row in conn.execute(query)]


def _all(
    conn: Connection, building_id: str, *, room_global_id: str | None = None
) -> list[Allocation]:
    return [a for _, a in _all_with_ids(conn, building_id, room_global_id=room_global_id)]
