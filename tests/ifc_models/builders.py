"""Tiny IFC models built in code with ``ifcopenshell.api``, with known answers.

The plan (metres, world XY), one storey at z = 0 unless asked for more::

        y
      3 +-----------+ +-----------+
        |  room A   | |  room B   |
        |  4 x 3    D1  4 x 3     |      D1: interior door in the wall x = 4 .. 4.2
        |           | |           |
      0 +---D0------+ +-----------+ x    D0: exterior door in the wall y = -0.2 .. 0
        0           4 4.2         8.2

Room A holds a sensor contained in the space; room B a terminal contained
only in the storey (found by geometry); one more terminal stands outside the
building (unlocated) and a pipe segment is network, not equipment.

``without_storey=True`` writes the same plan the way AutoCAD Architecture
exports it: no IfcBuildingStorey at all, rooms aggregated and doors, walls
and equipment contained directly in the IfcBuilding, which is placed at
:data:`BUILDING_ELEVATION`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ifcopenshell
import ifcopenshell.api
import numpy as np

ROOM_A = ((0.0, 0.0), (4.0, 0.0), (4.0, 3.0), (0.0, 3.0))
ROOM_B = ((4.2, 0.0), (8.2, 0.0), (8.2, 3.0), (4.2, 3.0))
ROOM_HEIGHT = 2.8
STOREY_HEIGHT = 3.2
#: World Z (m) of the IfcBuilding of a model written ``without_storey``.
BUILDING_ELEVATION = 1.5


@dataclass(frozen=True)
class Built:
    """Where a built model lies and the GlobalIds of its parts."""

    path: Path
    storeys: tuple[str, ...]
    room_a: str
    room_b: str
    interior_door: str
    exterior_door: str
    sensor: str
    terminal: str
    outside_terminal: str


def build_two_rooms(
    path: Path,
    *,
    schema: str = "IFC4",
    units: str = "m",
    storeys: int = 1,
    upper_elevation_attribute: bool = True,
    without_storey: bool = False,
) -> Built:
    """Write the two-room model to ``path`` and return its GlobalIds.

    ``units="mm"`` writes every length in millimetres. With ``storeys=2`` an
    upper storey with the same two rooms sits at :data:`STOREY_HEIGHT`; with
    ``upper_elevation_attribute=False`` that storey has no ``Elevation`` and
    its placement is at z = 0, so its level must come from its rooms. With
    ``without_storey=True`` (one level only) the IfcBuilding holds everything
    and ``Built.storeys`` names the building.
    """
    if without_storey and storeys != 1:
        raise ValueError("a model without storeys has exactly one level")
    scale = 1000.0 if units == "mm" else 1.0
    f = ifcopenshell.api.run("project.create_file", version=schema)
    if schema == "IFC2X3":
        _owner_history(f)
    project = ifcopenshell.api.run("root.create_entity", f, ifc_class="IfcProject", name="Test")
    length = ifcopenshell.api.run(
        "unit.add_si_unit", f, unit_type="LENGTHUNIT", prefix="MILLI" if units == "mm" else None
    )
    area = ifcopenshell.api.run("unit.add_si_unit", f, unit_type="AREAUNIT")
    ifcopenshell.api.run("unit.assign_unit", f, units=[length, area])
    model = ifcopenshell.api.run("context.add_context", f, context_type="Model")
    body = ifcopenshell.api.run(
        "context.add_context",
        f,
        context_type="Model",
        context_identifier="Body",
        target_view="MODEL_VIEW",
        parent=model,
    )
    site = ifcopenshell.api.run("root.create_entity", f, ifc_class="IfcSite", name="Site")
    building = ifcopenshell.api.run("root.create_entity", f, ifc_class="IfcBuilding", name="B")
    ifcopenshell.api.run("aggregate.assign_object", f, products=[site], relating_object=project)
    ifcopenshell.api.run("aggregate.assign_object", f, products=[building], relating_object=site)

    def place(product: ifcopenshell.entity_instance, x: float, y: float, z: float) -> None:
        matrix = np.eye(4)
        matrix[:3, 3] = (x, y, z)
        ifcopenshell.api.run("geometry.edit_object_placement", f, product=product, matrix=matrix)

    def prism(product, outline, height: float) -> None:  # type: ignore[no-untyped-def]
        points = [f.createIfcCartesianPoint((x * scale, y * scale)) for x, y in outline]
        profile = f.createIfcArbitraryClosedProfileDef(
            "AREA", None, f.createIfcPolyline([*points, points[0]])
        )
        representation = ifcopenshell.api.run(
            "geometry.add_profile_representation",
            f,
            context=body,
            profile=profile,
            depth=height,  # the API takes the depth in metres and converts it
        )
        ifcopenshell.api.run(
            "geometry.assign_representation", f, product=product, representation=representation
        )

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[tuple[float, float], ...]:
        return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))

    storey_ids: list[str] = []
    first: dict[str, str] = {}
    if without_storey:
        place(building, 0.0, 0.0, BUILDING_ELEVATION)
    for level in range(storeys):
        z = level * STOREY_HEIGHT + (BUILDING_ELEVATION if without_storey else 0.0)
        if without_storey:
            storey = building
        else:
            storey = ifcopenshell.api.run(
                "root.create_entity", f, ifc_class="IfcBuildingStorey", name=f"Level {level}"
            )
            ifcopenshell.api.run(
                "aggregate.assign_object", f, products=[storey], relating_object=building
            )
            if level == 0 or upper_elevation_attribute:
                storey.Elevation = z * scale
                place(storey, 0.0, 0.0, z)
            else:
                place(storey, 0.0, 0.0, 0.0)
        storey_ids.append(storey.GlobalId)
        rooms = []
        for number, outline in (("01", ROOM_A), ("02", ROOM_B)):
            space = ifcopenshell.api.run(
                "root.create_entity", f, ifc_class="IfcSpace", name=f"{level}{number}"
            )
            space.LongName = "办公室" if number == "01" else "Meeting room"
            ifcopenshell.api.run(
                "aggregate.assign_object", f, products=[space], relating_object=storey
            )
            place(space, 0.0, 0.0, z)
            prism(space, outline, ROOM_HEIGHT)
            qto = ifcopenshell.api.run(
                "pset.add_qto", f, product=space, name="Qto_SpaceBaseQuantities"
            )
            ifcopenshell.api.run("pset.edit_qto", f, qto=qto, properties={"NetFloorArea": 12.0})
            rooms.append(space)
        wall_class = "IfcWallStandardCase" if schema == "IFC2X3" else "IfcWall"
        doors = []
        for name, wall_outline, door_outline in (
            ("interior", box(4.0, -0.2, 4.2, 3.2), box(4.0, 1.05, 4.2, 1.95)),
            ("exterior", box(-0.2, -0.2, 8.4, 0.0), box(1.5, -0.2, 2.4, 0.0)),
        ):
            wall = ifcopenshell.api.run("root.create_entity", f, ifc_class=wall_class, name=name)
            ifcopenshell.api.run(
                "spatial.assign_container", f, products=[wall], relating_structure=storey
            )
            place(wall, 0.0, 0.0, z)
            prism(wall, wall_outline, ROOM_HEIGHT)
            opening = ifcopenshell.api.run(
                "root.create_entity", f, ifc_class="IfcOpeningElement", name=f"{name} opening"
            )
            place(opening, 0.0, 0.0, z)
            prism(opening, door_outline, 2.1)
            ifcopenshell.api.run("feature.add_feature", f, feature=opening, element=wall)
            door = ifcopenshell.api.run(
                "root.create_entity", f, ifc_class="IfcDoor", name=f"{name} door"
            )
            door.OverallWidth = 0.9 * scale
            door.OverallHeight = 2.1 * scale
            ifcopenshell.api.run(
                "spatial.assign_container", f, products=[door], relating_structure=storey
            )
            place(door, 0.0, 0.0, z)
            prism(door, door_outline, 2.1)
            ifcopenshell.api.run("feature.add_filling", f, opening=opening, element=door)
            doors.append(door)
        if level == 0:
            sensor_class = "IfcFlowTerminal" if schema == "IFC2X3" else "IfcSensor"
            small = box(-0.1, -0.1, 0.1, 0.1)
            sensor = _equipment(f, sensor_class, "TS-001", rooms[0], (1.0, 1.0, z + 2.4))
            terminal = _equipment(f, "IfcFlowTerminal", "AT-002", storey, (6.0, 1.5, z + 0.2))
            outside = _equipment(f, "IfcFlowTerminal", "AT-999", storey, (20.0, 20.0, z))
            pipe = _equipment(f, "IfcFlowSegment", "PIPE-1", storey, (2.0, 2.0, z + 2.5))
            for element in (sensor, terminal, outside, pipe):
                prism(element, small, 0.1)
            first = {
                "room_a": rooms[0].GlobalId,
                "room_b": rooms[1].GlobalId,
                "interior_door": doors[0].GlobalId,
                "exterior_door": doors[1].GlobalId,
                "sensor": sensor.GlobalId,
                "terminal": terminal.GlobalId,
                "outside_terminal": outside.GlobalId,
            }
    f.write(str(path))
    return Built(path=path, storeys=tuple(storey_ids), **first)


def _equipment(
    f: ifcopenshell.file,
    ifc_class: str,
    tag: str,
    container: ifcopenshell.entity_instance,
    at: tuple[float, float, float],
) -> ifcopenshell.entity_instance:
    element = ifcopenshell.api.run("root.create_entity", f, ifc_class=ifc_class, name=tag)
    element.Tag = tag
    ifcopenshell.api.run(
        "spatial.assign_container", f, products=[element], relating_structure=container
    )
    matrix = np.eye(4)
    matrix[:3, 3] = at
    ifcopenshell.api.run("geometry.edit_object_placement", f, product=element, matrix=matrix)
    return element


def _owner_history(f: ifcopenshell.file) -> None:
    """IFC2X3 requires an owning user and application on every rooted entity."""
    import ifcopenshell.api.owner.settings as owner

    person = f.createIfcPerson(None, "Tester")
    organisation = f.createIfcOrganization(None, "Twin tests")
    user = f.createIfcPersonAndOrganization(person, organisation)
    application = f.createIfcApplication(organisation, "0.1", "twin tests", "twin-tests")
    owner.get_user = lambda _file: user
    owner.get_application = lambda _file: application
