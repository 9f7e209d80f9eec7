"""``twin meetings``: rooms, booking and the iCalendar export on a registered building."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar

from ifc_models.demo_building import generate_office_building
from tests.cli.runner import run_twin
from twin.buildings.registry import BuildingRegistry
from twin.settings import get_settings


def test_book_a_room_then_export_its_calendar_and_refuse_a_clash(tmp_path: Path) -> None:
    path = tmp_path / "office.ifc"
    generate_office_building(path, storeys=2, rooms_per_storey=20)
    settings = get_settings()
    BuildingRegistry(settings.data_dir, cache_dir=settings.cache_dir).register("M", [path])
    rooms = run_twin("meetings", "rooms", "M", "--json")
    assert rooms.exit_code == 0, rooms.output
    assert "0117" in {r["number"] for r in json.loads(rooms.stdout)}
    times = ["--start", "2030-01-07T10:00+08:00", "--end", "2030-01-07T11:00+08:00"]
    booked = run_twin("meetings", "book", "M", "--room", "0117", *times, "--attendees", "3",
                      "--title", "周例会", "--json")  # fmt: skip
    assert booked.exit_code == 0, booked.output
    booking = json.loads(booked.stdout)
    clash = run_twin("meetings", "book", "M", "--room", "0117", *times, "--attendees", "2")
    assert clash.exit_code == 2 and booking["id"] in clash.stderr
    out = tmp_path / "0117.ics"
    exported = run_twin("meetings", "ics", "M", "--room", "0117", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    (event,) = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "周例会"
    assert run_twin("meetings", "ics", "M").exit_code == 2


def test_demo_week_books_the_rooms_on_the_working_days_of_this_week(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from twin.meetings.records import MeetingRules
    from twin.meetings.store import BookingStore
    from twin.store.db import engine_for

    path = tmp_path / "office.ifc"
    generate_office_building(path, storeys=2, rooms_per_storey=20)
    settings = get_settings()
    BuildingRegistry(settings.data_dir, cache_dir=settings.cache_dir).register("M", [path])
    first = run_twin("meetings", "demo-week", "M")
    assert first.exit_code == 0, first.output
    added = int(first.stdout.split()[0])
    assert added > 0
    zone = MeetingRules.from_settings(settings).zone
    today = datetime.now(UTC).astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    engine = engine_for(settings.effective_database_url)
    try:
        found = BookingStore(engine).find("M", states=("booked",))
    finally:
        engine.dispose()
    assert len(found) == added
    days = {b.start.astimezone(zone).date() for b in found if b.series_id is None}
    assert days == {monday + timedelta(days=d) for d in range(5)}
    again = run_twin("meetings", "demo-week", "M")
    assert again.exit_code == 0 and again.stdout.startswith("0 ")
    assert run_twin("meetings", "demo-week", "nowhere").exit_code == 2
