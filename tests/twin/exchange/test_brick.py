"""Brick: point classes checked against the ontology, and the twin as a valid Brick graph."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import RDF

from tests.conftest import sample_dir
from twin.buildings.ingest import ingest
from twin.demo.simulator import template_rows
from twin.devices.errors import RegistryFileError
from twin.devices.registry import bind, parse_csv
from twin.exchange import brick
from twin.exchange.errors import BrickClassError, UnitError

BRICK = rdflib.Namespace(brick.BRICK_NS)
REC = rdflib.Namespace(brick.REC_NS)
REF = rdflib.Namespace(brick.REF_NS)

HEADER = "device_id,global_id,point,brick_class,unit\n"


def test_a_misspelt_point_class_is_a_row_error_naming_the_closest_real_classes() -> None:
    text = HEADER + "TS-1,,temp,Zone_Air_Temprature_Sensor,degC\nTS-1,,co2,CO2_Sensor,ppm\n"
    with pytest.raises(RegistryFileError) as caught:
        parse_csv(text)
    assert [number for number, _ in caught.value.errors] == [1]
    message = caught.value.errors[0][1]
    assert "Zone_Air_Temprature_Sensor" in message
    assert "Zone_Air_Temperature_Sensor" in message.split("closest:")[1]


def test_suggestions_are_real_point_classes() -> None:
    with pytest.raises(BrickClassError) as caught:
        brick.check_point_class("Electrical_Energy_Sensr")
    assert caught.value.closest
    assert set(caught.value.closest) <= brick.vocabulary().points
    assert "Electric_Energy_Sensor" in caught.value.closest


def test_an_equipment_class_is_not_a_point() -> None:
    with pytest.raises(BrickClassError, match="equipment class, not a point"):
        brick.check_point_class("Boiler")


def test_a_deprecated_class_names_its_replacement() -> None:
    deprecated = sorted(
        name
        for name, instead in brick.vocabulary().deprecated.items()
        if name in brick.vocabulary().points and instead
    )
    name = deprecated[0]
    with pytest.raises(BrickClassError, match="deprecated") as caught:
        brick.check_point_class(name)
    assert caught.value.closest == brick.vocabulary().deprecated[name]


def test_point_classes_the_project_used_to_write_load_as_their_brick_points() -> None:
    rows = parse_csv(HEADER + "LD-1,,leak,Leak_Detector_Equipment,bool\nEM-1,,e,Energy_Meter,kWh\n")
    assert [r.point.brick_class for r in rows] == ["Leak_Alarm", "Electric_Energy_Sensor"]
    assert rows[1].point.is_energy
    for legacy, meant in brick.LEGACY_POINT_CLASSES.items():
        assert legacy not in brick.vocabulary().points or legacy in brick.vocabulary().equipment
        assert meant in brick.vocabulary().points


def test_an_unknown_unit_is_a_row_error() -> None:
    with pytest.raises(RegistryFileError, match="unknown unit 'degK'"):
        parse_csv(HEADER + "TS-1,,temp,Zone_Air_Temperature_Sensor,degK\n")


def test_units_map_to_qudt() -> None:
    assert brick.qudt_unit("degC") == "DEG_C"
    assert brick.qudt_unit("kWh") == "KiloW-HR"
    assert brick.qudt_unit("unit:DEG_F") == "DEG_F"
    assert brick.qudt_unit("bool") is None
    with pytest.raises(UnitError):
        brick.qudt_unit("FOO_BAR")


def test_every_class_the_twin_writes_is_in_the_ontology() -> None:
    vocab = brick.vocabulary()
    assert set(brick.ROOM_CLASSES.values()) <= vocab.locations
    assert set(brick.EQUIPMENT_CLASSES.values()) <= vocab.equipment
    assert set(brick.FEEDS_ROOM) <= vocab.equipment
    from twin.demo.simulator import PROFILES
    from twin.devices.registry import ENERGY_CLASSES

    used = {p.brick_class for points in PROFILES.values() for p in points} | ENERGY_CLASSES
    assert used <= vocab.points


def test_the_shipped_vocabulary_matches_the_installed_ontology() -> None:
    built = brick.build_vocabulary()
    vocab = brick.vocabulary()
    assert frozenset(built["points"]) == vocab.points
    assert frozenset(built["equipment"]) == vocab.equipment
    assert frozenset(built["locations"]) == vocab.locations
    assert len(vocab.points) > 800


MODELS = ("Office_A_20110811.ifc", "3rooms_Heater_AirTerminal_Table_with_SB.ifc")


def _export(name: str, cache):  # type: ignore[no-untyped-def]
    building = ingest([sample_dir() / name], cache_dir=cache).building
    devices = bind("office", building, template_rows(building)).devices
    return (building, devices), brick.brick_graph(building, devices, building_id="office")


@pytest.fixture(scope="module", params=MODELS)
def office_graph(request, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return _export(request.param, tmp_path_factory.mktemp("brick-cache"))


@pytest.mark.samples
def test_brick_export_of_a_real_model_with_devices_is_shacl_valid(office_graph) -> None:
    """Office_A: 99 rooms and 31 fixtures; 3rooms: heaters and air terminals feeding rooms."""
    (building, devices), graph = office_graph
    check = brick.validate_brick(graph)
    assert check.conforms, check.report[:2000]
    assert check.unknown_classes == ()
    # Every room, with its GlobalId and usable area; every piece of equipment; every point.
    rooms = {
        str(o)
        for s in graph.subjects(BRICK.netArea, None)
        for r in graph.objects(s, REF.hasExternalReference)
        for o in graph.objects(r, REF.ifcGlobalID)
    }
    assert rooms == {s.global_id for s in building.spaces if s.footprint is not None}
    points = set(graph.subjects(REF.hasExternalReference, None)) & {
        s for s, _, _ in graph.triples((None, RDF.type, None)) if "/point/" in str(s)
    }
    assert len(points) == sum(len(d.points) for d in devices) > 0
    assert len(set(graph.objects(None, BRICK.hasPoint))) == len(points)
    feeders = {
        e.global_id
        for e in building.equipment
        if e.space_id and brick.equipment_class(e.ifc_class, e.predefined_type) in brick.FEEDS_ROOM
    }
    fed = {str(s).rsplit("/", 1)[1] for s in graph.subjects(BRICK.feeds, None)}
    assert {brick.quote(g, safe="") for g in feeders} == fed
    if "3rooms" in building.sources[0].name:
        assert fed
    assert len(set(graph.objects(None, REC.isLocationOf))) == len(building.equipment) + len(
        building.lifts
    )


@pytest.mark.samples
def test_shacl_validation_fails_a_broken_graph(tmp_path) -> None:
    _, graph = _export(MODELS[1], tmp_path)
    broken = rdflib.Graph()
    broken += graph
    point = next(p for p in broken.objects(None, BRICK.hasPoint))
    # A unit that is not a QUDT unit (nothing declares it one).
    broken.set((point, BRICK.hasUnit, rdflib.URIRef("urn:not-a-unit")))
    check = brick.validate_brick(broken)
    assert not check.conforms
    assert "urn:not-a-unit" in check.report
    broken.add((point, RDF.type, BRICK.Not_A_Class))
    assert brick.validate_brick(broken).unknown_classes == ("Not_A_Class",)
