"""Doors, and the rooms each one joins: from space boundaries, else from geometry."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import ifcopenshell

from ifc_models.federation import FileState, Warn
from spatial.doors import rooms_at_door
from spatial.footprint import plan_outline
from spatial.locate import SpaceIndex
from spatial.mesh import ElementMesh
from spatial.records import Door


def opening_of(door: ifcopenshell.entity_instance) -> ifcopenshell.entity_instance | None:
    """The opening element a door fills (its void in the wall), if any."""
    for rel in getattr(door, "FillsVoids", None) or ():
        return rel.RelatingOpeningElement
    return None


def door_mesh_element(door: ifcopenshell.entity_instance) -> ifcopenshell.entity_instance:
    """What pass 1 meshes for a door: the opening it fills (the passage), else the door."""
    opening = opening_of(door)
    return opening if opening is not None else door


def read_doors(
    files: Sequence[FileState],
    meshes: Mapping[str, ElementMesh],
    index: SpaceIndex,
    warn: Warn,
) -> list[Door]:
    """Every door on a storey, with the one or two rooms it joins.

    Rooms come from the model's space boundaries where it has them; a door
    they leave with fewer than two rooms gets the rooms its opening touches.
    """
    doors: list[Door] = []
    for state in files:
        boundaries = _door_boundaries(state.opened.model, state.space_map)
        lookups = state.lookups
        for element in state.opened.model.by_type("IfcDoor"):
            storey = lookups.storey_of(element)
            storey_id = state.storey_map.get(storey.GlobalId) if storey is not None else None
            if storey_id is None:
                warn(f"door {element.GlobalId} is on no storey; skipped")
                continue
            mesh = meshes.get(door_mesh_element(element).GlobalId)
            outline = plan_outline(mesh) if mesh is not None else None
            if mesh is not None:
                centre = mesh.centre
            else:
                centre = lookups.placement_origin_m(element) or (0.0, 0.0, 0.0)
                warn(f"door {element.GlobalId} has no geometry; placed at its origin")
            from_boundaries, external = boundaries.get(element.GlobalId, ((), False))
            space_ids = list(from_boundaries)
            source = "space_boundary" if space_ids else "none"
            if len(space_ids) < 2 and outline is not None:
                for space_id in rooms_at_door(index, storey_id, outline):
                    if space_id not in space_ids and len(space_ids) < 2:
                        space_ids.append(space_id)
                        source = "geometry" if source == "none" else source
            declared = state.properties.properties(element).get("Pset_DoorCommon", {})
            declared_external = declared.get("IsExternal")
            doors.append(
                Door(
                    global_id=element.GlobalId,
                    name=str(element.Name or ""),
                    storey_id=storey_id,
                    centre=centre,
                    width_m=lookups.length_m(getattr(element, "OverallWidth", None)),
                    height_m=lookups.length_m(getattr(element, "OverallHeight", None)),
                    opening=outline,
                    space_ids=tuple(space_ids),
                    link_source=source,
                    is_exterior=len(space_ids) == 1
                    and (external or declared_external is not False),
                )
            )
    return doors


def _door_boundaries(
    model: ifcopenshell.file, space_map: Mapping[str, str]
) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Door GlobalId -> (spaces it bounds, whether a boundary says external)."""
    found: dict[str, dict[str, None]] = defaultdict(dict)
    external: dict[str, bool] = defaultdict(bool)
    for rel in model.by_type("IfcRelSpaceBoundary"):
        element = rel.RelatedBuildingElement
        if element is None:
            continue
        if element.is_a("IfcOpeningElement"):
            fillings = [f.RelatedBuildingElement for f in element.HasFillings or ()]
            element = next((f for f in fillings if f.is_a("IfcDoor")), None)
        if element is None or not element.is_a("IfcDoor"):
            continue
        space = rel.RelatingSpace
        if space is None:
            continue
        if space.is_a("IfcSpace") and space.GlobalId in space_map:
            found[element.GlobalId][space_map[space.GlobalId]] = None
        elif not space.is_a("IfcSpace"):
            external[element.GlobalId] = True  # IfcExternalSpatialElement: outside
        if getattr(rel, "InternalOrExternalBoundary", None) in ("EXTERNAL", "EXTERNAL_EARTH"):
            external[element.GlobalId] = True
    return {door: (tuple(spaces)[:2], external[door]) for door, spaces in found.items()} | {
        door: ((), True) for door in external if door not in found
    }
