"""The spatial structure of one IFC file: levels, containers, placements in metres.

:class:`StructureLookups` is the one place where placements leave the file's
length unit: :meth:`~StructureLookups.placement_origin_m` and
:meth:`~StructureLookups.length_m` return metres, so readers never scale by
hand (meshes from :mod:`ifc_models.geometry` already come in metres).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import ifcopenshell
import ifcopenshell.util.element
import ifcopenshell.util.placement
import numpy as np
import numpy.typing as npt

#: The class whose instances are a building's levels. A file without any
#: (an AutoCAD Architecture export) is read with its IfcBuilding as the level.
STOREY_CLASS = "IfcBuildingStorey"
IMPLICIT_LEVEL_CLASS = "IfcBuilding"

Point3 = tuple[float, float, float]


def level_class_of(model: ifcopenshell.file) -> str:
    """:data:`STOREY_CLASS`, or :data:`IMPLICIT_LEVEL_CLASS` for a file that has
    no storey but a building."""
    if not model.by_type(STOREY_CLASS) and model.by_type(IMPLICIT_LEVEL_CLASS):
        return IMPLICIT_LEVEL_CLASS
    return STOREY_CLASS


def spatial_parent(element: ifcopenshell.entity_instance) -> ifcopenshell.entity_instance | None:
    """The spatial element ``element`` is contained in, or else aggregated under."""
    contained = getattr(element, "ContainedInStructure", None)
    if contained:
        return contained[0].RelatingStructure
    return ifcopenshell.util.element.get_aggregate(element)


def storey_of(
    element: ifcopenshell.entity_instance,
    level_class: str = STOREY_CLASS,
    parent_of: Callable[[ifcopenshell.entity_instance], ifcopenshell.entity_instance | None] = (
        spatial_parent
    ),
) -> ifcopenshell.entity_instance | None:
    """The building storey (or other ``level_class``) above ``element`` in the spatial tree.

    Climbs containment and aggregation (a flight in a stair, a space in a
    space, a storey in a storey) with ``parent_of`` until it meets a
    ``level_class`` element.
    """
    seen: set[int] = set()
    current: ifcopenshell.entity_instance | None = element
    while current is not None and current.id() not in seen:
        if current.is_a(level_class):
            return current
        seen.add(current.id())
        current = parent_of(current)
    return None


def referenced_storeys(
    element: ifcopenshell.entity_instance, level_class: str = STOREY_CLASS
) -> list[ifcopenshell.entity_instance]:
    """Storeys that reference ``element`` (IfcRelReferencedInSpatialStructure), e.g. a
    lift or stair that spans them."""
    found = []
    for rel in getattr(element, "ReferencedInStructures", None) or ():
        storey = storey_of(rel.RelatingStructure, level_class)
        if storey is not None:
            found.append(storey)
    return found


class StructureLookups:
    """Memoised climbs up one file's spatial tree and placement chains, in metres.

    Thousands of elements share a handful of containers and parent placements
    (a storey's, a room's): climbing each chain once instead of once per
    element takes the equipment pass of the 2,000-room demo building from
    about ten seconds to well under one. Spatial parents come from one walk
    of the file's containment and aggregation relations, not from an inverse
    lookup per element (0.06 s instead of 0.36 s for that building's 21,000
    products).

    Parameters
    ----------
    model
        The file.
    length_scale_m
        Metres per length unit of the file (0.001 for a millimetre model).
    """

    def __init__(self, model: ifcopenshell.file, length_scale_m: float) -> None:
        self.length_scale_m = length_scale_m
        #: :data:`STOREY_CLASS`, or :data:`IMPLICIT_LEVEL_CLASS` for a file without storeys.
        self.level_class = level_class_of(model)
        self._model = model
        self._parents: dict[int, ifcopenshell.entity_instance] | None = None
        self._storeys: dict[int, ifcopenshell.entity_instance | None] = {}
        self._matrices: dict[int, npt.NDArray[np.float64]] = {}

    def spatial_parent(
        self, element: ifcopenshell.entity_instance
    ) -> ifcopenshell.entity_instance | None:
        """:func:`spatial_parent`: the element's spatial container, else its aggregate."""
        if self._parents is None:
            aggregates: dict[int, ifcopenshell.entity_instance] = {}
            for rel in self._model.by_type("IfcRelAggregates"):
                whole = rel.RelatingObject
                for part in rel.RelatedObjects or ():
                    aggregates.setdefault(part.id(), whole)
            containers: dict[int, ifcopenshell.entity_instance] = {}
            for rel in self._model.by_type("IfcRelContainedInSpatialStructure"):
                structure = rel.RelatingStructure
                for item in rel.RelatedElements or ():
                    containers.setdefault(item.id(), structure)
            self._parents = {**aggregates, **containers}
        return self._parents.get(element.id())

    def storey_of(
        self,
        element: ifcopenshell.entity_instance,
        parent: ifcopenshell.entity_instance | None = None,
    ) -> ifcopenshell.entity_instance | None:
        """:func:`storey_of`, memoised by the element's spatial parent (pass
        ``parent`` when the caller has looked it up already)."""
        if element.is_a(self.level_class):
            return element
        parent = parent or self.spatial_parent(element)
        if parent is None:
            return None
        key = parent.id()
        if key not in self._storeys:
            self._storeys[key] = storey_of(parent, self.level_class, self.spatial_parent)
        return self._storeys[key]

    def referenced_storeys(
        self, element: ifcopenshell.entity_instance
    ) -> list[ifcopenshell.entity_instance]:
        """:func:`referenced_storeys` for this file's level class."""
        return referenced_storeys(element, self.level_class)

    def length_m(self, value: float | None) -> float | None:
        """A length attribute (``OverallWidth``, ``Elevation``) in metres."""
        return None if value is None else float(value) * self.length_scale_m

    def placement_origin_m(self, element: ifcopenshell.entity_instance) -> Point3 | None:
        """World origin of an element's local placement, in metres.

        ``None`` when the element has no placement.
        """
        placement = getattr(element, "ObjectPlacement", None)
        if placement is None:
            return None
        relative = getattr(placement, "RelativePlacement", None)
        parent = getattr(placement, "PlacementRelTo", None)
        if placement.is_a("IfcLocalPlacement") and relative is not None and parent is not None:
            # Only the parent chain is shared: the element's own offset is
            # added without building its matrix.
            local = [float(c) for c in relative.Location.Coordinates] + [0.0] * 3
            matrix = self.matrix(parent)
            origin = matrix[:3, :3] @ np.array(local[:3]) + matrix[:3, 3]
        else:
            origin = self.matrix(placement)[:3, 3]
        s = self.length_scale_m
        return (float(origin[0]) * s, float(origin[1]) * s, float(origin[2]) * s)

    def matrix(self, placement: ifcopenshell.entity_instance) -> npt.NDArray[np.float64]:
        """World matrix of a placement (translation in the file's unit), each
        level of its chain computed once. Use :meth:`to_metres` on its points."""
        key = placement.id()
        if key not in self._matrices:
            parent = getattr(placement, "PlacementRelTo", None)
            relative = getattr(placement, "RelativePlacement", None)
            if not placement.is_a("IfcLocalPlacement") or relative is None:
                matrix = ifcopenshell.util.placement.get_local_placement(placement)
            else:
                local = ifcopenshell.util.placement.get_axis2placement(relative)
                matrix = local if parent is None else self.matrix(parent) @ local
            self._matrices[key] = np.asarray(matrix, dtype=float)
        return self._matrices[key]

    def to_metres(self, points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Points in the file's length unit, as metres."""
        return points * self.length_scale_m


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
