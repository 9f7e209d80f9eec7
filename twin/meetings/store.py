"""Bookings in the database, with double booking refused by the database itself.

Two API workers may race for the same room, so a check before the insert is
not enough. On PostgreSQL an exclusion constraint (``btree_gist``, the
room's ``tstzrange`` with ``&&``) refuses a second active booking that
overlaps the first, whichever transaction commits first. On SQLite every
write runs in one ``BEGIN IMMEDIATE`` transaction (writers take the lock
before they read, so the check and the insert cannot interleave), and
triggers refuse an overlapping insert or update as the backstop. Only
``pending`` and ``booked`` bookings hold the room; cancelled, rejected and
released ones free it.

Room settings a facility manager edits (bookable, capacity, approval) are
kept per building and room in ``meeting_rooms``.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    String,
    Table,
    and_,
    event,
    select,
)
from sqlalchemy.exc import IntegrityError

from twin.meetings.errors import BookingClashError, BookingStateError, UnknownBookingError
from twin.meetings.records import ACTIVE_STATES, Booking, Visitor
from twin.store.audit import record_audit
from twin.store.db import metadata

log = logging.getLogger(__name__)

bookings_table = Table(
    "meeting_bookings",
    metadata,
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

rooms_table = Table(
    "meeting_rooms",
    metadata,
    Column("building_id", String(64), primary_key=True),
    Column("global_id", String(64), primary_key=True),
    Column("bookable", Boolean, nullable=False),
    Column("capacity", Integer, nullable=True),
    Column("needs_approval", Boolean, nullable=False),
)

_ACTIVE_SQL = ", ".join(f"'{s}'" for s in ACTIVE_STATES)
#: Name of the PostgreSQL constraint (and the message of the SQLite triggers).
NO_OVERLAP = "meeting_bookings_no_overlap"

event.listen(
    bookings_table,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)
event.listen(
    bookings_table,
    "after_create",
    DDL(
        f"ALTER TABLE meeting_bookings ADD CONSTRAINT {NO_OVERLAP} EXCLUDE USING gist "
        "(building_id WITH =, room_global_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&) "
        f"WHERE (state IN ({_ACTIVE_SQL}))"
    ).execute_if(dialect="postgresql"),
)
_OVERLAPS_NEW = (
    "EXISTS (SELECT 1 FROM meeting_bookings b WHERE b.building_id = NEW.building_id "
    "AND b.room_global_id = NEW.room_global_id AND b.id != NEW.id "
    f"AND b.state IN ({_ACTIVE_SQL}) AND b.start_at < NEW.end_at AND NEW.start_at < b.end_at)"
)
for _when, _name in (("INSERT", "insert"), ("UPDATE", "update")):
    event.listen(
        bookings_table,
        "after_create",
        DDL(
            f"CREATE TRIGGER {NO_OVERLAP}_{_name} BEFORE {_when} ON meeting_bookings "
            f"WHEN NEW.state IN ({_ACTIVE_SQL}) AND {_OVERLAPS_NEW} "
            f"BEGIN SELECT RAISE(ABORT, '{NO_OVERLAP}'); END"
        ).execute_if(dialect="sqlite"),
    )


@dataclass(frozen=True)
class RoomSettings:
    """A manager's settings of one room; ``None`` capacity: from the model."""

    global_id: str
    bookable: bool
    capacity: int | None = None
    needs_approval: bool = False


def new_id(prefix: str = "bk") -> str:
    return f"{prefix}-{secrets.token_hex(6)}"


class BookingStore:
    """Bookings and room settings of every building, on the twin's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------ transactions
    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One write transaction; on SQLite it takes the write lock at its start."""
        with self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    # ------------------------------------------------------------ writes
    def add(self, bookings: Sequence[Booking], *, actor: str) -> list[Booking]:
        """Store ``bookings`` (one series) all together, or none.

        Raises
        ------
        BookingClashError
            When any of them overlaps an active booking of its room (named).
        """
        try:
            with self._writing() as conn:
                for booking in bookings:
                    if booking.state in ACTIVE_STATES:
                        self._refuse_clash(conn, booking)
                    conn.execute(bookings_table.insert().values(**_row(booking)))
                    record_audit(conn, actor, "book", f"booking:{booking.id}", None, _row(booking))
        except IntegrityError as exc:
            raise self._clash_after(exc, bookings) from None
        return list(bookings)

    def update(
        self, building_id: str, booking_id: str, *, actor: str, action: str, **changes: Any
    ) -> Booking:
        """Change fields of a booking (``start``, ``end``, ``state``, ...) in one transaction.

        Raises
        ------
        UnknownBookingError, BookingClashError
        """
        try:
            with self._writing() as conn:
                before = self._get(conn, building_id, booking_id)
                after = replace(before, **changes)
                if after.state in ACTIVE_STATES:
                    self._refuse_clash(conn, after)
                conn.execute(
                    bookings_table.update()
                    .where(bookings_table.c.id == booking_id)
                    .values(**_row(after))
                )
                record_audit(
                    conn, actor, action, f"booking:{booking_id}", _row(before), _row(after)
                )
        except IntegrityError as exc:
            raise self._clash_after(exc, [after]) from None
        return after

    def transition(
        self,
        building_id: str,
        booking_id: str,
        state: str,
        *,
        allowed_from: Sequence[str],
        actor: str,
        **changes: Any,
    ) -> Booking:
        """Move a booking to ``state`` if it is in one of ``allowed_from``.

        Raises
        ------
        UnknownBookingError, BookingStateError
        """
        current = self.get(building_id, booking_id)
        if current.state not in allowed_from:
            raise BookingStateError(
                f"booking {booking_id} is {current.state}; only {', '.join(allowed_from)} "
                f"bookings can become {state}"
            )
        return self.update(
            building_id, booking_id, actor=actor, action=state, state=state, **changes
        )

    # ------------------------------------------------------------ reads
    def get(self, building_id: str, booking_id: str) -> Booking:
        with self.engine.connect() as conn:
            return self._get(conn, building_id, booking_id)

    def _get(self, conn: Connection, building_id: str, booking_id: str) -> Booking:
        row = conn.execute(
            select(bookings_table).where(
                bookings_table.c.id == booking_id, bookings_table.c.building_id == building_id
            )
        ).first()
        if row is None:
            raise UnknownBookingError(f"no booking {booking_id!r} in building {building_id!r}")
        return _booking(row._mapping)

    def find(
        self,
        building_id: str | None,
        *,
        room: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        states: Sequence[str] | None = None,
        series_id: str | None = None,
    ) -> list[Booking]:
        """Bookings overlapping ``[start, end)`` (either open), oldest start first."""
        c = bookings_table.c
        query = select(bookings_table).order_by(c.start_at, c.id)
        if building_id is not None:
            query = query.where(c.building_id == building_id)
        if room is not None:
            query = query.where(c.room_global_id == room)
        if start is not None:
            query = query.where(c.end_at > start)
        if end is not None:
            query = query.where(c.start_at < end)
        if states is not None:
            query = query.where(c.state.in_(list(states)))
        if series_id is not None:
            query = query.where(c.series_id == series_id)
        with self.engine.connect() as conn:
            return [_booking(r._mapping) for r in conn.execute(query)]

    def _clashes(self, conn: Connection, booking: Booking) -> list[str]:
        c = bookings_table.c
        rows = conn.execute(
            select(c.id)
            .where(
                and_(
                    c.building_id == booking.building_id,
                    c.room_global_id == booking.room,
                    c.id != booking.id,
                    c.state.in_(ACTIVE_STATES),
                    c.start_at < booking.end,
                    c.end_at > booking.start,
                )
            )
            .order_by(c.start_at)
        )
        return [r.id for r in rows]

    def _refuse_clash(self, conn: Connection, booking: Booking) -> None:
        clashes = self._clashes(conn, booking)
        if clashes:
            raise _clash_error(booking, clashes)

    def _clash_after(self, exc: IntegrityError, bookings: Sequence[Booking]) -> Exception:
        """The clash a constraint reported (another writer won the race), named."""
        if NO_OVERLAP not in str(exc.orig):
            return exc
        with self.engine.connect() as conn:
            for booking in bookings:
                clashes = self._clashes(conn, booking)
                if clashes:
                    return _clash_error(booking, clashes)
        return _clash_error(bookings[0], [])

    # ------------------------------------------------------------ room settings
    def room_settings(self, building_id: str) -> dict[str, RoomSettings]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(rooms_table).where(rooms_table.c.building_id == building_id))
            return {
                r.global_id: RoomSettings(r.global_id, r.bookable, r.capacity, r.needs_approval)
                for r in rows
            }

    def set_room(self, building_id: str, settings: RoomSettings, *, actor: str) -> None:
        """Replace a room's settings (audited)."""
        values = {
            "building_id": building_id,
            "global_id": settings.global_id,
            "bookable": settings.bookable,
            "capacity": settings.capacity,
            "needs_approval": settings.needs_approval,
        }
        key = and_(
            rooms_table.c.building_id == building_id,
            rooms_table.c.global_id == settings.global_id,
        )
        with self._writing() as conn:
            before = conn.execute(select(rooms_table).where(key)).first()
            conn.execute(rooms_table.delete().where(key))
            conn.execute(rooms_table.insert().values(**values))
            record_audit(
                conn,
                actor,
                "update" if before else "create",
                f"meeting-room:{building_id}/{settings.global_id}",
                dict(before._mapping) if before else None,
                values,
            )


def _clash_error(booking: Booking, clashes: Sequence[str]) -> BookingClashError:
    named = ", ".join(clashes) or "another booking"
    return BookingClashError(
        f"room {booking.room} is already booked {booking.start:%Y-%m-%d %H:%M}-"
        f"{booking.end:%H:%M} UTC by {named}",
        clashes,
    )


def _row(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.id,
        "building_id": booking.building_id,
        "room_global_id": booking.room,
        "start_at": booking.start,
        "end_at": booking.end,
        "state": booking.state,
        "title": booking.title,
        "organiser": booking.organiser,
        "organisation": booking.organisation,
        "attendees": booking.attendees,
        "visitors": [{"name": v.name, "company": v.company} for v in booking.visitors],
        "step_free": booking.step_free,
        "series_id": booking.series_id,
        "created_by": booking.created_by,
        "created_at": booking.created_at or datetime.now(UTC),
        "occupied_at": booking.occupied_at,
        "released_at": booking.released_at,
    }


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive times: they were written as UTC.
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _booking(row: Any) -> Booking:
    return Booking(
        id=row["id"],
        building_id=row["building_id"],
        room=row["room_global_id"],
        start=_aware(row["start_at"]),  # type: ignore[arg-type]
        end=_aware(row["end_at"]),  # type: ignore[arg-type]
        state=row["state"],
        title=row["title"],
        organiser=row["organiser"],
        organisation=row["organisation"],
        attendees=row["attendees"],
        visitors=tuple(Visitor(v["name"], v.get("company", "")) for v in row["visitors"]),
        step_free=row["step_free"],
        series_id=row["series_id"],
        created_by=row["created_by"],
        created_at=_aware(row["created_at"]),
        occupied_at=_aware(row["occupied_at"]),
        released_at=_aware(row["released_at"]),
    )
