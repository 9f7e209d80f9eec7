"""Demo bookings: the generated demo building's meeting rooms booked for this week."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from ifc_models.demo_building import generate_office_building
from twin.buildings.ingest import ingest
from twin.demo.meetings import demo_bookings, store_demo_bookings
from twin.meetings.records import MeetingRules
from twin.meetings.store import BookingStore
from twin.store.db import engine_for

WEDNESDAY = date(2030, 1, 9)


def test_demo_rooms_are_booked_on_every_working_day_of_the_week(tmp_path: Path) -> None:
    path = tmp_path / "office.ifc"
    generate_office_building(path, storeys=2, rooms_per_storey=20)
    building = ingest([path]).building
    rules = MeetingRules()
    groups = demo_bookings("demo", building, today=WEDNESDAY, rules=rules)
    single = [b for g in groups if len(g) == 1 for b in g]
    monday = WEDNESDAY - timedelta(days=2)
    assert {b.start.astimezone(rules.zone).date() for b in single} == {
        monday + timedelta(days=d) for d in range(5)
    }
    assert len({b.room for b in single}) == 5  # every meeting room of this building
    for booking in single:
        rules.check_hours(booking.start, booking.end)
    (series,) = [g for g in groups if len(g) > 1]
    assert len(series) == 4 and len({b.series_id for b in series}) == 1
    store = BookingStore(engine_for(f"sqlite:///{tmp_path / 'twin.sqlite3'}"))
    added = store_demo_bookings(store, groups)
    assert added == sum(len(g) for g in groups)
    again = demo_bookings("demo", building, today=WEDNESDAY, rules=rules)
    assert store_demo_bookings(store, again) == 0  # a second run the same week adds nothing
