"""Space usage: groups, area by room type, occupancy plug-in."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from spatial.records import Building, Space, Storey, Zone
from spatial.room_types import load_rules
from spatial.usage import NO_ZONE, Occupancy, group_usage, room_usage, usage_report, vacant_rooms


def space(gid, name, long_name, storey, w, d, object_type=""):
    return Space(gid, name, long_name, storey, object_type=object_type, footprint=box(0, 0, w, d))


@pytest.fixture
def building():
    spaces = (
        space("a", "101", "局长办公室", "S1", 5, 6, "office"),  # 30
        space("b", "102", "OPEN OFFICE", "S1", 6, 6),  # 36
        space("c", "103", "会议室", "S1", 5, 8),  # 40
        space("d", "104", "CORRIDOR", "S1", 2, 10),  # 20
        space("e", "201", "MENS RR", "S2", 2, 5),  # 10
        space("f", "202", "办公室", "S2", 3, 4),  # 12
        Space("g", "203", "MECH RM", "S2"),  # no geometry
    )
    return Building(
        "B",
        "B1",
        (),
        (Storey("S2", "2F", 3.6), Storey("S1", "1F", 0.0)),
        spaces,
        zones=(Zone("z1", "East wing", ("a", "b")),),
    )


def test_groups_by_storey_in_elevation_order_with_area_by_type(building):
    groups = group_usage(room_usage(building), "storey")
    assert [g.key for g in groups] == ["1F", "2F"]
    first = groups[0]
    assert first.rooms == 4 and first.usable_area_m2 == pytest.approx(126)
    assert first.area_by_type_m2 == pytest.approx({"office": 66, "meeting": 40, "circulation": 20})
    assert groups[1].rooms == 3  # a room without area still counts as a room
    assert groups[1].area_by_type_m2 == pytest.approx({"office": 12, "toilet": 10, "plant": 0})
    assert first.occupants is None and first.utilisation is None


def test_groups_by_type_and_zone(building):
    rooms = room_usage(building)
    by_type = {g.key: g for g in group_usage(rooms, "type")}
    assert by_type["office"].rooms == 3 and by_type["office"].usable_area_m2 == pytest.approx(78)
    by_zone = {g.key: g for g in group_usage(rooms, "zone")}
    assert by_zone["East wing"].usable_area_m2 == pytest.approx(66)
    assert by_zone[NO_ZONE].rooms == 5


def test_room_types_can_be_overridden_by_rules_and_per_room(building):
    rules = load_rules({"plant": ["会议"]})
    rooms = {r.name: r for r in room_usage(building, rules=rules, room_types={"a": "meeting"})}
    assert rooms["103"].room_type == "plant" and rooms["101"].room_type == "meeting"


def test_occupancy_gives_area_per_person_utilisation_and_vacancy(building):
    occupancy = Occupancy(
        occupants={"a": 1, "b": 3}, departments={"a": "局领导", "b": "综合科"}, capacity={"b": 4}
    )
    rooms = room_usage(building, occupancy=occupancy)
    total = group_usage(rooms, "building")[0]
    # Offices: 30 + 36 + 12 m², 4 persons; capacity 30 // 9 = 3, 4 given, 12 // 9 = 1.
    assert total.area_per_person_m2 == pytest.approx(78 / 4)
    assert total.capacity == 3 + 4 + 1 and total.utilisation == pytest.approx(4 / 8)
    assert [r.name for r in vacant_rooms(rooms)] == ["202"]
    by_department = {g.key: g for g in group_usage(rooms, "department")}
    assert by_department["综合科"].area_per_person_m2 == pytest.approx(12)
    report = usage_report(building, by="department", occupancy=occupancy)
    assert report["vacant"][0]["name"] == "202" and report["total"]["occupants"] == 4


def test_unknown_grouping_is_an_error(building):
    with pytest.raises(ValueError, match="grouping"):
        group_usage(room_usage(building), "wing")  # type: ignore[arg-type]
