"""Compliance on the generated demo building: excess by hand from its truth sidecar."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ifc_models.demo_building import generate_office_building
from ifc_models.read import BuildingReader
from twin.demo.allocations import generate_allocations
from twin.housing.compliance import check_compliance
from twin.housing.standards import default_standard

LIMITS = {"正局(处)级": 24.0, "副局(处)级": 18.0, "局(处)级以下": 9.0}
TODAY = date(2026, 1, 1)
#: Categories of the truth sidecar that are offices.
OFFICE_CATEGORIES = ("office", "open_office")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "office.ifc"
    generate_office_building(path, storeys=3, rooms_per_storey=20, seed=1)
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    building = BuildingReader([path]).read_building()
    records = generate_allocations(building, seed=0)
    result = check_compliance(building, records, default_standard(), on_date=TODAY)
    return truth, records, result


def test_every_over_standard_room_has_the_excess_computed_from_the_truth_areas(demo):
    truth, records, result = demo
    spaces = {s["global_id"]: s for s in truth["spaces"]}
    expected = {}
    for gid in {a.room_global_id for a in records if a.valid_on(TODAY)}:
        if spaces[gid]["category"] not in OFFICE_CATEGORIES:
            continue
        limit = sum(
            LIMITS[a.rank] for a in records if a.room_global_id == gid and a.valid_on(TODAY)
        )
        excess = spaces[gid]["usable_area_m2"] - limit
        if excess > 0.01:
            expected[spaces[gid]["name"]] = excess
    got = {r.room: r.excess_m2 for r in result.rooms if r.status == "over"}
    assert got.keys() == expected.keys() and len(got) >= 3
    for room, excess in expected.items():
        assert got[room] == pytest.approx(excess, abs=0.01)


def test_the_director_sits_in_the_directors_office_and_non_offices_are_not_judged(demo):
    truth, records, result = demo
    (head,) = [a for a in records if "局长" in a.posts and a.rank == "正局(处)级"]
    director_rooms = {s["global_id"] for s in truth["spaces"] if s.get("rank") == "director"}
    assert head.room_global_id in director_rooms
    categories = {s["global_id"]: s["category"] for s in truth["spaces"]}
    for room in result.rooms:
        assert (room.status == "not_office") == (
            categories[room.global_id] not in OFFICE_CATEGORIES
        )
    vacant = {r.global_id for r in result.rooms if r.status == "vacant"}
    occupied = {a.room_global_id for a in records if a.valid_on(TODAY)}
    offices = {g for g, c in categories.items() if c in OFFICE_CATEGORIES}
    assert vacant == offices - occupied and vacant
