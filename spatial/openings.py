"""Doorless connections between rooms: virtual boundaries and touching footprints.

Two rooms open into each other without a door when the model separates them
only by a *virtual* space boundary (an open kitchen, an open office running
into its corridor). Authoring tools write one boundary per room, so the two
halves are paired here by the virtual element they share or, when they name
none (Revit), by their plan segments lying on top of each other.

Where a model has no space boundaries, :func:`touching_openings` finds the
same connections from the footprints: a wall between two rooms leaves a gap of
its thickness (at least :data:`MIN_WALL_THICKNESS_M`) between their
footprints, so two rooms whose footprints run within :data:`TOUCH_GAP_M` of
each other along at least :data:`MIN_OPEN_WIDTH_M` have no wall between them.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry import LineString

from spatial.constants import (
    BOUNDARY_MATCH_M,
    MIN_OPEN_WIDTH_M,
    SAME_LEVEL_M,
    TOUCH_GAP_M,
)
from spatial.records import OpenConnection, Space


@dataclass(frozen=True, slots=True)
class BoundarySegment:
    """One room's half of a virtual space boundary, in plan.

    ``plan`` is the boundary surface projected to world XY (metres): a
    segment for a vertical boundary. ``element_id`` is the IfcVirtualElement
    it names, or ``""``. ``floor_z_m`` is the bottom of the surface (world Z).
    """

    space_id: str
    storey_id: str
    plan: LineString
    floor_z_m: float
    element_id: str = ""


def pair_virtual_boundaries(segments: Iterable[BoundarySegment]) -> list[OpenConnection]:
    """The open connections that pairs of virtual boundary segments describe.

    Two segments of different rooms pair when they name the same virtual
    element, or when they lie on each other (within :data:`BOUNDARY_MATCH_M`)
    for at least :data:`MIN_OPEN_WIDTH_M`. One connection per pair of rooms:
    the longest shared segment.

    Examples
    --------
    >>> a = BoundarySegment("A", "L1", LineString([(0, 0), (0, 2)]), 0.0)
    >>> b = BoundarySegment("B", "L1", LineString([(0.02, 2), (0.02, 0)]), 0.0)
    >>> [c.space_ids for c in pair_virtual_boundaries([a, b])]
    [('A', 'B')]
    """
    by_storey: dict[str, list[BoundarySegment]] = defaultdict(list)
    for segment in segments:
        by_storey[segment.storey_id].append(segment)
    best: dict[tuple[str, str], tuple[float, OpenConnection]] = {}
    for storey_id, members in by_storey.items():
        for a, b in itertools.combinations(members, 2):
            if a.space_id == b.space_id:
                continue
            shared = _shared_segment(a.plan, b.plan, BOUNDARY_MATCH_M)
            named = bool(a.element_id) and a.element_id == b.element_id
            if shared is None or (shared.length < MIN_OPEN_WIDTH_M and not named):
                continue
            pair = tuple(sorted((a.space_id, b.space_id)))
            mid = shared.interpolate(0.5, normalized=True)
            connection = OpenConnection(
                space_ids=(pair[0], pair[1]),
                storey_id=storey_id,
                midpoint=(float(mid.x), float(mid.y), min(a.floor_z_m, b.floor_z_m)),
                plan=shared,
                element_id=a.element_id if named else "",
                source="space_boundary",
            )
            if pair not in best or shared.length > best[pair][0]:
                best[(pair[0], pair[1])] = (shared.length, connection)
    return [connection for _, connection in best.values()]


def touching_openings(
    spaces: Sequence[Space], *, known: Iterable[tuple[str, str]] = ()
) -> list[OpenConnection]:
    """Open connections between rooms whose footprints touch with no wall between.

    Rooms of one storey on the same level (floors within
    :data:`SAME_LEVEL_M`) whose footprints come within :data:`TOUCH_GAP_M` of
    each other along at least :data:`MIN_OPEN_WIDTH_M`. Pairs in ``known``
    (sorted GlobalId pairs) are skipped.
    """
    skip = {tuple(sorted(pair)) for pair in known}
    found: list[OpenConnection] = []
    with_footprint = [s for s in spaces if s.footprint is not None]
    by_storey: dict[str, list[Space]] = defaultdict(list)
    for space in with_footprint:
        by_storey[space.storey_id].append(space)
    for storey_id, members in by_storey.items():
        footprints = [s.footprint for s in members]
        tree = shapely.STRtree(footprints)
        left, right = tree.query(footprints, predicate="dwithin", distance=TOUCH_GAP_M)
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            if i >= j:
                continue
            a, b = members[i], members[j]
            pair = tuple(sorted((a.global_id, b.global_id)))
            if pair in skip or not _same_level(a, b):
                continue
            shared = _shared_boundary(a, b)
            if shared is None or shared.length < MIN_OPEN_WIDTH_M:
                continue
            mid = shared.interpolate(0.5, normalized=True)
            z = min((v for v in (a.floor_z_m, b.floor_z_m) if v is not None), default=0.0)
            found.append(
                OpenConnection(
                    space_ids=(pair[0], pair[1]),
                    storey_id=storey_id,
                    midpoint=(float(mid.x), float(mid.y), z),
                    plan=shared,
                    source="geometry",
                )
            )
    return found


def _same_level(a: Space, b: Space) -> bool:
    if a.floor_z_m is None or b.floor_z_m is None:
        return True
    return abs(a.floor_z_m - b.floor_z_m) <= SAME_LEVEL_M


def _shared_boundary(a: Space, b: Space) -> LineString | None:
    """The part of ``a``'s outline that runs within the touch gap of ``b``."""
    assert a.footprint is not None and b.footprint is not None
    near = shapely.intersection(a.footprint.boundary, b.footprint.buffer(TOUCH_GAP_M))
    return _longest_line(near)


def _shared_segment(a: LineString, b: LineString, tolerance: float) -> LineString | None:
    return _longest_line(shapely.intersection(a, b.buffer(tolerance)))


def _longest_line(geometry: shapely.Geometry) -> LineString | None:
    """The longest straight run of a (multi)line: one passage, not the sum of
    several short contacts."""
    if geometry is None or geometry.is_empty:
        return None
    merged = shapely.line_merge(geometry) if geometry.geom_type == "MultiLineString" else geometry
    lines = [g for g in getattr(merged, "geoms", [merged]) if isinstance(g, LineString)]
    return max(lines, key=lambda line: line.length, default=None)
