"""The booking store: no double booking, enforced by the database, even when two
writers race (SQLite file and a real PostgreSQL server)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from tests.twin.meetings.helpers import race
from twin.meetings.errors import BookingClashError, BookingStateError
from twin.meetings.records import Booking
from twin.meetings.store import BookingStore, _row, bookings_table, new_id
from twin.store.db import engine_for

T0 = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)


def booking(start: datetime, minutes: int = 60, room: str = "ROOM-1", **kw: object) -> Booking:
    fields: dict[str, object] = {
        "id": new_id(),
        "building_id": "B",
        "room": room,
        "start": start,
        "end": start + timedelta(minutes=minutes),
        "state": "booked",
        "title": "weekly",
        "organiser": "王芳",
        "organisation": "市机关事务管理局",
        "attendees": 4,
    }
    fields.update(kw)
    return Booking(**fields)  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'twin.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    made = engine_for(url)
    yield made
    made.dispose()


def test_an_overlapping_booking_is_refused_naming_the_one_in_the_way(engine: Engine) -> None:
    store = BookingStore(engine)
    (first,) = store.add([booking(T0)], actor="t")
    with pytest.raises(BookingClashError) as caught:
        store.add([booking(T0 + timedelta(minutes=30))], actor="t")
    assert caught.value.clashes == (first.id,)
    assert first.id in str(caught.value)
    # back to back is fine, and so is another room at the same time
    store.add([booking(T0 + timedelta(minutes=60))], actor="t")
    store.add([booking(T0, room="ROOM-2")], actor="t")


def test_the_database_itself_refuses_an_overlap_that_skips_the_check(engine: Engine) -> None:
    store = BookingStore(engine)
    store.add([booking(T0)], actor="t")
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(bookings_table.insert().values(**_row(booking(T0 + timedelta(minutes=10)))))


def test_a_cancelled_booking_frees_the_room_and_cannot_be_approved(engine: Engine) -> None:
    store = BookingStore(engine)
    (first,) = store.add([booking(T0)], actor="t")
    store.transition("B", first.id, "cancelled", allowed_from=("booked",), actor="t")
    store.add([booking(T0)], actor="t")
    with pytest.raises(BookingStateError):
        store.transition("B", first.id, "booked", allowed_from=("pending",), actor="t")
    # reviving the cancelled one would now overlap: the database refuses it
    with pytest.raises(BookingClashError):
        store.update("B", first.id, actor="t", action="revive", state="booked")


def test_a_series_is_stored_whole_or_not_at_all(engine: Engine) -> None:
    store = BookingStore(engine)
    (blocker,) = store.add([booking(T0 + timedelta(weeks=2))], actor="t")
    series = [booking(T0 + timedelta(weeks=w), series_id="s-1") for w in range(4)]
    with pytest.raises(BookingClashError) as caught:
        store.add(series, actor="t")
    assert caught.value.clashes == (blocker.id,)
    assert store.find("B", series_id="s-1") == []


def test_two_concurrent_requests_for_one_slot_never_both_win(engine: Engine) -> None:
    store = BookingStore(engine)
    for round_ in range(15):
        start = T0 + timedelta(days=round_)
        outcomes = race(
            *(
                partial(store.add, [booking(start + timedelta(minutes=offset))], actor="t")
                for offset in (0, 20)
            ),
            errors=(BookingClashError,),
        )
        won = [o for o in outcomes if isinstance(o, list)]
        lost = [o for o in outcomes if isinstance(o, BookingClashError)]
        assert len(won) == 1 and len(lost) == 1, outcomes
        assert lost[0].clashes == (won[0][0].id,)
    active = store.find("B", room="ROOM-1", states=("booked",))
    assert len(active) == 15
