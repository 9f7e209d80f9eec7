"""Deterministic demo bookings of a building's meeting rooms for the current week.

Used by ``twin demo``: each bookable room gets two to four meetings on each
working day of the week containing ``today`` (local time), between 09:00 and
18:00, organised by the demo organisation's departments, some with visitors
whose names are ``访客001`` style (obviously fictitious). A weekly 09:00
meeting of the leaders repeats for four weeks. Bookings that clash with ones
already stored (a second ``twin demo`` in the same week) are skipped.
:func:`book_demo_week` books them for the week of today (``twin demo``,
``twin meetings demo-week``).
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from spatial.records import Building
from spatial.room_types import RoomTypeRules
from twin.demo.allocations import DEMO_ORGANISATION, DEPARTMENTS, LEADERS_DEPARTMENT
from twin.meetings.errors import BookingClashError
from twin.meetings.records import Booking, MeetingRules, Visitor, occurrences
from twin.meetings.rooms import meeting_rooms
from twin.meetings.store import BookingStore, new_id

log = logging.getLogger(__name__)

#: Meeting lengths the demo picks from, minutes.
LENGTHS_MIN = (30, 60, 60, 90, 120)
TITLES = ("周例会", "项目协调会", "预算评审", "业务培训", "来访接待", "专题研讨")
WORKING_DAYS = 5
DEMO_ACTOR = "twin demo"


def demo_bookings(
    building_id: str,
    building: Building,
    *,
    today: date,
    rules: MeetingRules | None = None,
    seed: int = 0,
) -> list[list[Booking]]:
    """Bookings (each a list: one booking or a weekly series) for the week of ``today``."""
    rules = rules or MeetingRules()
    zone = rules.zone
    storeys = {s.global_id: s.name for s in building.storeys}
    equipment = defaultdict(list)
    for item in building.equipment:
        if item.space_id:
            equipment[item.space_id].append(item)
    rooms = meeting_rooms(
        building.spaces,
        room_types=RoomTypeRules().classify_all(building.spaces),
        storey_names=storeys,
        equipment_by_space=equipment,
        settings={},
        rules=rules,
    )
    rnd = random.Random(seed)
    monday = today - timedelta(days=today.weekday())
    groups: list[list[Booking]] = []
    visitors = 0

    def make(room_id: str, start: datetime, end: datetime, **fields: object) -> Booking:
        return Booking(
            id=new_id(),
            building_id=building_id,
            room=room_id,
            start=start.astimezone(UTC),
            end=end.astimezone(UTC),
            state="booked",
            organisation=DEMO_ORGANISATION,
            created_by=DEMO_ACTOR,
            **fields,  # type: ignore[arg-type]
        )

    for room in rooms:
        seats = max(1, room.capacity)
        for offset in range(WORKING_DAYS):
            day = monday + timedelta(days=offset)
            hour = 9.0
            for _ in range(rnd.randint(2, 4)):
                hour += rnd.choice((0.0, 0.5, 1.0))
                length = rnd.choice(LENGTHS_MIN)
                start = datetime.combine(day, time(int(hour), int(hour % 1 * 60)), zone)
                end = start + timedelta(minutes=length)
                if end.time() > time(18, 0):
                    break
                guests: tuple[Visitor, ...] = ()
                if rnd.random() < 0.3:
                    guests = tuple(
                        Visitor(f"访客{visitors + i + 1:03d}", "示例公司")
                        for i in range(rnd.randint(1, 3))
                    )
                    visitors += len(guests)
                groups.append(
                    [
                        make(
                            room.space.global_id,
                            start,
                            end,
                            organiser=rnd.choice(DEPARTMENTS),
                            title=rnd.choice(TITLES),
                            attendees=rnd.randint(1, seats),
                            visitors=guests,
                        )
                    ]
                )
                hour += length / 60 + 0.5
    if rooms:
        largest = max(rooms, key=lambda r: r.capacity)
        first = datetime.combine(monday, time(8, 0), zone)
        series_id = new_id("sr")
        groups.append(
            [
                make(
                    largest.space.global_id,
                    start,
                    end,
                    organiser=LEADERS_DEPARTMENT,
                    title="局务会（每周）",
                    attendees=max(1, min(largest.capacity, 12)),
                    series_id=series_id,
                )
                for start, end in occurrences(
                    first,
                    first + timedelta(minutes=50),
                    zone=zone,
                    until=monday + timedelta(weeks=3),
                )
            ]
        )
    log.debug("%d demo booking groups for %d rooms", len(groups), len(rooms))
    return groups


def store_demo_bookings(store: BookingStore, groups: list[list[Booking]]) -> int:
    """Store the groups that do not clash with stored bookings; how many bookings were added."""
    added = 0
    for group in groups:
        try:
            added += len(store.add(group, actor=DEMO_ACTOR))
        except BookingClashError:
            continue
    return added


def book_demo_week(
    store: BookingStore,
    building_id: str,
    building: Building,
    *,
    rules: MeetingRules,
    now: datetime | None = None,
) -> int:
    """Book the demo meetings of the week containing today (``now``, local time of
    ``rules.zone``); how many bookings were added (none that clash with stored ones)."""
    today = (now or datetime.now(UTC)).astimezone(rules.zone).date()
    groups = demo_bookings(building_id, building, today=today, rules=rules)
    return store_demo_bookings(store, groups)
