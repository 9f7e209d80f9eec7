"""The generated demo office building: valid IFC whose truth sidecar holds."""

from __future__ import annotations

import collections
import json
import logging

import ifcopenshell
import ifcopenshell.geom
import ifcopenshell.util.classification
import ifcopenshell.util.element
import ifcopenshell.util.placement
import ifcopenshell.validate
import numpy as np
import pytest
from shapely.geometry import Polygon, box

from ifc_models.demo_building import LayoutError, generate_office_building, truth_path
from ifc_models.demo_building.layout import MIN_ROOMS_PER_STOREY, plan_building

EQUIPMENT_CLASSES = ("IfcDistributionElement",)


def _generate(folder, name, **kwargs):
    out = folder / f"{name}.ifc"
    truth = generate_office_building(out, **kwargs)
    return out, truth


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """3 storeys x 20 rooms, IFC4, metres, with space boundaries."""
    folder = tmp_path_factory.mktemp("demo")
    out, truth = _generate(
        folder, "small", storeys=3, rooms_per_storey=20, seed=7, space_boundaries=True
    )
    return out, truth, ifcopenshell.open(str(out))


@pytest.fixture(scope="module")
def small_mm(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo_mm")
    out, truth = _generate(
        folder,
        "small_mm",
        storeys=3,
        rooms_per_storey=20,
        seed=7,
        units="mm",
        space_boundaries=True,
    )
    return out, truth, ifcopenshell.open(str(out))


def _by_gid(model):
    return {e.GlobalId: e for e in model.by_type("IfcRoot")}


def _footprints(model, scale):
    """Space footprints (metres, world XY) from their extruded profiles."""
    result = {}
    for space in model.by_type("IfcSpace"):
        solid = space.Representation.Representations[0].Items[0]
        matrix = ifcopenshell.util.placement.get_local_placement(space.ObjectPlacement)
        pts = [p.Coordinates for p in solid.SweptArea.OuterCurve.Points]
        xy = [(matrix[0][3] + x * scale, matrix[1][3] + y * scale) for x, y in pts]
        result[space.GlobalId] = Polygon(xy)
    return result


def _bounds(model, classes):
    """World bounding boxes (metres) of the products of ``classes``."""
    settings = ifcopenshell.geom.settings()
    settings.set("use-world-coords", True)
    iterator = ifcopenshell.geom.iterator(settings, model, include=list(classes))
    out = {}
    assert iterator.initialize()
    while True:
        shape = iterator.get()
        verts = np.asarray(shape.geometry.verts).reshape(-1, 3)
        out[shape.guid] = (verts.min(axis=0), verts.max(axis=0))
        if not iterator.next():
            break
    return out


def test_same_seed_gives_identical_ifc_and_truth_bytes(tmp_path):
    a, _ = _generate(tmp_path, "a", storeys=2, rooms_per_storey=14, seed=3)
    b, _ = _generate(tmp_path, "b", storeys=2, rooms_per_storey=14, seed=3)
    assert a.read_bytes() == b.read_bytes()
    assert truth_path(a).read_bytes() == truth_path(b).read_bytes()


def test_different_seed_gives_a_different_building(tmp_path):
    a, truth_a = _generate(tmp_path, "a", storeys=3, rooms_per_storey=30, seed=1)
    b, truth_b = _generate(tmp_path, "b", storeys=3, rooms_per_storey=30, seed=2)
    assert a.read_bytes() != b.read_bytes()
    assert {s["global_id"] for s in truth_a["spaces"]}.isdisjoint(
        s["global_id"] for s in truth_b["spaces"]
    )
    layout_a = [(s["name"], s["long_name"], s["usable_area_m2"]) for s in truth_a["spaces"]]
    layout_b = [(s["name"], s["long_name"], s["usable_area_m2"]) for s in truth_b["spaces"]]
    assert layout_a != layout_b


@pytest.mark.parametrize("schema", ["IFC4", "IFC2X3"])
@pytest.mark.parametrize("units", ["m", "mm"])
def test_written_file_has_no_schema_errors(tmp_path, schema, units):
    out, _ = _generate(
        tmp_path,
        "v",
        storeys=2,
        rooms_per_storey=16,
        schema=schema,
        units=units,
        space_boundaries=True,
    )
    model = ifcopenshell.open(str(out))
    assert model.schema == schema
    logger = ifcopenshell.validate.json_logger()
    ifcopenshell.validate.validate(model, logger)
    errors = [s for s in logger.statements if s.get("level") == "error"]
    assert errors == []


def test_truth_sidecar_is_sorted_json_next_to_the_ifc(small):
    out, truth, _ = small
    path = out.with_name("small.truth.json")
    assert path.exists()
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == truth
    assert text == json.dumps(truth, sort_keys=True, ensure_ascii=False, indent=1) + "\n"
    assert truth["generator"] == {
        "storeys": 3,
        "rooms_per_storey": 20,
        "seed": 7,
        "schema": "IFC4",
        "units": "m",
        "space_boundaries": True,
    }


def test_counts_in_the_ifc_match_the_truth(small):
    _, truth, model = small
    assert len(model.by_type("IfcBuildingStorey")) == len(truth["storeys"]) == 3
    assert len(model.by_type("IfcSpace")) == len(truth["spaces"]) == 3 * 20
    assert len(model.by_type("IfcDoor")) == len(truth["doors"])
    assert len(model.by_type("IfcTransportElement")) == len(truth["lifts"]) == 2
    assert len(model.by_type("IfcStair")) == len(truth["stairs"]) == 2 * (3 - 1)
    assert len(model.by_type("IfcDistributionElement")) == len(truth["equipment"])


def test_every_truth_element_exists_with_its_class_name_and_storey(small):
    _, truth, model = small
    gids = _by_gid(model)
    for storey in truth["storeys"]:
        entity = gids[storey["global_id"]]
        assert entity.is_a("IfcBuildingStorey") and entity.Name == storey["name"]
        assert entity.Elevation == pytest.approx(storey["elevation_m"])
    for space in truth["spaces"]:
        entity = gids[space["global_id"]]
        assert entity.Name == space["name"] and entity.ObjectType == space["category"]
        container = ifcopenshell.util.element.get_aggregate(entity)
        assert container.GlobalId == space["storey"]
    for device in truth["equipment"]:
        entity = gids[device["global_id"]]
        assert entity.is_a() == device["ifc_class"] and entity.Tag == device["tag"]
        assert ifcopenshell.util.element.get_container(entity).GlobalId == device["space"]
        assert ifcopenshell.util.element.get_type(entity) is not None


def test_net_floor_area_equals_truth_and_the_space_footprint(small):
    _, truth, model = small
    gids = _by_gid(model)
    footprints = _footprints(model, 1.0)
    for space in truth["spaces"]:
        qto = ifcopenshell.util.element.get_psets(gids[space["global_id"]], qtos_only=True)
        net = qto["Qto_SpaceBaseQuantities"]["NetFloorArea"]
        assert net == pytest.approx(space["usable_area_m2"], abs=1e-6)
        assert footprints[space["global_id"]].area == pytest.approx(net, abs=1e-6)


def test_each_door_touches_exactly_the_spaces_the_truth_names(small):
    _, truth, model = small
    footprints = _footprints(model, 1.0)
    storey_of = {s["global_id"]: s["storey"] for s in truth["spaces"]}
    bounds = _bounds(model, ["IfcDoor"])
    for door in truth["doors"]:
        lo, hi = bounds[door["global_id"]]
        door_box = box(lo[0], lo[1], hi[0], hi[1])
        touching = {
            gid
            for gid, poly in footprints.items()
            if storey_of[gid] == door["storey"] and poly.distance(door_box) < 1e-6
        }
        expected = {s for s in door["spaces"] if s != "outside"}
        assert touching == expected, door["name"]
        assert door["exterior"] == ("outside" in door["spaces"])


def test_space_boundaries_link_each_door_to_the_truth_spaces(small):
    _, truth, model = small
    linked = collections.defaultdict(set)
    external = set()
    for rel in model.by_type("IfcRelSpaceBoundary"):
        element = rel.RelatedBuildingElement
        linked[element.GlobalId].add(rel.RelatingSpace.GlobalId)
        if rel.InternalOrExternalBoundary == "EXTERNAL":
            external.add(element.GlobalId)
    for door in truth["doors"]:
        assert linked[door["global_id"]] == {s for s in door["spaces"] if s != "outside"}
        assert (door["global_id"] in external) == door["exterior"]
    walls = model.by_type("IfcWall")
    assert walls and all(linked[w.GlobalId] for w in walls)


def test_ground_floor_hall_has_an_exterior_door(small):
    _, truth, _ = small
    hall = next(s for s in truth["spaces"] if s["category"] == "lobby")
    assert hall["long_name"] == "门厅"
    assert any(d["spaces"] == [hall["global_id"], "outside"] for d in truth["doors"])


def test_every_office_has_a_door_to_a_corridor(small):
    _, truth, _ = small
    corridors = {s["global_id"] for s in truth["spaces"] if s["category"] == "corridor"}
    offices = [s for s in truth["spaces"] if s["category"] in ("office", "open_office")]
    assert offices
    for office in offices:
        assert any(
            office["global_id"] in d["spaces"] and corridors & set(d["spaces"])
            for d in truth["doors"]
        ), office["name"]


def test_every_room_is_reachable_from_the_entrance_by_doors_stairs_and_lifts(small):
    _, truth, _ = small
    graph = collections.defaultdict(set)
    links = [d["spaces"] for d in truth["doors"]]
    links += [s["spaces"] for s in truth["stairs"]]
    for lift in truth["lifts"]:
        links += [list(pair) for pair in zip(lift["spaces"], lift["spaces"][1:], strict=False)]
    for a, b in links:
        graph[a].add(b)
        graph[b].add(a)
    seen, todo = {"outside"}, ["outside"]
    while todo:
        for nxt in graph[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    assert {s["global_id"] for s in truth["spaces"]} <= seen


def test_corridor_is_a_concave_l_shaped_space(small):
    _, truth, model = small
    footprints = _footprints(model, 1.0)
    corridor = next(s for s in truth["spaces"] if s["category"] == "corridor")
    poly = footprints[corridor["global_id"]]
    assert len(poly.exterior.coords) - 1 == 6
    assert poly.convex_hull.area > poly.area + 1.0


def test_mm_model_coordinates_are_1000_times_the_metre_model(small, small_mm):
    _, truth_m, model_m = small
    _, truth_mm, model_mm = small_mm
    assert model_mm.by_type("IfcSIUnit")[0].Prefix == "MILLI"
    for key in ("spaces", "doors", "equipment", "stairs", "lifts", "storeys"):
        assert truth_mm[key] == truth_m[key]
    points_m = model_m.by_type("IfcCartesianPoint")
    points_mm = model_mm.by_type("IfcCartesianPoint")
    assert len(points_m) == len(points_mm)
    for pm, pmm in zip(points_m, points_mm, strict=True):
        assert np.allclose(np.array(pmm.Coordinates), 1000 * np.array(pm.Coordinates), atol=1e-6)
    areas_mm = {
        s.GlobalId: ifcopenshell.util.element.get_psets(s, qtos_only=True)[
            "Qto_SpaceBaseQuantities"
        ]["NetFloorArea"]
        for s in model_mm.by_type("IfcSpace")
    }
    assert areas_mm == {
        s["global_id"]: pytest.approx(s["usable_area_m2"]) for s in truth_m["spaces"]
    }


def test_chinese_long_names_round_trip(small):
    out, truth, _ = small
    model = ifcopenshell.open(str(out))
    names = {s.GlobalId: s.LongName for s in model.by_type("IfcSpace")}
    assert {s["global_id"]: s["long_name"] for s in truth["spaces"]} == names
    assert {"走廊", "门厅", "电梯厅", "楼梯间", "疏散楼梯", "男卫生间", "女卫生间"} <= set(
        names.values()
    )
    assert model.by_type("IfcBuilding")[0].Name == "某市机关办公楼"


def test_equipment_tags_are_unique_and_boxes_lie_inside_their_room(small):
    _, truth, model = small
    tags = [d["tag"] for d in truth["equipment"]]
    assert len(tags) == len(set(tags))
    assert {"LC-L1", "LC-L2", "EM-01", "AHU-03"} <= set(tags)
    footprints = _footprints(model, 1.0)
    bounds = _bounds(model, ["IfcDistributionElement"])
    for device in truth["equipment"]:
        lo, hi = bounds[device["global_id"]]
        assert footprints[device["space"]].buffer(1e-6).contains(box(lo[0], lo[1], hi[0], hi[1]))


def test_stairs_and_lifts_stand_in_their_spaces_on_every_storey_they_serve(small):
    _, truth, model = small
    gids = _by_gid(model)
    footprints = _footprints(model, 1.0)
    bounds = _bounds(model, ["IfcStair", "IfcTransportElement"])
    elevation = {s["global_id"]: s["elevation_m"] for s in truth["storeys"]}
    for stair in truth["stairs"]:
        lo, hi = bounds[stair["global_id"]]
        plan = box(lo[0], lo[1], hi[0], hi[1])
        assert all(footprints[s].contains(plan) for s in stair["spaces"])
        lower, upper = (elevation[s] for s in stair["storeys"])
        assert lo[2] == pytest.approx(lower) and hi[2] == pytest.approx(upper)
        assert (
            ifcopenshell.util.element.get_container(gids[stair["global_id"]]).GlobalId
            == (stair["storeys"][0])
        )
    for lift in truth["lifts"]:
        entity = gids[lift["global_id"]]
        lo, hi = bounds[lift["global_id"]]
        plan = box(lo[0], lo[1], hi[0], hi[1])
        assert all(footprints[s].contains(plan) for s in lift["spaces"])
        assert {gids[s].ObjectType for s in lift["spaces"]} == {"lift_shaft"}
        assert ifcopenshell.util.element.get_container(entity).GlobalId == lift["storeys"][0]
        referenced = {rel.RelatingStructure.GlobalId for rel in entity.ReferencedInStructures}
        assert referenced == set(lift["storeys"][1:])


def test_spaces_carry_a_room_type_classification(small):
    _, truth, model = small
    gids = _by_gid(model)
    for space in truth["spaces"][:25]:
        refs = ifcopenshell.util.classification.get_references(gids[space["global_id"]])
        assert [r.Identification for r in refs] == [space["category"]]


def test_ifc2x3_uses_generic_occurrence_classes_with_typed_kinds(tmp_path):
    out, truth = _generate(tmp_path, "x3", storeys=2, rooms_per_storey=14, schema="IFC2X3")
    model = ifcopenshell.open(str(out))
    gids = _by_gid(model)
    sensor = next(d for d in truth["equipment"] if d["tag"].startswith("TS-"))
    entity = gids[sensor["global_id"]]
    assert entity.is_a() == "IfcDistributionControlElement"
    assert ifcopenshell.util.element.get_type(entity).PredefinedType == "TEMPERATURESENSOR"
    assert model.by_type("IfcTransportElement")[0].OperationType == "ELEVATOR"


def test_every_storey_has_exactly_rooms_per_storey_spaces_even_for_2000_rooms():
    plan = plan_building(storeys=20, rooms_per_storey=100, seed=0)
    assert [len(s.rooms) for s in plan.storeys] == [100] * 20
    numbers = [r.number for s in plan.storeys for r in s.rooms]
    assert len(set(numbers)) == 2000 and numbers[0] == "01001" and numbers[-1] == "20100"
    # The cores stack: the same stair and shaft rectangles on every storey.
    for role in ("stair_w", "stair_e", "shaft_1", "shaft_2"):
        assert len({s.room(role).anchor for s in plan.storeys}) == 1


def test_smallest_building_has_offices_and_two_digit_room_numbers():
    plan = plan_building(storeys=2, rooms_per_storey=MIN_ROOMS_PER_STOREY, seed=0)
    upper = plan.storeys[1]
    assert [r.number for r in upper.rooms][:2] == ["0201", "0202"]
    assert any(r.category == "office" for r in upper.rooms)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"storeys": 0},
        {"rooms_per_storey": MIN_ROOMS_PER_STOREY - 1},
        {"schema": "IFC5"},
        {"units": "cm"},
    ],
)
def test_bad_arguments_raise_layout_error(tmp_path, kwargs):
    with pytest.raises(LayoutError):
        generate_office_building(tmp_path / "bad.ifc", **kwargs)
    assert not (tmp_path / "bad.ifc").exists()


def test_generation_logs_a_summary(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="ifc_models.demo_building"):
        _generate(tmp_path, "log", storeys=1, rooms_per_storey=12)
    assert "12 spaces" in caplog.text
