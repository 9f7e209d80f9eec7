"""Meeting rooms through the API on the generated demo building (2 storeys × 20 rooms):
the contract, clashes, capacity, recurrence, search, access grants, no-show
release from posted occupancy readings, calendars, the visitor's PDF, roles,
and two workers racing for one room on PostgreSQL."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import icalendar
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.app import create_app
from ifc_models.demo_building import generate_office_building
from tests.api.test_openapi import COMMITTED, _validator
from tests.twin.meetings.helpers import race
from twin.access.keys import KeyStore
from twin.buildings.registry import BuildingRegistry
from twin.demo.allocations import generate_allocations
from twin.demo.simulator import template_rows
from twin.devices.events import Event, EventBus
from twin.devices.hub import DeviceService
from twin.housing.allocations.export import to_csv_bytes
from twin.settings import Settings
from twin.store.db import engine_for

BASE = "/api/v1/buildings/M"
#: Monday 2030-01-07, 10:00 Beijing time.
MONDAY_10 = datetime(2030, 1, 7, 2, 0, tzinfo=UTC)
KEYS = {
    "staff": ("staff", (), ()),
    "viewer": ("viewer", (), ()),
    "housing": ("housing", (), ()),
    "admin": ("admin", (), ()),
    "access-control": ("system", ("M",), ("meetings:read",)),
}


class Recorder(EventBus):
    """The event bus, keeping what was published."""

    def __init__(self, told: list[Event]) -> None:
        super().__init__()
        self.told = told

    def publish(self, events: list[Event]) -> None:
        self.told.extend(events)
        super().publish(events)


class Clock:
    def __init__(self) -> None:
        self.now = MONDAY_10.timestamp()

    def __call__(self) -> float:
        return self.now


@dataclass
class Meet:
    client: TestClient
    tokens: dict[str, str]
    clock: Clock

    def as_(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[key]}"}

    def book(self, key: str = "staff", **body: object):  # type: ignore[no-untyped-def]
        return self.client.post(f"{BASE}/bookings", json=body, headers=self.as_(key))

    def rooms(self) -> dict[str, dict]:
        answer = self.client.get(f"{BASE}/meeting-rooms", headers=self.as_("staff"))
        assert answer.status_code == 200, answer.text
        return {r["number"]: r for r in answer.json()}


def iso(value: datetime) -> str:
    return value.isoformat()


@pytest.fixture(scope="module")
def meeting_ifc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("meeting-ifc") / "office.ifc"
    generate_office_building(path, storeys=2, rooms_per_storey=20)
    return path


def start_service(root: Path, ifc: Path, clock: Clock, **settings: object) -> Iterator[Meet]:
    config = Settings(data_dir=root / "data", cache_dir=root / "cache", tick_s=3600, **settings)
    registry = BuildingRegistry(config.data_dir, cache_dir=config.cache_dir)
    if "M" not in registry.ids():
        registry.register("M", [ifc], check=True)
    building = registry.load("M").building
    engine = engine_for(config.effective_database_url)
    service = DeviceService(engine, buildings=registry.building)
    service.load_registry("M", template_rows(building))
    service.close()
    keys = KeyStore(engine)
    stamp = f"{id(clock)}-{root.name}"
    tokens = {
        name: keys.create(f"{name}-{stamp}", role, buildings=scope, allow=allow)
        for name, (role, scope, allow) in KEYS.items()
    }
    engine.dispose()
    client = TestClient(create_app(config, clock=clock), raise_server_exceptions=False)
    with client:
        meet = Meet(client, tokens, clock)
        answer = client.post(
            f"{BASE}/allocations",
            files={"file": ("a.csv", to_csv_bytes(generate_allocations(building)), "text/csv")},
            headers=meet.as_("housing"),
        )
        assert answer.status_code == 200, answer.text
        yield meet


@pytest.fixture(scope="module")
def meet(tmp_path_factory: pytest.TempPathFactory, meeting_ifc: Path) -> Iterator[Meet]:
    yield from start_service(tmp_path_factory.mktemp("meet"), meeting_ifc, Clock())


def slot(day: int, hour: float = 0.0, minutes: int = 60) -> tuple[str, str]:
    start = MONDAY_10 + timedelta(days=day, hours=hour)
    return iso(start), iso(start + timedelta(minutes=minutes))


def test_meeting_rooms_come_from_the_model_with_the_contract_fields(meet: Meet) -> None:
    rooms = meet.rooms()
    assert {"0105", "0114", "0117", "0118", "0216"} <= set(rooms)
    big = rooms["0105"]
    for field in ("global_id", "number", "name", "storey", "capacity", "step_free", "equipment"):
        assert field in big
    assert big["name"] == "大会议室" and big["storey"] == "F01"
    assert big["capacity_source"] == "area"
    assert big["capacity"] == int(big["area_m2"] // 2.0)
    assert big["step_free"] is True  # the demo building has lifts
    assert "OCC-0105" in {e["name"] for e in big["equipment"]}
    assert all(r["room_type"] in ("meeting", "reception") for r in rooms.values())


def test_every_meetings_answer_matches_the_committed_contract(meet: Meet) -> None:
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    operations = {
        op["operationId"]: op for methods in document["paths"].values() for op in methods.values()
    }
    start, end = slot(7, 0)
    made = meet.book(room="0114", start=start, end=end, attendees=2, visitors=["李明"])
    series = meet.book(room="0114", start=slot(7, 2)[0], end=slot(7, 2)[1], attendees=2,
                       repeat={"weekly_until": slot(14, 2)[0][:10]})  # fmt: skip
    booking = made.json()["id"]
    window = {"from": slot(7, -2)[0], "to": slot(7, 4)[0]}
    # the defaults of an office (0101) and of a meeting room (0114): nothing changes
    off = {"bookable": False, "capacity": None, "needs_approval": False}
    on = {"bookable": True, "capacity": None, "needs_approval": False}
    staff, viewer = meet.as_("staff"), meet.as_("viewer")
    answers = [
        ("createBooking", "201", made),
        ("createBooking", "201", series),
        ("listMeetingRooms", "200", meet.client.get(f"{BASE}/meeting-rooms", headers=staff)),
        ("listFreeMeetingRooms", "200", meet.client.get(
            f"{BASE}/meeting-rooms/free", params={**window, "near": "0101"}, headers=staff)),
        ("setMeetingRoomSettings", "200", meet.client.put(
            f"{BASE}/meeting-rooms/0101", json=off, headers=viewer)),
        ("setMeetingRoomSettings", "200", meet.client.put(
            f"{BASE}/meeting-rooms/0114", json=on, headers=viewer)),
        ("getMeetingStatistics", "200", meet.client.get(
            f"{BASE}/meeting-stats", params=window, headers=viewer)),
        ("listBookings", "200", meet.client.get(f"{BASE}/bookings", params=window, headers=staff)),
        ("getBooking", "200", meet.client.get(f"{BASE}/bookings/{booking}", headers=viewer)),
        ("getBookingAccess", "200", meet.client.get(
            f"{BASE}/bookings/{booking}/access", headers=staff)),
        ("listAccessGrants", "200", meet.client.get(
            f"{BASE}/access-grants", params=window, headers=staff)),
        ("getVisitorRoute", "200", meet.client.get(
            f"{BASE}/bookings/{booking}/visitor-route", headers=staff)),
        ("changeBooking", "200", meet.client.patch(
            f"{BASE}/bookings/{booking}", json={"title": "改名"}, headers=staff)),
        ("cancelBooking", "200", meet.client.delete(
            f"{BASE}/bookings/{series.json()['id']}", params={"series": "true"}, headers=staff)),
    ]  # fmt: skip
    for operation_id, status, answer in answers:
        assert answer.status_code == int(status), (operation_id, answer.text)
        content = operations[operation_id]["responses"][status]["content"]
        errors = list(_validator(document, content["application/json"]["schema"]).iter_errors(
            answer.json()))  # fmt: skip
        assert not errors, (operation_id, [str(e) for e in errors[:3]])
    grants = answers[9][2].json()["grants"]
    assert len(grants) == 1 and grants[0]["booking_id"] == booking
    assert answers[4][2].json()["bookable"] is False and answers[4][2].json()["capacity"] is None
    assert len(series.json()["occurrences"]) == 2 and made.json()["occurrences"] is None
    # each file is served as the media type its operation declares
    files = [
        ("getBookingCalendar", f"{BASE}/bookings/{booking}.ics"),
        ("getRoomCalendar", f"{BASE}/meeting-rooms/0114/calendar.ics"),
        ("getVisitorRoutePdf", f"{BASE}/bookings/{booking}/visitor-route.pdf"),
    ]
    for operation_id, path in files:
        answer = meet.client.get(path, headers=staff)
        assert answer.status_code == 200, (operation_id, answer.text)
        declared = operations[operation_id]["responses"]["200"]["content"]
        assert answer.headers["content-type"] in declared, (operation_id, declared)


def test_a_clash_is_a_409_naming_the_booking_and_too_many_people_a_422(meet: Meet) -> None:
    start, end = slot(0)
    first = meet.book(room="0117", start=start, end=end, attendees=6, title="周例会")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["state"] == "booked" and body["room"] == meet.rooms()["0117"]["global_id"]
    later, _ = slot(0, 0.5)
    clash = meet.book(room="0117", start=later, end=slot(0, 2)[0], attendees=2)
    assert clash.status_code == 409
    assert clash.json()["clashing_bookings"] == [body["id"]]
    assert body["id"] in clash.json()["detail"]
    seats = meet.rooms()["0117"]["capacity"]
    over = meet.book(room="0117", start=slot(1)[0], end=slot(1)[1], attendees=seats + 1)
    assert over.status_code == 422 and over.json()["type"] == "/problems/over-capacity"
    night = meet.book(room="0117", start=slot(0, 12)[0], end=slot(0, 13)[0], attendees=2)
    assert night.status_code == 422 and night.json()["type"] == "/problems/outside-opening-hours"
    office = meet.book(room="0101", start=slot(2)[0], end=slot(2)[1], attendees=2)
    assert office.status_code == 422 and office.json()["type"] == "/problems/not-bookable"


def test_cancelling_frees_the_room_and_the_list_filters_by_room_and_time(meet: Meet) -> None:
    start, end = slot(3)
    made = meet.book(room="0118", start=start, end=end, attendees=3).json()
    listed = meet.client.get(
        f"{BASE}/bookings",
        params={"room": "0118", "from": start, "to": end},
        headers=meet.as_("staff"),
    ).json()["bookings"]
    assert [b["id"] for b in listed] == [made["id"]]
    gone = meet.client.delete(f"{BASE}/bookings/{made['id']}", headers=meet.as_("staff"))
    assert gone.status_code == 200 and gone.json()["bookings"][0]["state"] == "cancelled"
    again = meet.book(room="0118", start=start, end=end, attendees=3)
    assert again.status_code == 201


def test_weekly_booking_skips_its_exception_and_clashes_refuse_the_whole_series(
    meet: Meet,
) -> None:
    start, end = slot(1, -1)  # Tuesday 09:00
    tuesday = MONDAY_10 + timedelta(days=1)
    skip = (tuesday + timedelta(weeks=2)).date().isoformat()
    until = (tuesday + timedelta(weeks=4)).date().isoformat()
    made = meet.book(
        room="0216",
        start=start,
        end=end,
        attendees=5,
        title="科室例会",
        repeat={"weekly_until": until, "except": [skip]},
    )
    assert made.status_code == 201, made.text
    ids = made.json()["occurrences"]
    listed = meet.client.get(
        f"{BASE}/bookings", params={"room": "0216"}, headers=meet.as_("staff")
    ).json()["bookings"]
    days = [b["start"][:10] for b in listed if b["id"] in ids]
    assert len(ids) == 4 and skip not in days
    assert {b["series_id"] for b in listed if b["id"] in ids} == {made.json()["series_id"]}
    # the exception's Tuesday is free; a series over an occupied Tuesday is refused whole
    free_day = datetime.fromisoformat(start) + timedelta(weeks=2)
    single = meet.book(
        room="0216", start=iso(free_day), end=iso(free_day + timedelta(hours=1)), attendees=2
    )
    assert single.status_code == 201
    other = meet.book(
        room="0216",
        start=iso(datetime.fromisoformat(start) - timedelta(weeks=1)),
        end=iso(datetime.fromisoformat(end) - timedelta(weeks=1)),
        attendees=2,
        repeat={"weekly_until": until},
    )
    assert other.status_code == 409
    assert other.json()["clashing_bookings"][0] in ids
    # cancelling the series from its third occurrence leaves the first two
    meet.client.delete(
        f"{BASE}/bookings/{ids[2]}", params={"series": "true"}, headers=meet.as_("staff")
    )
    states = {
        b["id"]: b["state"]
        for b in meet.client.get(
            f"{BASE}/bookings", params={"room": "0216"}, headers=meet.as_("staff")
        ).json()["bookings"]
    }
    assert [states[i] for i in ids] == ["booked", "booked", "cancelled", "cancelled"]


def test_free_rooms_fit_the_request_say_why_and_come_nearest_first(meet: Meet) -> None:
    start, end = slot(4)
    busy = meet.book(room="0114", start=start, end=end, attendees=2).json()
    assert busy["state"] == "booked"
    answer = meet.client.get(
        f"{BASE}/meeting-rooms/free",
        params={"from": start, "to": end, "attendees": 12, "near": "0101", "step_free": "true"},
        headers=meet.as_("staff"),
    )
    assert answer.status_code == 200, answer.text
    rooms = answer.json()
    numbers = [r["number"] for r in rooms]
    assert "0114" not in numbers  # booked
    assert all(r["capacity"] >= 12 for r in rooms) and rooms
    walks = [r["walk_m"] for r in rooms]
    assert walks == sorted(walks) and walks[0] > 0
    assert any("walk from 0101" in w for w in rooms[0]["why"])
    assert "step-free from the entrance" in rooms[0]["why"]
    on_f02 = meet.client.get(
        f"{BASE}/meeting-rooms/free",
        params={"from": start, "to": end, "storey": "F02"},
        headers=meet.as_("staff"),
    ).json()
    assert {r["storey"] for r in on_f02} == {"F02"}
    screens = meet.client.get(
        f"{BASE}/meeting-rooms/free",
        params={"from": start, "to": end, "equipment": "display"},
        headers=meet.as_("staff"),
    ).json()
    assert screens == []  # the demo building has no displays
    department = generate_allocations_department(meet)
    near_dept = meet.client.get(
        f"{BASE}/meeting-rooms/free",
        params={"from": start, "to": end, "near": f"department:{department}"},
        headers=meet.as_("staff"),
    )
    assert near_dept.status_code == 200 and near_dept.json()[0]["walk_m"] is not None


def generate_allocations_department(meet: Meet) -> str:
    records = meet.client.get(f"{BASE}/allocations", headers=meet.as_("housing")).json()
    return records["allocations"][0]["department"]


def test_access_grants_are_exactly_the_doors_on_the_visitors_route(meet: Meet) -> None:
    start, end = slot(0, 4)
    made = meet.book(
        room="0216",
        start=start,
        end=end,
        attendees=4,
        visitors=["李明", {"name": "Anna Schmidt", "company": "KIT"}],
        step_free=True,
    ).json()
    grants = meet.client.get(
        f"{BASE}/bookings/{made['id']}/access", headers=meet.as_("access-control")
    )
    assert grants.status_code == 200, grants.text
    (grant,) = grants.json()["grants"]
    route = meet.client.get(
        f"{BASE}/route",
        params={"from": "outside", "to": made["room"], "no_stairs": "true"},
        headers=meet.as_("admin"),
    ).json()
    doors = [s["global_id"] for s in route["steps"] if s["kind"] == "door"]
    assert grant["door_global_ids"] == doors and doors
    assert datetime.fromisoformat(grant["valid_from"]) == datetime.fromisoformat(start) - timedelta(
        minutes=15
    )
    assert datetime.fromisoformat(grant["valid_to"]) == datetime.fromisoformat(end)
    export = meet.client.get(
        f"{BASE}/access-grants", params={"from": start, "to": end}, headers=meet.as_("staff")
    ).json()["grants"]
    assert made["id"] in {g["booking_id"] for g in export}
    # names only for keys that may see visitors
    assert (
        meet.client.get(f"{BASE}/bookings/{made['id']}", headers=meet.as_("viewer")).json()[
            "visitors"
        ]
        is None
    )
    assert [v["name"] for v in made["visitors"]] == ["李明", "Anna Schmidt"]
    # the visitor's route prints as one page with the plan and the steps
    pdf = meet.client.get(
        f"{BASE}/bookings/{made['id']}/visitor-route.pdf", headers=meet.as_("staff")
    )
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 1
    text = "".join(reader.pages[0].extract_text().split())
    assert "访客路线" in text and "arrive0216" in text


def test_a_booked_room_nobody_comes_to_is_released_after_15_minutes(meet: Meet) -> None:
    start, end = slot(5, 0, 90)
    empty = meet.book(room="0105", start=start, end=end, attendees=10).json()
    used = meet.book(room="0117", start=start, end=end, attendees=4).json()
    begin = datetime.fromisoformat(start)
    readings = []
    for minute in (0, 5, 10, 14):
        ts = iso(begin + timedelta(minutes=minute))
        readings.append({"device_id": "TS-0105", "ts": ts, "values": {"occupancy": 0}})
        people = 3 if minute >= 5 else 0
        readings.append({"device_id": "TS-0117", "ts": ts, "values": {"occupancy": people}})
    meet.clock.now = (begin + timedelta(minutes=14)).timestamp()
    posted = meet.client.post(
        "/api/v1/readings", json={"readings": readings}, headers=meet.as_("admin")
    )
    assert posted.status_code == 200 and posted.json()["accepted"] == 8, posted.text
    twin = meet.client.app.state.twin  # type: ignore[attr-defined]
    assert twin.meetings.release_no_shows() == []  # not 15 minutes yet
    meet.clock.now = (begin + timedelta(minutes=16)).timestamp()
    told: list[Event] = []
    twin.meetings.bus = Recorder(told)
    try:
        released = twin.meetings.release_no_shows()
    finally:
        twin.meetings.bus = twin.bus
    assert [b.id for b in released] == [empty["id"]]
    (event,) = told
    assert (event.kind, event.data["action"], event.data["booking_id"]) == (
        "booking",
        "released",
        empty["id"],
    )
    assert event.data["organiser"] == empty["organiser"]
    got = meet.client.get(f"{BASE}/bookings/{empty['id']}", headers=meet.as_("staff")).json()
    assert got["state"] == "released" and got["released_at"]
    kept = meet.client.get(f"{BASE}/bookings/{used['id']}", headers=meet.as_("staff")).json()
    assert kept["state"] == "booked"
    assert datetime.fromisoformat(kept["occupied_at"]) == begin + timedelta(minutes=5)
    # the released room is free again and counts as a no-show in the statistics
    again = meet.book(room="0105", start=iso(begin + timedelta(minutes=30)), end=end, attendees=2)
    assert again.status_code == 201
    stats = meet.client.get(
        f"{BASE}/meeting-stats",
        params={"from": start, "to": iso(begin + timedelta(minutes=16))},
        headers=meet.as_("viewer"),
    )
    assert stats.status_code == 200, stats.text
    rooms = {r["number"]: r for r in stats.json()["rooms"]}
    assert rooms["0105"]["no_shows"] == 1 and rooms["0105"]["no_show_rate"] == 1.0
    assert rooms["0117"]["occupied_h"] == pytest.approx(11 / 60, abs=0.01)
    assert rooms["0105"]["ghost_h"] == pytest.approx(16 / 60, abs=0.01)
    assert meet.client.get(f"{BASE}/meeting-stats", headers=meet.as_("staff")).status_code == 403


def test_bookings_export_as_icalendar_that_a_standard_parser_reads(meet: Meet) -> None:
    start, end = slot(6, 0)
    title = "预算评审, 第三季度; very long title " * 4
    made = meet.book(room="0114", start=start, end=end, attendees=3, title=title).json()
    one = meet.client.get(f"{BASE}/bookings/{made['id']}.ics", headers=meet.as_("staff"))
    assert one.status_code == 200 and one.headers["content-type"].startswith("text/calendar")
    assert all(len(line) <= 75 for line in one.content.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(one.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == title
    assert event.decoded("DTSTART") == datetime.fromisoformat(start)
    assert event.decoded("DTEND") == datetime.fromisoformat(end)
    assert "0114" in str(event["LOCATION"])
    room = meet.client.get(f"{BASE}/meeting-rooms/0114/calendar.ics", headers=meet.as_("staff"))
    events = icalendar.Calendar.from_ical(room.content).walk("VEVENT")
    assert made["id"] in {str(e["UID"]).split("@")[0] for e in events}


def test_rooms_that_need_approval_give_pending_bookings_a_manager_approves(meet: Meet) -> None:
    settings = {"bookable": True, "capacity": 8, "needs_approval": True}
    put = meet.client.put(f"{BASE}/meeting-rooms/0118", json=settings, headers=meet.as_("staff"))
    assert put.status_code == 403
    put = meet.client.put(f"{BASE}/meeting-rooms/0118", json=settings, headers=meet.as_("viewer"))
    assert put.status_code == 200 and put.json()["capacity"] == 8
    start, end = slot(2, 1)
    made = meet.book(room="0118", start=start, end=end, attendees=8).json()
    assert made["state"] == "pending"
    clash = meet.book(room="0118", start=start, end=end, attendees=2)
    assert clash.status_code == 409  # a pending booking holds the room
    approved = meet.client.post(f"{BASE}/bookings/{made['id']}/approve", headers=meet.as_("viewer"))
    assert approved.json()["state"] == "booked"
    twice = meet.client.post(f"{BASE}/bookings/{made['id']}/approve", headers=meet.as_("viewer"))
    assert twice.status_code == 409
    meet.client.put(
        f"{BASE}/meeting-rooms/0118",
        json={"bookable": True, "capacity": None, "needs_approval": False},
        headers=meet.as_("viewer"),
    )


def test_changing_a_booking_checks_it_again(meet: Meet) -> None:
    start, end = slot(3, 2)
    a = meet.book(room="0117", start=start, end=end, attendees=2).json()
    b = meet.book(room="0117", start=end, end=slot(3, 3)[1], attendees=2).json()
    moved = meet.client.patch(
        f"{BASE}/bookings/{b['id']}", json={"start": start}, headers=meet.as_("staff")
    )
    assert moved.status_code == 409 and moved.json()["clashing_bookings"] == [a["id"]]
    bigger = meet.client.patch(
        f"{BASE}/bookings/{a['id']}", json={"attendees": 999}, headers=meet.as_("staff")
    )
    assert bigger.status_code == 422
    ok = meet.client.patch(
        f"{BASE}/bookings/{a['id']}",
        json={"room": "0105", "title": "改到大会议室"},
        headers=meet.as_("staff"),
    )
    assert ok.status_code == 200 and ok.json()["room"] == meet.rooms()["0105"]["global_id"]


def test_two_workers_racing_for_a_room_on_postgresql(
    tmp_path: Path, meeting_ifc: Path, postgres_url: str
) -> None:
    clock = Clock()
    first = start_service(tmp_path / "w1", meeting_ifc, clock, database_url=postgres_url)
    second = start_service(tmp_path / "w2", meeting_ifc, clock, database_url=postgres_url)
    one, two = next(first), next(second)
    try:
        for day in range(8):
            start, end = slot(day, -2)
            answers = race(
                *(
                    partial(w.book, room="0117", start=start, end=end, attendees=2)
                    for w in (one, two)
                )
            )
            assert sorted(a.status_code for a in answers) == [201, 409]
    finally:
        for gen in (first, second):
            gen.close()
