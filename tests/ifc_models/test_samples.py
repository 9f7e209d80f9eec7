"""Integration over every real model in ``../shared/ifc`` (``TWIN_SAMPLE_DIR``).

Counts are compared with a direct ifcopenshell query of the same file, never
with numbers written into the test.
"""

from __future__ import annotations

from pathlib import Path

import ifcopenshell
import pytest
import shapely

from ifc_models.equipment import is_equipment
from spatial.records import Building
from tests.conftest import sample_dir, sample_models
from twin.buildings.ingest import ingest

pytestmark = pytest.mark.samples

MODELS = [p.name for p in sample_models()]


@pytest.fixture(scope="module")
def buildings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Building]:
    cache = tmp_path_factory.mktemp("samples-cache")
    return {name: ingest([sample_dir() / name], cache_dir=cache).building for name in MODELS}


def _has_body(element: ifcopenshell.entity_instance) -> bool:
    representation = element.Representation
    return representation is not None and any(
        r.RepresentationIdentifier == "Body" for r in representation.Representations
    )


@pytest.mark.parametrize("name", MODELS)
def test_counts_match_a_direct_ifcopenshell_query(name: str, buildings) -> None:
    model = ifcopenshell.open(str(sample_dir() / name))
    building = buildings[name]
    assert len(building.storeys) == len(model.by_type("IfcBuildingStorey"))
    assert len(building.spaces) == len(model.by_type("IfcSpace"))
    assert len(building.doors) == len(model.by_type("IfcDoor"))
    expected = [e for e in model.by_type("IfcDistributionElement") if is_equipment(e)]
    assert {e.global_id for e in building.equipment} == {e.GlobalId for e in expected}


@pytest.mark.parametrize("name", MODELS)
def test_every_space_with_a_body_has_a_footprint(name: str, buildings) -> None:
    model = ifcopenshell.open(str(sample_dir() / name))
    with_body = {s.GlobalId for s in model.by_type("IfcSpace") if _has_body(s)}
    with_footprint = {s.global_id for s in buildings[name].spaces if s.footprint is not None}
    assert with_body <= with_footprint
    assert all(s.footprint.is_valid for s in buildings[name].spaces if s.footprint is not None)


def _differences(building: Building, key: str) -> list[tuple[float, float, float]]:
    """(footprint area, model area, perimeter) for every space with that model value."""
    return [
        (s.footprint.area, s.model_areas[key], s.footprint.length)
        for s in building.spaces
        if s.footprint is not None and key in s.model_areas
    ]


def test_blenderbim_net_floor_area_agrees_with_the_footprint(buildings) -> None:
    rows = _differences(
        buildings["3rooms_Heater_AirTerminal_Table_with_SB.ifc"],
        "Qto_SpaceBaseQuantities.NetFloorArea",
    )
    assert len(rows) == 4
    assert all(abs(area - model) / model <= 0.03 for area, model, _ in rows)


def test_archicad_gross_area_is_the_footprint_and_its_net_area_deducts_three_percent(
    buildings,
) -> None:
    # ArchiCAD draws the space body at the structural wall faces and writes that
    # area as GrossFloorArea. Its NetFloorArea deducts a 3 % plaster allowance
    # on the ground floor (the kitchen is exempt) and, in the attic gallery,
    # the floor under the sloped roof where the headroom is low (70 % remain).
    building = buildings["AC20-FZK-Haus.ifc"]
    gross = _differences(building, "BaseQuantities.GrossFloorArea")
    assert gross and all(abs(area - model) / model <= 0.001 for area, model, _ in gross)
    ratios = {
        s.long_name: s.model_areas["BaseQuantities.NetFloorArea"] / s.footprint.area
        for s in building.spaces
    }
    ground = [name for name in ratios if name not in ("Küche", "Galerie")]
    assert all(ratios[name] == pytest.approx(0.97, abs=0.001) for name in ground)
    assert ratios["Küche"] == pytest.approx(1.0, abs=0.001)
    assert 0.6 < ratios["Galerie"] < 0.8


@pytest.mark.parametrize("name", ["Office_A_20110811.ifc", "Duplex_A_20110907.ifc"])
def test_revit_room_area_is_measured_to_the_wall_centre_lines(name: str, buildings) -> None:
    # Revit's room Area is larger than the exported body by about half a wall
    # thickness along the whole perimeter: it is measured at the wall centre
    # lines, the body at the wall faces. The difference per metre of perimeter
    # is a half wall thickness (2.5 to 20 cm), never a scale error.
    rows = _differences(buildings[name], "PSet_Revit_Dimensions.Area")
    assert len(rows) == len(buildings[name].spaces)
    half_walls = sorted((model - area) / perimeter for area, model, perimeter in rows)
    median = half_walls[len(half_walls) // 2]
    assert 0.025 <= median <= 0.2
    assert all(model >= area * 0.999 for area, model, _ in rows)


def test_an_area_in_square_feet_is_converted(buildings) -> None:
    rows = _differences(buildings["Duplex_Electrical_20121207.ifc"], "Dimensions.Area")
    assert rows and all(abs(area - model) / model <= 0.03 for area, model, _ in rows)


@pytest.mark.parametrize("name", MODELS)
def test_most_equipment_inside_the_rooms_of_its_storey_is_located(name: str, buildings) -> None:
    building = buildings[name]
    outlines = {
        storey.global_id: shapely.union_all(
            [
                s.footprint
                for s in building.spaces
                if s.storey_id == storey.global_id and s.footprint
            ]
        ).buffer(0.5)
        for storey in building.storeys
    }
    inside = [
        e
        for e in building.equipment
        if e.centre is not None
        and e.storey_id in outlines
        and not outlines[e.storey_id].is_empty
        and outlines[e.storey_id].contains(shapely.Point(e.centre[:2]))
    ]
    located = [e for e in inside if e.space_id is not None]
    assert len(located) >= 0.9 * len(inside)


def test_the_duplex_architecture_and_electrical_models_federate(tmp_path: Path) -> None:
    paths = [
        sample_dir() / "Duplex_A_20110907.ifc",
        sample_dir() / "Duplex_Electrical_20121207.ifc",
    ]
    building = ingest(paths, cache_dir=tmp_path).building
    architecture = ifcopenshell.open(str(paths[0]))
    electrical = ifcopenshell.open(str(paths[1]))
    # Storeys matched by name: only the host's four remain, three with an alias.
    assert len(building.storeys) == len(architecture.by_type("IfcBuildingStorey"))
    assert sum(1 for s in building.storeys if s.aliases) == 3
    assert len(building.spaces) == len(architecture.by_type("IfcSpace"))
    assert len(building.equipment) == sum(
        1 for e in electrical.by_type("IfcDistributionElement") if is_equipment(e)
    )
    host_rooms = {s.GlobalId for s in architecture.by_type("IfcSpace")}
    fixtures = [
        e for e in building.equipment if e.ifc_class in ("IfcFlowTerminal", "IfcFlowController")
    ]
    located = [e for e in fixtures if e.space_id in host_rooms]
    assert len(located) >= 0.9 * len(fixtures)
    # Feet became metres: every located fixture lies within 0.5 m of its room.
    rooms = {s.global_id: s for s in building.spaces}
    assert all(
        rooms[e.space_id].footprint.distance(shapely.Point(e.centre[:2])) <= 0.5 for e in located
    )
