"""The generated demo building ingests exactly as its truth sidecar says."""

from __future__ import annotations

import json

import pytest

from ifc_models.demo_building import generate_office_building
from twin.buildings.ingest import ingest

VARIANTS = [
    ("IFC4", "m", False),
    ("IFC4", "mm", False),
    ("IFC2X3", "m", True),
    ("IFC2X3", "mm", False),
]


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda v: f"{v[0]}-{v[1]}-sb{int(v[2])}")
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    schema, units, boundaries = request.param
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.ifc"
    truth = generate_office_building(
        path,
        storeys=3,
        rooms_per_storey=16,
        seed=7,
        schema=schema,
        units=units,
        space_boundaries=boundaries,
    )
    assert truth == json.loads(path.with_suffix(".truth.json").read_text("utf-8"))
    return truth, ingest([path], cache_dir=folder / "cache")


def test_counts_equal_the_truth(demo) -> None:
    truth, result = demo
    building = result.building
    assert len(building.storeys) == len(truth["storeys"])
    assert len(building.spaces) == len(truth["spaces"])
    assert len(building.doors) == len(truth["doors"])
    assert len(building.equipment) == len(truth["equipment"])
    assert len(building.lifts) == len(truth["lifts"])
    assert len(building.stairs) == len(truth["stairs"])


def test_usable_areas_equal_the_truth(demo) -> None:
    truth, result = demo
    areas = {s.global_id: s.footprint_area_m2 for s in result.building.spaces}
    for room in truth["spaces"]:
        assert areas[room["global_id"]] == pytest.approx(room["usable_area_m2"], abs=1e-4)


def test_doors_link_the_rooms_the_truth_names(demo) -> None:
    truth, result = demo
    doors = {d.global_id: d for d in result.building.doors}
    for door in truth["doors"]:
        found = doors[door["global_id"]]
        assert set(found.space_ids) == set(door["spaces"]) - {"outside"}
        assert found.is_exterior == ("outside" in door["spaces"])


def test_equipment_is_in_the_room_the_truth_names(demo) -> None:
    truth, result = demo
    equipment = {e.global_id: e for e in result.building.equipment}
    for item in truth["equipment"]:
        assert equipment[item["global_id"]].space_id == item["space"]
        assert equipment[item["global_id"]].tag == item["tag"]


def test_lifts_serve_every_storey_and_stairs_join_neighbours(demo) -> None:
    truth, result = demo
    links = {link.global_id: link for link in result.building.links}
    for lift in truth["lifts"]:
        assert links[lift["global_id"]].storey_ids == tuple(lift["storeys"])
    for stair in truth["stairs"]:
        assert links[stair["global_id"]].storey_ids == tuple(stair["storeys"])


def test_every_room_is_reachable_from_outside(demo) -> None:
    from spatial.navgraph import nav_stats

    _, result = demo
    stats = nav_stats(result.graph, [s.global_id for s in result.building.spaces])
    assert stats.unreachable_space_ids == ()
