"""Doorless connections between rooms, from virtual space boundaries.

Revit and ArchiCAD write a virtual boundary on each side of an opening
without a door (a room separation line, an arch); pairing the two sides
(:func:`spatial.openings.pair_virtual_boundaries`) gives the passage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ifcopenshell
import ifcopenshell.util.placement
import numpy as np
import numpy.typing as npt
import shapely

from ifc_models.federation import FileState, Warn
from ifc_models.structure import StructureLookups
from spatial.openings import BoundarySegment, pair_virtual_boundaries
from spatial.records import OpenConnection


def read_openings(
    files: Sequence[FileState], space_storeys: Mapping[str, str], warn: Warn
) -> list[OpenConnection]:
    """Open connections between kept rooms (``space_storeys``: room -> storey)."""
    segments: list[BoundarySegment] = []
    unreadable = 0
    for state in files:
        for rel in state.opened.model.by_type("IfcRelSpaceBoundary"):
            if not _is_virtual_boundary(rel):
                continue
            space = rel.RelatingSpace
            if space is None or not space.is_a("IfcSpace"):
                continue
            space_id = state.space_map.get(space.GlobalId)
            storey_id = space_storeys.get(space_id or "")
            if space_id is None or storey_id is None:
                continue
            points = boundary_points_m(rel, state.lookups)
            if points is None:
                unreadable += 1
                continue
            plan = shapely.convex_hull(shapely.multipoints(points[:, :2]))
            if plan.geom_type == "Polygon":
                plan = plan.exterior
            if plan.geom_type not in ("LineString", "LinearRing") or plan.length == 0:
                continue  # a floor or ceiling boundary: no passage in plan
            element = rel.RelatedBuildingElement
            segments.append(
                BoundarySegment(
                    space_id=space_id,
                    storey_id=storey_id,
                    plan=shapely.LineString(plan.coords),
                    floor_z_m=float(points[:, 2].min()),
                    element_id=element.GlobalId if element is not None else "",
                )
            )
    if unreadable:
        warn(f"{unreadable} virtual space boundaries without readable geometry")
    return pair_virtual_boundaries(segments)


def _is_virtual_boundary(rel: ifcopenshell.entity_instance) -> bool:
    element = rel.RelatedBuildingElement
    return rel.PhysicalOrVirtualBoundary == "VIRTUAL" or (
        element is not None and element.is_a("IfcVirtualElement")
    )


def boundary_points_m(
    rel: ifcopenshell.entity_instance, lookups: StructureLookups
) -> npt.NDArray[np.float64] | None:
    """World points (metres, (n, 3)) of a space boundary's surface, or ``None``.

    Reads the two forms our models use: a swept polyline
    (IfcSurfaceOfLinearExtrusion, Revit) and a plane bounded by polylines
    (IfcCurveBoundedPlane, ArchiCAD); both are given in the relating space's
    object frame.
    """
    geometry = rel.ConnectionGeometry
    surface = getattr(geometry, "SurfaceOnRelatingElement", None)
    space = rel.RelatingSpace
    if surface is None or getattr(space, "ObjectPlacement", None) is None:
        return None
    local: list[list[float]] = []
    if surface.is_a("IfcSurfaceOfLinearExtrusion"):
        curve = getattr(surface.SweptCurve, "Curve", None)
        position = surface.Position
        local = _polyline_points(curve)
    elif surface.is_a("IfcCurveBoundedPlane"):
        position = surface.BasisSurface.Position
        boundary = surface.OuterBoundary
        for segment in getattr(boundary, "Segments", None) or ():
            local.extend(_polyline_points(segment.ParentCurve))
        if not getattr(boundary, "Segments", None):
            local = _polyline_points(boundary)
    else:
        return None
    if not local:
        return None
    frame = lookups.matrix(space.ObjectPlacement)
    if position is not None:
        frame = frame @ np.asarray(ifcopenshell.util.placement.get_axis2placement(position))
    # 2D polyline points lie in the surface's XY plane: z = 0 there.
    homogeneous = np.array([[*(p + [0.0] * (3 - len(p)))[:3], 1.0] for p in local])
    return lookups.to_metres((frame @ homogeneous.T).T[:, :3])


def _polyline_points(curve: ifcopenshell.entity_instance | None) -> list[list[float]]:
    if curve is None or not curve.is_a("IfcPolyline"):
        return []
    return [list(map(float, point.Coordinates)) for point in curve.Points]
