"""Storeys of one file and their levels (world Z, metres).

A file without any IfcBuildingStorey (AutoCAD Architecture exports rooms and
doors straight into the IfcBuilding) is read as one implicit storey per
IfcBuilding, at the building's placement height, with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping

from ifc_models.federation import FileState, Warn
from spatial.mesh import ElementMesh


def storey_levels(
    state: FileState, meshes: Mapping[str, ElementMesh], warn: Warn
) -> list[tuple[str, str, float]]:
    """``(global_id, name, elevation_m)`` of each storey of one file.

    The world Z of the storey's placement is its level where storeys are
    placed at distinct heights (what Revit, ArchiCAD and BlenderBIM write).
    Where every storey sits at the same placement, the ``Elevation``
    attribute is taken; a storey with neither takes its level from the lowest
    floor of its spaces.
    """
    model = state.opened.model
    lookups = state.lookups
    levels = model.by_type(lookups.level_class)
    if state.has_implicit_storey:
        for building in levels:
            warn(
                f"{state.name}: no IfcBuildingStorey; the rooms and doors of IfcBuilding "
                f"{building.Name or building.GlobalId!r} are read as one storey at its elevation"
            )
    placed = {s.GlobalId: lookups.placement_origin_m(s) for s in levels}
    heights = {round(origin[2], 3) for origin in placed.values() if origin is not None}
    distinct = len(heights) == len(levels) or len(levels) == 1
    result = []
    for storey in levels:
        origin = placed[storey.GlobalId]
        elevation: float
        attribute = lookups.length_m(getattr(storey, "Elevation", None))
        if origin is not None and distinct:
            elevation = origin[2]
        elif attribute is not None:
            elevation = attribute + (origin[2] if origin is not None else 0.0)
        else:
            floors = [
                meshes[space.GlobalId].bounds[0][2]
                for space in model.by_type("IfcSpace")
                if lookups.storey_of(space) == storey and space.GlobalId in meshes
            ]
            elevation = min(floors) if floors else (origin[2] if origin else 0.0)
        result.append((storey.GlobalId, str(storey.Name or ""), float(elevation)))
    return result
