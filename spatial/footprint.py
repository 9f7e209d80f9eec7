"""Plan footprints of element meshes.

A space's footprint is the union of its downward-facing triangles projected to
the XY plane: every vertical line through a closed body leaves it through a
face that looks down, so those faces cover the plan exactly, holes kept (a
courtyard, a shaft cut out of a room), at half the cost of projecting every
face. Meshes that are open or not consistently oriented fall back to all
non-vertical faces.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from spatial.constants import (
    MIN_PART_AREA_M2,
    MIN_TRIANGLE_AREA_M2,
)
from spatial.mesh import ElementMesh
from spatial.records import Footprint


def footprint_of(mesh: ElementMesh) -> Footprint | None:
    """The plan footprint of ``mesh`` in world XY metres, holes kept.

    Returns ``None`` for an empty mesh or one without any non-vertical face.

    Examples
    --------
    >>> import numpy as np
    >>> box = ElementMesh("id", "IfcSpace", np.array(
    ...     [[0, 0, 0], [4, 0, 0], [4, 3, 0], [0, 3, 0]], float), np.array([[0, 1, 2], [0, 2, 3]]))
    >>> round(footprint_of(box).area, 6)
    12.0
    """
    if mesh.is_empty:
        return None
    triangles = mesh.vertices[mesh.faces][:, :, :2]
    # Twice the signed plan area: negative for a face that looks down.
    doubled = (triangles[:, 1, 0] - triangles[:, 0, 0]) * (
        triangles[:, 2, 1] - triangles[:, 0, 1]
    ) - (triangles[:, 2, 0] - triangles[:, 0, 0]) * (triangles[:, 1, 1] - triangles[:, 0, 1])
    down = doubled < -2 * MIN_TRIANGLE_AREA_M2
    up = doubled > 2 * MIN_TRIANGLE_AREA_M2
    if not (down.any() or up.any()):
        return None
    merged = shapely.union_all(_triangle_polygons(triangles[down]))
    if merged.area < 0.99 * float(doubled[up].sum()) / 2:
        # Down faces cover less than the up faces: an open or mis-oriented mesh.
        merged = shapely.union_all(_triangle_polygons(triangles[down | up]))
    return _clean(merged)


def _triangle_polygons(triangles: np.ndarray) -> np.ndarray:
    rings = np.concatenate([triangles, triangles[:, :1]], axis=1)
    return shapely.polygons(rings)


def plan_outline(mesh: ElementMesh) -> Polygon | None:
    """The convex hull of the mesh's vertices in XY: a door leaf or opening's plan box."""
    if mesh.is_empty:
        return None
    hull = shapely.convex_hull(shapely.multipoints(mesh.vertices[:, :2]))
    return hull if isinstance(hull, Polygon) and hull.area > 0 else None


def _clean(geometry: shapely.Geometry) -> Footprint | None:
    parts = [
        Polygon(
            part.exterior,
            [hole for hole in part.interiors if Polygon(hole).area >= MIN_PART_AREA_M2],
        )
        for part in getattr(geometry, "geoms", [geometry])
        if isinstance(part, Polygon) and part.area >= MIN_PART_AREA_M2
    ]
    if not parts:
        return None
    if len(parts) == 1:
        return shapely.normalize(parts[0])
    return shapely.normalize(MultiPolygon(parts))
