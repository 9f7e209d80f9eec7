"""A model without IfcBuildingStorey (AutoCAD Architecture style) is one implicit storey."""

from __future__ import annotations

from pathlib import Path

import ifcopenshell
import ifcopenshell.api
import pytest

from ifc_models.errors import NoBuildingError
from ifc_models.read import BuildingReader
from spatial.records import Building
from spatial.routing import Router
from tests.ifc_models.builders import BUILDING_ELEVATION, Built, build_two_rooms

VARIANTS = [("IFC4", "m"), ("IFC2X3", "mm")]


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda v: f"{v[0]}-{v[1]}")
def read(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Built, Building]:
    schema, units = request.param
    built = build_two_rooms(
        tmp_path_factory.mktemp("no-storey") / f"{schema}-{units}.ifc",
        schema=schema,
        units=units,
        without_storey=True,
    )
    return built, BuildingReader([built.path]).read_building()


def test_the_building_is_read_as_one_storey_at_its_elevation_with_a_warning(read) -> None:
    built, building = read
    assert [(s.global_id, s.elevation_m) for s in building.storeys] == [
        (built.storeys[0], pytest.approx(BUILDING_ELEVATION))
    ]
    assert any("no IfcBuildingStorey" in w for w in building.warnings)


def test_rooms_are_on_the_implicit_storey_with_their_areas(read) -> None:
    built, building = read
    assert {s.global_id for s in building.spaces} == {built.room_a, built.room_b}
    assert {s.storey_id for s in building.spaces} == {built.storeys[0]}
    room = building.space(built.room_a)
    assert room.footprint_area_m2 == pytest.approx(12.0, abs=1e-6)
    assert room.floor_z_m == pytest.approx(BUILDING_ELEVATION)
    assert room.model_areas == {"Qto_SpaceBaseQuantities.NetFloorArea": pytest.approx(12.0)}


def test_doors_contained_in_the_building_join_its_rooms(read) -> None:
    built, building = read
    doors = {d.global_id: d for d in building.doors}
    assert set(doors[built.interior_door].space_ids) == {built.room_a, built.room_b}
    assert doors[built.interior_door].width_m == pytest.approx(0.9)
    assert doors[built.exterior_door].space_ids == (built.room_a,)
    assert doors[built.exterior_door].is_exterior


def test_equipment_in_the_building_is_located_in_its_rooms(read) -> None:
    built, building = read
    equipment = {e.global_id: e for e in building.equipment}
    assert equipment[built.sensor].space_id == built.room_a
    assert (equipment[built.terminal].space_id, equipment[built.terminal].location) == (
        built.room_b,
        "geometry",
    )
    assert equipment[built.outside_terminal].space_id is None


def test_a_route_runs_from_outside_through_both_rooms(read) -> None:
    built, building = read
    route = Router.for_building(building).route("outside", built.room_b)
    assert [s.global_id for s in route.steps] == [
        "outside",
        built.exterior_door,
        built.room_a,
        built.interior_door,
        built.room_b,
    ]
    assert 4.0 < route.length_m < 12.0
    assert all(z == pytest.approx(BUILDING_ELEVATION) for _, _, z in route.polyline)


def test_a_model_with_neither_storey_nor_building_is_refused(tmp_path: Path) -> None:
    f = ifcopenshell.api.run("project.create_file", version="IFC4")
    ifcopenshell.api.run("root.create_entity", f, ifc_class="IfcProject", name="Empty")
    length = ifcopenshell.api.run("unit.add_si_unit", f, unit_type="LENGTHUNIT")
    ifcopenshell.api.run("unit.assign_unit", f, units=[length])
    f.write(str(tmp_path / "empty.ifc"))
    with pytest.raises(NoBuildingError, match="no IfcBuildingStorey nor IfcBuilding"):
        BuildingReader([tmp_path / "empty.ifc"])
