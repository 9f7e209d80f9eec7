"""Rooms (IfcSpace) and zones (IfcZone) of the federated building."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ifc_models.federation import FileState, Warn
from ifc_models.properties import model_areas
from spatial.footprint import footprint_of
from spatial.mesh import ElementMesh
from spatial.records import Space, Zone


def read_spaces(
    files: Sequence[FileState], meshes: Mapping[str, ElementMesh], warn: Warn
) -> list[Space]:
    """Every room, on its (host) storey, with its footprint from its mesh.

    A room repeated in a linked model (the same number on the same storey)
    is the host's room: the linked copy maps onto it in ``space_map``.
    """
    spaces: list[Space] = []
    by_storey_name: dict[tuple[str, str], str] = {}
    missing_geometry = 0
    for state in files:
        for element in state.opened.model.by_type("IfcSpace"):
            storey = state.lookups.storey_of(element)
            if storey is None or storey.GlobalId not in state.storey_map:
                warn(f"space {element.GlobalId} {element.Name!r} is on no storey; skipped")
                continue
            storey_id = state.storey_map[storey.GlobalId]
            key = (storey_id, (element.Name or "").strip().casefold())
            if not state.is_host and key[1] and key in by_storey_name:
                state.space_map[element.GlobalId] = by_storey_name[key]
                continue
            mesh = meshes.get(element.GlobalId)
            footprint = footprint_of(mesh) if mesh is not None else None
            if footprint is None:
                missing_geometry += 1
            properties = state.properties.properties(element)
            low, high = mesh.bounds if mesh is not None else (None, None)
            spaces.append(
                Space(
                    global_id=element.GlobalId,
                    name=str(element.Name or ""),
                    long_name=str(element.LongName or ""),
                    storey_id=storey_id,
                    object_type=str(
                        element.ObjectType or state.properties.predefined_type(element) or ""
                    ),
                    footprint=footprint,
                    floor_z_m=None if low is None else low[2],
                    height_m=None if low is None or high is None else high[2] - low[2],
                    model_areas=model_areas(properties, state.opened.area_scale_m2),
                    properties=properties,
                )
            )
            state.space_map[element.GlobalId] = element.GlobalId
            by_storey_name[key] = element.GlobalId
    if missing_geometry:
        warn(f"{missing_geometry} space(s) without body geometry: no footprint")
    return spaces


def read_zones(files: Sequence[FileState]) -> list[Zone]:
    """Zones and the (kept) rooms they group."""
    zones = []
    for state in files:
        for zone in state.opened.model.by_type("IfcZone"):
            members = [
                state.space_map[obj.GlobalId]
                for rel in zone.IsGroupedBy or ()
                for obj in rel.RelatedObjects
                if obj.is_a("IfcSpace") and obj.GlobalId in state.space_map
            ]
            zones.append(Zone(zone.GlobalId, str(zone.Name or ""), tuple(dict.fromkeys(members))))
    return zones
