"""Geometric checks of route polylines, independent of the router."""

from __future__ import annotations

import itertools

import shapely
from shapely.geometry import LineString, Point

from spatial.locate import storey_for_height
from spatial.records import Building

#: Polylines may stray this far (m) outside rooms and door openings.
WALKABLE_TOLERANCE_M = 0.1
#: Segments climbing more than this (m) are stair or lift rides.
FLAT_DZ_M = 0.05


def walkable_areas(building: Building) -> dict[str, shapely.Geometry]:
    """Per storey: the union of room footprints and door openings, grown by the tolerance."""
    parts: dict[str, list[shapely.Geometry]] = {}
    for space in building.spaces:
        if space.footprint is not None:
            parts.setdefault(space.storey_id, []).append(space.footprint)
    for door in building.doors:
        if door.opening is not None:
            parts.setdefault(door.storey_id, []).append(door.opening)
    return {s: shapely.union_all(p).buffer(WALKABLE_TOLERANCE_M) for s, p in parts.items()}


def stray_segments(building: Building, polyline, areas=None, *, skip_last: bool = False) -> list:
    """Segments of a polyline that leave walkable space (empty when all is well)."""
    areas = areas or walkable_areas(building)
    levels = [(s.global_id, s.elevation_m) for s in building.storeys]
    # Walks round the outside between two exterior doors are outdoors by design.
    exits = {door.centre[:2] for door in building.doors if door.is_exterior}
    bad = []
    segments = list(itertools.pairwise(polyline))
    if skip_last:
        segments = segments[:-1]
    for a, b in segments:
        if a[:2] in exits and b[:2] in exits:
            continue
        if abs(a[2] - b[2]) > FLAT_DZ_M:  # a climb: both ends must be walkable on their storey
            for p in (a, b):
                storey = storey_for_height(levels, p[2])
                if not areas[storey].covers(Point(p[:2])):
                    bad.append((a, b))
            continue
        storey = storey_for_height(levels, a[2])
        if not areas[storey].covers(LineString([a[:2], b[:2]]) if a[:2] != b[:2] else Point(a[:2])):
            bad.append((a, b))
    return bad
