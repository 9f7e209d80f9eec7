"""The spatial structure of one IFC file: storeys, containers, zones, properties."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import ifcopenshell
import ifcopenshell.util.classification as classification
import ifcopenshell.util.element
import ifcopenshell.util.placement
import numpy as np

#: Property and quantity names that carry a room's floor area in the tools we
#: meet: IFC's own quantity sets, Revit's dimensions and the GSA area set.
AREA_PROPERTY_NAMES = frozenset(
    {"NetFloorArea", "GrossFloorArea", "Area", "GSA BIM Area", "NetArea", "GrossArea"}
)


def spatial_parent(element: ifcopenshell.entity_instance) -> ifcopenshell.entity_instance | None:
    """The spatial element ``element`` is contained in, or else aggregated under."""
    contained = getattr(element, "ContainedInStructure", None)
    if contained:
        return contained[0].RelatingStructure
    return ifcopenshell.util.element.get_aggregate(element)


def storey_of(element: ifcopenshell.entity_instance) -> ifcopenshell.entity_instance | None:
    """The building storey above ``element`` in the spatial tree.

    Climbs containment and aggregation (a flight in a stair, a space in a
    space, a storey in a storey) until it meets an IfcBuildingStorey.
    """
    seen: set[int] = set()
    current = element if not element.is_a("IfcBuildingStorey") else None
    if current is None:
        return element
    while current is not None and current.id() not in seen:
        seen.add(current.id())
        current = spatial_parent(current)
        if current is not None and current.is_a("IfcBuildingStorey"):
            return current
    return None


def referenced_storeys(element: ifcopenshell.entity_instance) -> list[ifcopenshell.entity_instance]:
    """Storeys that reference ``element`` (IfcRelReferencedInSpatialStructure), e.g. a
    lift or stair that spans them."""
    found = []
    for rel in getattr(element, "ReferencedInStructures", None) or ():
        structure = rel.RelatingStructure
        storey = structure if structure.is_a("IfcBuildingStorey") else storey_of(structure)
        if storey is not None:
            found.append(storey)
    return found


def placement_origin(element: ifcopenshell.entity_instance) -> tuple[float, float, float] | None:
    """World origin of an element's local placement, in the file's length unit."""
    placement = getattr(element, "ObjectPlacement", None)
    if placement is None:
        return None
    matrix = ifcopenshell.util.placement.get_local_placement(placement)
    return (float(matrix[0][3]), float(matrix[1][3]), float(matrix[2][3]))


class StructureLookups:
    """Memoised climbs up one file's spatial tree and placement chains.

    Thousands of elements share a handful of containers and parent placements
    (a storey's, a room's): climbing each chain once instead of once per
    element takes the equipment pass of the 2,000-room demo building from
    about ten seconds to well under one.
    """

    def __init__(self) -> None:
        self._storeys: dict[int, ifcopenshell.entity_instance | None] = {}
        self._matrices: dict[int, np.ndarray] = {}

    def storey_of(
        self, element: ifcopenshell.entity_instance
    ) -> ifcopenshell.entity_instance | None:
        """:func:`storey_of`, memoised by the element's spatial parent."""
        if element.is_a("IfcBuildingStorey"):
            return element
        parent = spatial_parent(element)
        if parent is None:
            return None
        key = parent.id()
        if key not in self._storeys:
            self._storeys[key] = storey_of(parent)
        return self._storeys[key]

    def placement_origin(
        self, element: ifcopenshell.entity_instance
    ) -> tuple[float, float, float] | None:
        """:func:`placement_origin`, with the parent placements' matrices memoised."""
        placement = getattr(element, "ObjectPlacement", None)
        if placement is None:
            return None
        relative = getattr(placement, "RelativePlacement", None)
        parent = getattr(placement, "PlacementRelTo", None)
        if not placement.is_a("IfcLocalPlacement") or relative is None or parent is None:
            return placement_origin(element)
        local = [float(c) for c in relative.Location.Coordinates] + [0.0] * 3
        matrix = self._matrix(parent)
        origin = matrix[:3, :3] @ np.array(local[:3]) + matrix[:3, 3]
        return (float(origin[0]), float(origin[1]), float(origin[2]))

    def _matrix(self, placement: ifcopenshell.entity_instance) -> np.ndarray:
        """World matrix of a placement, each level of its chain computed once."""
        key = placement.id()
        if key not in self._matrices:
            parent = getattr(placement, "PlacementRelTo", None)
            relative = getattr(placement, "RelativePlacement", None)
            if not placement.is_a("IfcLocalPlacement") or relative is None:
                matrix = ifcopenshell.util.placement.get_local_placement(placement)
            else:
                local = ifcopenshell.util.placement.get_axis2placement(relative)
                matrix = local if parent is None else self._matrix(parent) @ local
            self._matrices[key] = np.asarray(matrix, dtype=float)
        return self._matrices[key]


def plain_properties(element: ifcopenshell.entity_instance) -> dict[str, dict[str, Any]]:
    """Property and quantity sets as plain JSON-ready values (in the file's units).

    Type values are inherited, the occurrence's own override them. Entity
    references and ifcopenshell's internal ``id`` keys are dropped.
    """
    result: dict[str, dict[str, Any]] = {}
    for set_name, values in ifcopenshell.util.element.get_psets(element).items():
        plain = {key: _plain(value) for key, value in values.items() if key != "id"}
        plain = {key: value for key, value in plain.items() if value is not _DROP}
        if plain:
            result[set_name] = plain
    return result


_DROP = object()


def plain_value(value: Any) -> Any:
    """An IFC value as a JSON-ready value; ``None`` for what JSON cannot hold
    (entity references, NaN)."""
    plain = _plain(value)
    return None if plain is _DROP else plain


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else _DROP
    if isinstance(value, (list, tuple)):
        items = [_plain(item) for item in value]
        return [item for item in items if item is not _DROP]
    return _DROP


def model_areas(
    properties: Mapping[str, Mapping[str, Any]], area_scale_m2: float
) -> dict[str, float]:
    """Floor-area values the authoring tool wrote, as ``{"Set.Property": m²}``."""
    return {
        f"{set_name}.{name}": float(value) * area_scale_m2
        for set_name, values in properties.items()
        for name, value in values.items()
        if name in AREA_PROPERTY_NAMES
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
    }


def true_north_deg(model: ifcopenshell.file) -> float | None:
    """Counter-clockwise angle in degrees from the model's +Y axis to true north,
    from the 3D context's ``TrueNorth``; ``None`` where the model has none."""
    for context in model.by_type("IfcGeometricRepresentationContext"):
        if context.is_a("IfcGeometricRepresentationSubContext"):
            continue
        north = getattr(context, "TrueNorth", None)
        if north is not None:
            x, y = north.DirectionRatios[0], north.DirectionRatios[1]
            return round(math.degrees(math.atan2(-x, y)), 6)
    return None


def classification_codes(element: ifcopenshell.entity_instance) -> tuple[str, ...]:
    """Classification references of an element (and its type), as ``"code name"`` strings."""
    codes = []
    for reference in classification.get_references(element):
        code = getattr(reference, "Identification", None) or getattr(
            reference, "ItemReference", None
        )
        text = " ".join(str(part) for part in (code, reference.Name) if part)
        if text:
            codes.append(text)
    return tuple(sorted(set(codes)))
