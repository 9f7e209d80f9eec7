"""Equipment: every IfcDistributionElement but network segments and fittings.

Equipment contained in a room is located by containment and needs no
geometry in pass 1 (its placement origin stands in for its centre until the
scene pass gives its body's box); equipment contained only in a storey (MEP
models) is meshed in pass 1 and located in a room by its position.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

import ifcopenshell
import numpy as np

from ifc_models.federation import FileState
from ifc_models.structure import StructureLookups
from spatial.locate import SpaceIndex, storey_for_height
from spatial.mesh import ElementMesh
from spatial.records import Equipment, Storey

#: Distribution elements that are network, not equipment: left out by default.
NETWORK_CLASSES = ("IfcFlowSegment", "IfcFlowFitting")


def is_equipment(element: ifcopenshell.entity_instance, include_network: bool = False) -> bool:
    """Whether an element counts as equipment: every IfcDistributionElement
    except pipe/duct/cable segments and fittings (unless asked for)."""
    if not element.is_a("IfcDistributionElement"):
        return False
    return include_network or not any(element.is_a(cls) for cls in NETWORK_CLASSES)


def equipment_elements(
    model: ifcopenshell.file, include_network: bool = False
) -> list[ifcopenshell.entity_instance]:
    """The model's equipment, in file order."""
    network = () if include_network else NETWORK_CLASSES
    skip = {e.id() for cls in network for e in model.by_type(cls)}
    return [e for e in model.by_type("IfcDistributionElement") if e.id() not in skip]


def contained_in_space(element: ifcopenshell.entity_instance, lookups: StructureLookups) -> bool:
    """Whether the element's spatial container is a room."""
    container = lookups.spatial_parent(element)
    return container is not None and container.is_a("IfcSpace")


def read_equipment(
    files: Sequence[FileState],
    meshes: Mapping[str, ElementMesh],
    storeys: Mapping[str, Storey],
    index: SpaceIndex,
    *,
    include_network: bool = False,
) -> list[Equipment]:
    """Every piece of equipment, in its room where containment or position says so."""
    levels = [(s.global_id, s.elevation_m) for s in storeys.values()]
    records: list[Equipment] = []
    to_locate: dict[str, list[int]] = defaultdict(list)
    for state in files:
        lookups, properties = state.lookups, state.properties
        for element in equipment_elements(state.opened.model, include_network):
            mesh = meshes.get(element.GlobalId)
            if mesh is not None:
                centre = mesh.centre
                bbox_min, bbox_max = mesh.bounds
            else:
                centre = lookups.placement_origin_m(element)
                bbox_min = bbox_max = None
            container = lookups.spatial_parent(element)
            space_id = None
            if container is not None and container.is_a("IfcSpace"):
                space_id = state.space_map.get(container.GlobalId)
            storey = lookups.storey_of(element, container)
            storey_id = state.storey_map.get(storey.GlobalId) if storey is not None else None
            if storey_id is None and centre is not None:
                storey_id = storey_for_height(levels, centre[2])
            element_type = properties.type_of(element)
            if space_id is None and centre is not None and storey_id is not None:
                to_locate[storey_id].append(len(records))
            records.append(
                Equipment(
                    global_id=element.GlobalId,
                    ifc_class=element.is_a(),
                    name=str(element.Name or ""),
                    tag=str(getattr(element, "Tag", None) or ""),
                    predefined_type=properties.predefined_type(element),
                    type_name=str(element_type.Name or "") if element_type is not None else "",
                    storey_id=storey_id,
                    space_id=space_id,
                    location="contained" if space_id else "unlocated",
                    centre=centre,
                    bbox_min=bbox_min,
                    bbox_max=bbox_max,
                    properties=properties.properties(element),
                    classifications=properties.classifications(element),
                    source=state.name,
                )
            )
    for storey_id, positions in to_locate.items():
        points = np.array([records[i].centre[:2] for i in positions])  # type: ignore[index]
        for position, found in zip(positions, index.locate(storey_id, points), strict=True):
            if found.space_id is not None:
                records[position] = replace(
                    records[position], space_id=found.space_id, location=found.method
                )
    return records
