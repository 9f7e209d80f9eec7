"""Brick: the twin as a Brick graph, and the Brick vocabulary devices are checked against.

Two halves with different costs:

- **The vocabulary** (:func:`vocabulary`, :func:`check_point_class`,
  :func:`qudt_unit`) answers "is this a Brick point class?" when devices are
  registered. Loading the ontology with rdflib takes 2-3 s here, so the class
  names, their kind (point, equipment, location) and the deprecated names are
  read once from the ontology into ``twin/data/brick/vocabulary-<version>.json``
  (``python -m twin.exchange.brick`` rewrites it; a test checks it still
  matches the installed ontology). Checking a class costs a set lookup.
- **The export** (:func:`brick_graph`, :func:`brick_turtle`,
  :func:`validate_brick`) builds an rdflib graph with RealEstateCore
  locations (``rec:Site``, ``rec:Building``, ``rec:Level``, ``rec:Room`` and
  its subclasses: Brick 1.4 deprecated its own location classes for these),
  Brick equipment and points, QUDT units, ``brick:hasPart``,
  ``brick:isLocationOf``, ``brick:feeds`` and ``brick:hasPoint``, IFC
  GlobalIds as ``ref:IFCReference`` and device ids as
  ``ref:TimeseriesReference``. rdflib and brickschema are imported only
  here, inside the functions, so no other command pays for them.

Units are QUDT units (``unit:DEG_C``). The ontology ships only the units its
shapes mention, so the spellings the twin accepts (``degC``, ``kWh``, ...)
map to QUDT ids through :data:`QUDT_UNITS`; a unit already written as a QUDT
id (``DEG_C`` or ``unit:DEG_C``) passes when it is one of those or one the
ontology's shapes name.

Examples
--------
>>> check_point_class("Zone_Air_Temperature_Sensor")
'Zone_Air_Temperature_Sensor'
>>> check_point_class("Zone_Air_Temprature_Sensor")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
BrickClassError: unknown Brick point class 'Zone_Air_Temprature_Sensor'; closest: ...
>>> qudt_unit("kWh")
'KiloW-HR'

Over 400 lines: the vocabulary half and the export half are each about 300
lines and share the class tables; they may part when the export grows.
"""

from __future__ import annotations

import difflib
import functools
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from spatial.areas import usable_area
from spatial.records import Building
from spatial.room_types import RoomTypeRules
from twin.exchange.errors import (
    BackendMissingError,
    BrickClassError,
    BrickValidationError,
    UnitError,
)

if TYPE_CHECKING:
    import rdflib

    from twin.devices.registry import Device

log = logging.getLogger(__name__)

#: The Brick version the twin speaks (brickschema ships 1.1-1.5; 1.4 is the
#: first with RealEstateCore location classes and the one tools support).
BRICK_VERSION = "1.4"
BRICK_NS = "https://brickschema.org/schema/Brick#"
REC_NS = "https://w3id.org/rec#"
REF_NS = "https://brickschema.org/schema/Brick/ref#"
UNIT_NS = "http://qudt.org/vocab/unit/"
QUDT_NS = "http://qudt.org/schema/qudt/"
#: The shipped vocabulary, read from the ontology (see the module docstring).
VOCABULARY_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "brick" / f"vocabulary-{BRICK_VERSION}.json"
)
#: How many real classes an error suggests, and how alike they must be (difflib ratio).
CLOSEST_COUNT = 5
CLOSEST_CUTOFF = 0.5
#: Digits of areas (m²) in the graph.
AREA_DIGITS = 2

#: Unit spellings the twin accepts → QUDT unit ids. Booleans, counts and
#: dimensionless values carry no unit (Brick's shapes expect none).
QUDT_UNITS: Mapping[str, str | None] = {
    "": None,
    "bool": None,
    "boolean": None,
    "count": None,
    "degc": "DEG_C",
    "°c": "DEG_C",
    "c": "DEG_C",
    "k": "K",
    "degf": "DEG_F",
    "°f": "DEG_F",
    "%": "PERCENT",
    "percent": "PERCENT",
    "%rh": "PERCENT_RH",
    "ppm": "PPM",
    "ppb": "PPB",
    "pa": "PA",
    "kpa": "KiloPA",
    "bar": "BAR",
    "wh": "W-HR",
    "kwh": "KiloW-HR",
    "mwh": "MegaW-HR",
    "w": "W",
    "kw": "KiloW",
    "v": "V",
    "a": "A",
    "hz": "HZ",
    "lx": "LUX",
    "lux": "LUX",
    "m3/h": "M3-PER-HR",
    "m3/s": "M3-PER-SEC",
    "l/s": "L-PER-SEC",
    "m/s": "M-PER-SEC",
    "rpm": "REV-PER-MIN",
    "m": "M",
    "mm": "MilliM",
    "m2": "M2",
    "m3": "M3",
    "s": "SEC",
    "h": "HR",
    "kg": "KiloGM",
    "ug/m3": "MicroGM-PER-M3",
    "µg/m3": "MicroGM-PER-M3",
}
#: A unit written as a QUDT id: ``DEG_C``, ``KiloW-HR``, optionally ``unit:``-prefixed.
QUDT_ID = re.compile(r"^(?:unit:)?([A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)$")

#: Room types of the twin (:mod:`spatial.room_types`) → RealEstateCore room classes.
ROOM_CLASSES: Mapping[str, str] = {
    "office": "rec:Office",
    "meeting": "rec:ConferenceRoom",
    "reception": "rec:Reception",
    "circulation": "rec:Hallway",
    "stair": "rec:Stairwell",
    "lift": "rec:ElevatorShaft",
    "toilet": "rec:Toilet",
    "tea": "rec:Kitchenette",
    "storage": "rec:Storage",
    "it": "rec:DataServerRoom",
    "plant": "rec:UtilitiesRoom",
    "other": "rec:Room",
}
#: IFC classes (and IFC2X3 predefined types) → Brick equipment classes; the
#: most specific match wins, :data:`DEFAULT_EQUIPMENT_CLASS` otherwise.
EQUIPMENT_CLASSES: Mapping[str, str] = {
    "IfcAirTerminal": "Air_Diffuser",
    "IfcAirTerminalBox": "Terminal_Unit",
    "IfcAlarm": "Safety_Equipment",
    "IfcBoiler": "Boiler",
    "IfcChiller": "Chiller",
    "IfcCoil": "Coil",
    "IfcController": "Controller",
    "IfcCoolingTower": "Cooling_Tower",
    "IfcDamper": "Damper",
    "IfcElectricDistributionBoard": "Electrical_Equipment",
    "IfcFan": "Fan",
    "IfcFilter": "Filter",
    "IfcFireSuppressionTerminal": "Fire_Safety_Equipment",
    "IfcFlowMeter": "Meter",
    "IfcHeatExchanger": "Heat_Exchanger",
    "IfcHumidifier": "Humidifier",
    "IfcLamp": "Luminaire",
    "IfcLightFixture": "Luminaire",
    "IfcPump": "Pump",
    "IfcSensor": "Sensor_Equipment",
    "IfcSpaceHeater": "Space_Heater",
    "IfcTransportElement": "Elevator",
    "IfcUnitaryEquipment": "Terminal_Unit",
    "IfcValve": "Valve",
    "ENERGYMETER": "Electrical_Meter",
    "FANCOILUNIT": "Fan_Coil_Unit",
    "MOISTURESENSOR": "Leak_Detector_Equipment",
    "SMOKESENSOR": "Smoke_Detector",
}
DEFAULT_EQUIPMENT_CLASS = "Equipment"
#: Point classes this project wrote into registries before it checked them
#: against Brick, and the Brick point each one meant. Stored registries with
#: them still load (with a warning), so an upgrade loses no devices.
LEGACY_POINT_CLASSES: Mapping[str, str] = {
    "Electrical_Energy_Sensor": "Electric_Energy_Sensor",
    "Energy_Meter": "Electric_Energy_Sensor",
    "Electrical_Meter": "Electric_Energy_Sensor",
    "Leak_Detector_Equipment": "Leak_Alarm",
}
#: Equipment that conditions the room it stands in: it ``brick:feeds`` that room.
FEEDS_ROOM = frozenset(
    {"Air_Diffuser", "Terminal_Unit", "Fan_Coil_Unit", "Space_Heater", "Fan", "Luminaire"}
)


# --------------------------------------------------------------------------- vocabulary
@dataclass(frozen=True)
class BrickVocabulary:
    """The class names of one Brick version, by kind.

    Brick classes are local names (``Zone_Air_Temperature_Sensor``),
    RealEstateCore classes carry their prefix (``rec:Room``). ``deprecated``
    maps a deprecated name to its replacements.
    """

    version: str
    points: frozenset[str]
    equipment: frozenset[str]
    locations: frozenset[str]
    deprecated: Mapping[str, tuple[str, ...]]
    units: frozenset[str] = frozenset()

    @property
    def classes(self) -> frozenset[str]:
        return self.points | self.equipment | self.locations

    def closest(self, name: str, among: Iterable[str] | None = None) -> tuple[str, ...]:
        """The real classes nearest to ``name`` (case-insensitive), best first."""
        pool = sorted(among if among is not None else self.classes)
        folded = {c.casefold(): c for c in pool}
        hits = difflib.get_close_matches(
            name.casefold(), list(folded), n=CLOSEST_COUNT, cutoff=CLOSEST_CUTOFF
        )
        return tuple(folded[h] for h in hits)


@functools.cache
def vocabulary() -> BrickVocabulary:
    """The shipped vocabulary of :data:`BRICK_VERSION` (read once per process)."""
    data = json.loads(VOCABULARY_FILE.read_text("utf-8"))
    return BrickVocabulary(
        version=data["version"],
        points=frozenset(data["points"]),
        equipment=frozenset(data["equipment"]),
        locations=frozenset(data["locations"]),
        deprecated={k: tuple(v) for k, v in data["deprecated"].items()},
        units=frozenset(data["units"]),
    )


def check_point_class(name: str) -> str:
    """``name`` if it is a current Brick point class, else an error naming real ones.

    Parameters
    ----------
    name
        A Brick class local name, as a registry row gives it.

    Returns
    -------
    str
        ``name``, or the Brick point a name of :data:`LEGACY_POINT_CLASSES` meant.

    Raises
    ------
    BrickClassError
        The name is unknown (the closest point classes are suggested),
        deprecated (its replacement is named) or an equipment or location
        class (the closest point classes are suggested).
    """
    vocab = vocabulary()
    if name in vocab.points and name not in vocab.deprecated:
        return name
    if name in LEGACY_POINT_CLASSES:
        log.warning(
            "point class %r is not a Brick point: read as %r", name, LEGACY_POINT_CLASSES[name]
        )
        return LEGACY_POINT_CLASSES[name]
    if name in vocab.deprecated:
        instead = vocab.deprecated[name]
        raise BrickClassError(
            f"Brick class {name!r} is deprecated in Brick {vocab.version}; "
            f"use {', '.join(instead) or 'a current class'}",
            name,
            instead,
        )
    closest = vocab.closest(name, vocab.points)
    if name in vocab.equipment or name in vocab.locations:
        kind = "equipment" if name in vocab.equipment else "location"
        message = f"{name!r} is a Brick {kind} class, not a point"
    else:
        message = f"unknown Brick point class {name!r}"
    hint = f"; closest: {', '.join(closest)}" if closest else ""
    raise BrickClassError(message + hint, name, closest)


def qudt_unit(unit: str) -> str | None:
    """The QUDT unit id of a unit the twin accepts (``None``: no unit, e.g. booleans).

    Raises
    ------
    UnitError
        For a spelling that is neither in :data:`QUDT_UNITS` nor a QUDT id.
    """
    key = unit.strip().casefold()
    if key in QUDT_UNITS:
        return QUDT_UNITS[key]
    match = QUDT_ID.match(unit.strip())
    if match and (match.group(1) in QUDT_UNITS.values() or match.group(1) in vocabulary().units):
        return match.group(1)
    spellings = [k for k in QUDT_UNITS if k]
    closest = tuple(difflib.get_close_matches(key, spellings, n=CLOSEST_COUNT, cutoff=0.4))
    hint = f"; closest: {', '.join(closest)}" if closest else ""
    raise UnitError(f"unknown unit {unit!r} (no QUDT unit){hint}", unit, closest)


def check_unit(unit: str) -> str:
    """``unit`` unchanged when it has a QUDT unit (:func:`qudt_unit`), else ``UnitError``."""
    qudt_unit(unit)
    return unit


def equipment_class(ifc_class: str, predefined_type: str = "") -> str:
    """The Brick equipment class of an IFC element (see :data:`EQUIPMENT_CLASSES`)."""
    return (
        EQUIPMENT_CLASSES.get(predefined_type.upper())
        or EQUIPMENT_CLASSES.get(ifc_class)
        or DEFAULT_EQUIPMENT_CLASS
    )


def build_vocabulary(version: str = BRICK_VERSION) -> dict[str, Any]:
    """The vocabulary file's content, read from the installed ontology (slow: seconds)."""
    rdflib, brickschema = _backend()
    from rdflib.namespace import OWL, RDFS

    graph = brickschema.Graph(load_brick=True, brick_version=version)
    brick, rec = rdflib.Namespace(BRICK_NS), rdflib.Namespace(REC_NS)

    def below(*roots: rdflib.URIRef) -> set[str]:
        found: set[rdflib.term.Node] = set()
        todo = list(roots)
        while todo:
            node = todo.pop()
            if node in found:
                continue
            found.add(node)
            todo.extend(graph.subjects(RDFS.subClassOf, node))
            todo.extend(graph.subjects(OWL.equivalentClass, node))
        return {n for n in map(_local_name, found) if n}

    deprecated = {
        name: sorted(filter(None, map(_local_name, graph.objects(node, brick.isReplacedBy))))
        for node in graph.subjects(OWL.deprecated, rdflib.Literal(True))
        if (name := _local_name(node))
    }
    return {
        "version": version,
        "points": sorted(below(brick.Point)),
        "equipment": sorted(below(brick.Equipment)),
        "locations": sorted(below(brick.Location, rec.Space)),
        "deprecated": dict(sorted(deprecated.items())),
        "units": sorted(
            str(n)[len(UNIT_NS) :]
            for n in graph.all_nodes()
            if isinstance(n, rdflib.URIRef) and str(n).startswith(UNIT_NS)
        ),
    }


def _local_name(node: object) -> str | None:
    text = str(node)
    if text.startswith(BRICK_NS):
        return text[len(BRICK_NS) :]
    if text.startswith(REC_NS):
        return "rec:" + text[len(REC_NS) :]
    return None


# --------------------------------------------------------------------------- export
def _backend() -> tuple[Any, Any]:
    try:
        import brickschema
        import rdflib
    except ImportError as exc:
        raise BackendMissingError(f"Brick export needs brickschema (pip install): {exc}") from exc
    return rdflib, brickschema


def _iri(base: str, *parts: str) -> str:
    return base + "/".join(quote(p, safe="") for p in parts)


def brick_graph(
    building: Building,
    devices: Sequence[Device] = (),
    *,
    building_id: str,
    room_types: Mapping[str, str] | None = None,
) -> rdflib.Graph:
    """The twin of ``building`` and its ``devices`` as a Brick graph.

    Parameters
    ----------
    building
        The building (areas in m²).
    devices
        Devices of the building; each point becomes a Brick point with its
        QUDT unit and a ``ref:TimeseriesReference`` whose id is
        ``<device_id>/<point>``. A device bound to equipment hangs its points
        on that equipment, one bound to a room on the room.
    building_id
        The twin's id of the building: entities are
        ``urn:bim-twin:<building_id>/<GlobalId>``.
    room_types
        ``{space GlobalId: room type}`` (default: the twin's keyword rules),
        giving each room its RealEstateCore class.

    Returns
    -------
    rdflib.Graph
        Prefixes ``brick``, ``rec``, ``ref``, ``unit`` and ``bldg`` bound.

    Raises
    ------
    BackendMissingError
        When rdflib/brickschema are not installed.
    """
    rdflib, _ = _backend()
    from rdflib.namespace import RDF, RDFS, XSD

    brick, rec = rdflib.Namespace(BRICK_NS), rdflib.Namespace(REC_NS)
    ref, unit = rdflib.Namespace(REF_NS), rdflib.Namespace(UNIT_NS)
    qudt_ns = rdflib.Namespace(QUDT_NS)
    base = f"urn:bim-twin:{quote(building_id, safe='')}/"
    g = rdflib.Graph()
    for prefix, ns in (("brick", brick), ("rec", rec), ("ref", ref), ("unit", unit)):
        g.bind(prefix, ns)
    g.bind("bldg", rdflib.Namespace(base))

    def node(*parts: str) -> rdflib.URIRef:
        return rdflib.URIRef(_iri(base, *parts))

    def cls(name: str) -> rdflib.URIRef:
        return rec[name[4:]] if name.startswith("rec:") else brick[name]

    def label(subject: rdflib.URIRef, text: str) -> None:
        if text:
            g.add((subject, RDFS.label, rdflib.Literal(text)))

    project = node("project")
    g.add((project, RDF.type, ref.ifcProject))
    g.add((project, ref.ifcProjectID, rdflib.Literal(building.global_id)))
    location = ", ".join(s.name for s in building.sources) or building.name
    g.add((project, ref.ifcFileLocation, rdflib.Literal(location)))

    def ifc(subject: rdflib.URIRef, global_id: str, name: str) -> None:
        reference = rdflib.BNode()
        g.add((subject, ref.hasExternalReference, reference))
        g.add((reference, RDF.type, ref.IFCReference))
        g.add((reference, ref.ifcGlobalID, rdflib.Literal(global_id)))
        g.add((reference, ref.hasIfcProjectReference, project))
        if name:
            g.add((reference, ref.ifcName, rdflib.Literal(name)))

    site = node("site")
    g.add((site, RDF.type, rec.Site))
    label(site, building.name)
    here = node(building.global_id)
    g.add((here, RDF.type, rec.Building))
    label(here, building.name)
    ifc(here, building.global_id, building.name)
    g.add((site, brick.hasPart, here))

    storeys: dict[str, rdflib.URIRef] = {}
    for storey in building.storeys:
        level = storeys[storey.global_id] = node(storey.global_id)
        for alias in storey.aliases:
            storeys[alias] = level
        g.add((level, RDF.type, rec.Level))
        label(level, storey.name)
        ifc(level, storey.global_id, storey.name)
        g.add((here, brick.hasPart, level))

    types = room_types or RoomTypeRules().classify_all(building.spaces)
    rooms: dict[str, rdflib.URIRef] = {}
    for space in building.spaces:
        room = rooms[space.global_id] = node(space.global_id)
        g.add((room, RDF.type, cls(ROOM_CLASSES.get(types.get(space.global_id, ""), "rec:Room"))))
        label(room, " ".join(t for t in (space.name, space.long_name) if t))
        ifc(room, space.global_id, space.name)
        g.add((storeys.get(space.storey_id, here), brick.hasPart, room))
        area_m2 = usable_area(space).area_m2
        if area_m2 is not None:
            area = rdflib.BNode()
            g.add((room, brick.netArea, area))
            value = rdflib.Literal(str(round(area_m2, AREA_DIGITS)), datatype=XSD.decimal)
            g.add((area, brick.value, value))
            g.add((area, brick.hasUnit, unit.M2))
            g.add((unit.M2, RDF.type, qudt_ns.Unit))

    equipment: dict[str, rdflib.URIRef] = {}
    for item in building.equipment:
        subject = equipment[item.global_id] = node(item.global_id)
        kind = equipment_class(item.ifc_class, item.predefined_type)
        g.add((subject, RDF.type, brick[kind]))
        label(subject, item.name or item.tag)
        ifc(subject, item.global_id, item.name)
        where = rooms.get(item.space_id or "") or storeys.get(item.storey_id or "") or here
        g.add((where, rec.isLocationOf, subject))
        if kind in FEEDS_ROOM and item.space_id in rooms:
            g.add((subject, brick.feeds, rooms[item.space_id]))
    for link in building.lifts:
        subject = equipment[link.global_id] = node(link.global_id)
        g.add((subject, RDF.type, brick.Elevator))
        label(subject, link.name)
        ifc(subject, link.global_id, link.name)
        g.add((here, rec.isLocationOf, subject))

    for device in devices:
        owner = equipment.get(device.global_id or "") or rooms.get(device.global_id or "")
        for spec in device.points.values():
            point = node("point", device.device_id, spec.name)
            g.add((point, RDF.type, brick[spec.brick_class]))
            label(point, f"{device.device_id} {spec.name}")
            qudt = qudt_unit(spec.unit)
            if qudt is not None:
                g.add((point, brick.hasUnit, unit[qudt]))
                g.add((unit[qudt], RDF.type, qudt_ns.Unit))
            series = rdflib.BNode()
            g.add((point, ref.hasExternalReference, series))
            g.add((series, RDF.type, ref.TimeseriesReference))
            g.add((series, ref.hasTimeseriesId, rdflib.Literal(f"{device.device_id}/{spec.name}")))
            if owner is not None:
                g.add((owner, brick.hasPoint, point))
    return g


def brick_turtle(
    building: Building,
    devices: Sequence[Device] = (),
    *,
    building_id: str,
    room_types: Mapping[str, str] | None = None,
) -> bytes:
    """:func:`brick_graph` serialised as Turtle (UTF-8 bytes)."""
    graph = brick_graph(building, devices, building_id=building_id, room_types=room_types)
    return graph.serialize(format="turtle", encoding="utf-8")


@dataclass(frozen=True)
class BrickCheck:
    """The outcome of :func:`validate_brick`.

    ``conforms`` is SHACL conformance against the ontology; ``unknown_classes``
    lists classes used in the graph that the ontology does not define (SHACL
    alone lets those through); ``report`` is the validator's text.
    """

    conforms: bool
    unknown_classes: tuple[str, ...]
    report: str

    @property
    def ok(self) -> bool:
        return self.conforms and not self.unknown_classes


@functools.cache
def _ontology(version: str) -> Any:
    _, brickschema = _backend()
    return brickschema.Graph(load_brick=True, brick_version=version)


def validate_brick(graph: rdflib.Graph, *, version: str = BRICK_VERSION) -> BrickCheck:
    """Check a Brick graph with brickschema's SHACL validation and the ontology's classes.

    The ontology is loaded once per process (2-3 s); validation runs the
    fastest SHACL engine brickschema finds.
    """
    _, brickschema = _backend()
    from rdflib.namespace import RDF

    vocab = vocabulary()
    unknown = sorted(
        {
            name or str(cls)
            for cls in set(graph.objects(None, RDF.type))
            if (str(cls).startswith((BRICK_NS, REC_NS)))
            and ((name := _local_name(cls)) not in vocab.classes)
        }
    )
    data = brickschema.Graph()
    data += graph
    conforms, _results, report = data.validate(extra_graphs=[_ontology(version)])
    return BrickCheck(bool(conforms), tuple(unknown), str(report))


def require_valid(graph: rdflib.Graph) -> BrickCheck:
    """:func:`validate_brick`, raising :class:`BrickValidationError` when it fails."""
    check = validate_brick(graph)
    if not check.ok:
        problems = []
        if check.unknown_classes:
            problems.append(f"classes not in Brick: {', '.join(check.unknown_classes)}")
        if not check.conforms:
            problems.append("SHACL violations")
        raise BrickValidationError("Brick graph invalid: " + "; ".join(problems), check.report)
    return check


if __name__ == "__main__":  # python -m twin.exchange.brick: rewrite the shipped vocabulary
    logging.basicConfig(level=logging.INFO)
    VOCABULARY_FILE.parent.mkdir(parents=True, exist_ok=True)
    VOCABULARY_FILE.write_text(json.dumps(build_vocabulary(), indent=0) + "\n", "utf-8")
    log.info("wrote %s", VOCABULARY_FILE)
