"""Vertical links: stairs, ramps and lifts, and the storeys each one serves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ifcopenshell
import ifcopenshell.util.element
import shapely

from ifc_models.constants import LINK_STOREY_TOLERANCE_M
from ifc_models.federation import FileState, Warn
from spatial.footprint import footprint_of
from spatial.mesh import ElementMesh
from spatial.records import LinkKind, Storey, VerticalLink

#: Classes of vertical links and the kind each one is.
LINK_CLASSES: dict[str, LinkKind] = {
    "IfcStair": "stair",
    "IfcStairFlight": "stair",
    "IfcRamp": "ramp",
    "IfcRampFlight": "ramp",
    "IfcTransportElement": "lift",
}


def link_elements(model: ifcopenshell.file) -> list[ifcopenshell.entity_instance]:
    """Every stair, ramp, flight and transport element: what pass 1 meshes for links."""
    return [element for cls in LINK_CLASSES for element in model.by_type(cls)]


def read_links(
    files: Sequence[FileState],
    meshes: Mapping[str, ElementMesh],
    storeys: Mapping[str, Storey],
    warn: Warn,
) -> list[VerticalLink]:
    """One record per stair, ramp or lift (a flight of a stair is read with it).

    A link serves the storeys its spatial structure names and every storey
    whose floor lies within its height range, widened by
    :data:`~ifc_models.constants.LINK_STOREY_TOLERANCE_M`.
    """
    levels = sorted(((s.global_id, s.elevation_m) for s in storeys.values()), key=lambda p: p[1])
    links: list[VerticalLink] = []
    for state in files:
        model = state.opened.model
        for cls, kind in LINK_CLASSES.items():
            for element in model.by_type(cls, include_subtypes=False):
                parent = ifcopenshell.util.element.get_aggregate(element)
                if cls.endswith("Flight") and parent is not None and parent.is_a(cls[:-6]):
                    continue  # a flight of a stair or ramp: read with its parent
                parts = [element, *ifcopenshell.util.element.get_parts(element)]
                part_meshes = [meshes[p.GlobalId] for p in parts if p.GlobalId in meshes]
                footprints = [f for f in map(footprint_of, part_meshes) if f is not None]
                z_low = min((m.bounds[0][2] for m in part_meshes), default=None)
                z_high = max((m.bounds[1][2] for m in part_meshes), default=None)
                named = [
                    state.lookups.storey_of(element),
                    *state.lookups.referenced_storeys(element),
                ]
                served = {
                    state.storey_map[s.GlobalId]
                    for s in named
                    if s is not None and s.GlobalId in state.storey_map
                }
                if z_low is not None and z_high is not None:
                    served.update(
                        storey_id
                        for storey_id, elevation in levels
                        if z_low - LINK_STOREY_TOLERANCE_M
                        <= elevation
                        <= z_high + LINK_STOREY_TOLERANCE_M
                    )
                if not part_meshes:
                    warn(f"{cls} {element.GlobalId} has no geometry")
                links.append(
                    VerticalLink(
                        global_id=element.GlobalId,
                        kind=_link_kind(element, kind, state),
                        name=str(element.Name or ""),
                        storey_ids=tuple(s for s, _ in levels if s in served),
                        footprint=shapely.union_all(footprints) if footprints else None,
                        z_min_m=z_low,
                        z_max_m=z_high,
                        ifc_class=element.is_a(),
                    )
                )
    return links


def _link_kind(
    element: ifcopenshell.entity_instance, default: LinkKind, state: FileState
) -> LinkKind:
    if default != "lift":
        return default
    predefined = state.properties.predefined_type(element).upper()
    if predefined in ("ESCALATOR", "MOVINGWALKWAY"):
        return "stair" if predefined == "ESCALATOR" else "ramp"
    return "lift"
