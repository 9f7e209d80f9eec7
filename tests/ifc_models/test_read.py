"""Reading buildings from small models with known answers, in every schema and unit."""

from __future__ import annotations

from pathlib import Path

import pytest

from ifc_models.read import BuildingReader
from spatial.records import Building
from tests.ifc_models.builders import STOREY_HEIGHT, Built, build_two_rooms

VARIANTS = [("IFC4", "m"), ("IFC4", "mm"), ("IFC2X3", "m"), ("IFC2X3", "mm")]


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda v: f"{v[0]}-{v[1]}")
def read(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    schema, units = request.param
    built = build_two_rooms(
        tmp_path_factory.mktemp("read") / f"{schema}-{units}.ifc",
        schema=schema,
        units=units,
        storeys=2,
        upper_elevation_attribute=False,
    )
    return built, BuildingReader([built.path]).read_building()


def test_rooms_have_the_same_footprint_area_in_every_schema_and_unit(read) -> None:
    built, building = read
    areas = {s.global_id: s.footprint_area_m2 for s in building.spaces}
    assert areas[built.room_a] == pytest.approx(12.0, abs=1e-6)
    assert areas[built.room_b] == pytest.approx(12.0, abs=1e-6)
    assert len(building.spaces) == 4


def test_room_height_and_floor_level_are_in_metres(read) -> None:
    built, building = read
    room = building.space(built.room_a)
    assert room.height_m == pytest.approx(2.8)
    assert room.floor_z_m == pytest.approx(0.0)


def test_model_net_area_is_read_beside_the_footprint(read) -> None:
    built, building = read
    assert building.space(built.room_a).model_areas == {
        "Qto_SpaceBaseQuantities.NetFloorArea": pytest.approx(12.0)
    }


def test_a_storey_without_elevation_takes_its_level_from_its_rooms(read) -> None:
    _, building = read
    assert [round(s.elevation_m, 3) for s in building.storeys] == [0.0, STOREY_HEIGHT]


def test_doors_link_the_rooms_on_both_sides_by_geometry(read) -> None:
    built, building = read
    doors = {d.global_id: d for d in building.doors}
    interior = doors[built.interior_door]
    assert set(interior.space_ids) == {built.room_a, built.room_b}
    assert not interior.is_exterior
    assert interior.width_m == pytest.approx(0.9)
    exterior = doors[built.exterior_door]
    assert exterior.space_ids == (built.room_a,)
    assert exterior.is_exterior
    assert exterior.centre[0] == pytest.approx(1.95)


def test_equipment_is_located_by_containment_then_geometry_and_unlocated_is_kept(read) -> None:
    built, building = read
    equipment = {e.global_id: e for e in building.equipment}
    assert (equipment[built.sensor].space_id, equipment[built.sensor].location) == (
        built.room_a,
        "contained",
    )
    assert (equipment[built.terminal].space_id, equipment[built.terminal].location) == (
        built.room_b,
        "geometry",
    )
    assert equipment[built.outside_terminal].space_id is None
    assert equipment[built.outside_terminal].location == "unlocated"
    assert equipment[built.terminal].centre == pytest.approx((6.0, 1.5, 0.25))


def test_pipe_segments_are_network_not_equipment(read) -> None:
    _, building = read
    assert {e.tag for e in building.equipment} == {"TS-001", "AT-002", "AT-999"}


def test_network_elements_are_equipment_when_asked_for(tmp_path: Path) -> None:
    built = build_two_rooms(tmp_path / "net.ifc")
    building = BuildingReader([built.path], include_network=True).read_building()
    assert "PIPE-1" in {e.tag for e in building.equipment}


def test_progress_is_reported_per_stage(tmp_path: Path) -> None:
    built = build_two_rooms(tmp_path / "p.ifc")
    seen: list[tuple[str, int, int]] = []
    reader = BuildingReader([built.path], progress=lambda *a: seen.append(a))
    reader.read_building()
    stages = {stage for stage, _, _ in seen}
    assert {"open", "geometry"} <= stages
    assert ("open", 1, 1) in seen


def _federate(tmp_path: Path) -> tuple[Built, Built, Building]:
    host = build_two_rooms(tmp_path / "arch.ifc", units="m")
    mep = build_two_rooms(tmp_path / "mep.ifc", units="mm", schema="IFC2X3")
    return host, mep, BuildingReader([host.path, mep.path]).read_building()


def test_two_files_federate_into_one_building_by_storey(tmp_path: Path) -> None:
    host, mep, building = _federate(tmp_path)
    assert len(building.storeys) == 1
    assert mep.storeys[0] in building.storeys[0].aliases
    # The MEP file's rooms have the same numbers on the same storey: one room each.
    assert {s.global_id for s in building.spaces} == {host.room_a, host.room_b}
    equipment = {e.global_id: e for e in building.equipment}
    # The MEP file's sensor was contained in its own copy of room A: it lands in the host's.
    assert equipment[mep.sensor].space_id == host.room_a
    assert equipment[mep.terminal].space_id == host.room_b
    assert equipment[mep.terminal].source == "mep.ifc"
