"""End to end on the real Office_A model (Revit, IFC2X3): its conference rooms are
bookable, those on Level 2 are reachable only by stairs (the model has no lift),
and a visitor's door grants follow the route from outside."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import sample_dir
from twin.buildings.queries import BuildingQueries
from twin.meetings.operations import Meetings
from twin.meetings.records import BookingRequest, Visitor
from twin.service import Twin
from twin.settings import Settings

pytestmark = pytest.mark.samples

OFFICE_A = "Office_A_20110811.ifc"
#: Tuesday 2030-01-08, 14:00 Beijing time.
TUESDAY_14 = datetime(2030, 1, 8, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def meetings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Meetings]:
    path = sample_dir() / OFFICE_A
    if not path.is_file():
        pytest.fail(f"{path} is missing (set TWIN_SAMPLE_DIR)")
    root = tmp_path_factory.mktemp("office-a")
    twin = Twin(Settings(data_dir=root / "data", cache_dir=root / "cache", tick_s=3600))
    twin.buildings.register("OA", [Path(path)], check=True)
    yield Meetings(BuildingQueries(twin))
    twin.engine.dispose()


def test_office_a_conference_rooms_are_bookable_with_seats_from_their_area(
    meetings: Meetings,
) -> None:
    rooms = {r.number: r for r in meetings.room_listings("OA")}
    assert {"110", "149", "150", "224", "226", "228", "230", "235"} <= set(rooms)
    assert rooms["150"].name == "CONFERENCE RM" and rooms["150"].storey == "Level 1"
    assert rooms["150"].capacity == 14  # 29.5 m² usable at 2 m² a seat
    assert rooms["150"].step_free is True
    assert rooms["226"].step_free is False  # Level 2: stairs only


def test_step_free_search_leaves_out_rooms_only_reachable_by_stairs(meetings: Meetings) -> None:
    end = TUESDAY_14 + timedelta(hours=1)
    every = meetings.free_rooms("OA", TUESDAY_14, end)
    step_free = meetings.free_rooms("OA", TUESDAY_14, end, step_free=True)
    assert {r.storey for r in every} == {"Level 1", "Level 2"}
    assert {r.storey for r in step_free} == {"Level 1"}
    assert all(r.step_free for r in step_free)
    upstairs = {r.number for r in every} - {r.number for r in step_free}
    assert upstairs and all(not meetings.step_free("OA", n) for n in upstairs)


def test_nearest_room_to_an_office_and_the_visitor_grant_on_office_a(meetings: Meetings) -> None:
    end = TUESDAY_14 + timedelta(hours=1)
    near = meetings.free_rooms("OA", TUESDAY_14, end, attendees=4, near="104")
    walks = [r.walk_m for r in near]
    assert walks == sorted(walks) and walks[0] < walks[-1]
    (booking,) = meetings.book(
        "OA",
        BookingRequest(
            room=near[0].number,
            start=TUESDAY_14,
            end=end,
            attendees=4,
            title="Design review",
            visitors=(Visitor("Anna Schmidt", "KIT"),),
        ),
        actor="test",
    )
    grant = meetings.grant(booking)
    route = meetings.queries.navigator("OA").route("outside", booking.room).to_dict()
    assert list(grant.door_global_ids) == [
        s["global_id"] for s in route["steps"] if s["kind"] == "door"
    ]
    assert grant.door_global_ids  # the route enters by at least one door
    assert meetings.visitor_pdf("OA", booking.id, step_free=None).startswith(b"%PDF")
