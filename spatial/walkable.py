"""Shortest walks inside one room: a visibility graph over its reflex corners.

A person crossing an L-shaped corridor does not walk through the wall at the
corner: the shortest path inside a polygon is a chain of straight segments
that bends only at the polygon's reflex (inward-pointing) corners. Each room's
footprint is shrunk by :data:`CLEARANCE_M` (people keep off walls, and the
path keeps clear of the corner it turns), its reflex corners and their mutual
visibility are computed once, and queries add their two end points.

Coordinates are world XY metres.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.polygon import orient
from shapely.ops import nearest_points

from spatial.constants import (
    CLEARANCE_M,
    FALLBACK_CLEARANCES_M,
    SIMPLIFY_M,
    VISIBILITY_EPS_M,
)
from spatial.records import Footprint

XY = tuple[float, float]


class RoomWalker:
    """Shortest walking paths between points of one room.

    Parameters
    ----------
    footprint
        The room's plan footprint (world XY metres).
    """

    def __init__(self, footprint: Footprint) -> None:
        self.area = _walk_area(footprint)
        self._test = self.area.buffer(VISIBILITY_EPS_M)
        shapely.prepare(self._test)
        shapely.prepare(self.area)
        self.corners = _reflex_corners(self.area)
        n = len(self.corners)
        self._corner_edges: list[list[tuple[int, float]]] = [[] for _ in range(n)]
        if n > 1:
            pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
            visible = self._visible(
                [self.corners[i] for i, _ in pairs], [self.corners[j] for _, j in pairs]
            )
            for (i, j), ok in zip(pairs, visible, strict=True):
                if ok:
                    d = math.dist(self.corners[i], self.corners[j])
                    self._corner_edges[i].append((j, d))
                    self._corner_edges[j].append((i, d))

    def inner_point(self, point: XY) -> XY:
        """``point`` itself when it lies in the walk area, else the nearest point of it."""
        p = Point(point)
        if self.area.covers(p):
            return (float(point[0]), float(point[1]))
        nearest = nearest_points(self.area, p)[0]
        return (float(nearest.x), float(nearest.y))

    def visible_many(self, starts: Sequence[XY], ends: Sequence[XY]) -> np.ndarray:
        """Whether each straight segment ``starts[i] -> ends[i]`` stays in the walk area."""
        return self._visible(starts, ends)

    def path(self, start: XY, end: XY) -> tuple[float, list[XY]]:
        """The shortest walk from ``start`` to ``end`` (both in the walk area).

        Returns its length in metres and its points, ``start`` and ``end``
        included. Where the area gives no path (a room in two parts), the
        straight segment.
        """
        if self._visible([start], [end])[0] or not self.corners:
            return math.dist(start, end), [start, end]
        n = len(self.corners)
        from_start = self._visible([start] * n, self.corners)
        to_end = self._visible([end] * n, self.corners)
        # Dijkstra over corners; node n is the end.
        best = [math.inf] * (n + 1)
        previous = [-1] * (n + 1)
        heap: list[tuple[float, int]] = []
        for i in range(n):
            if from_start[i]:
                best[i] = math.dist(start, self.corners[i])
                heapq.heappush(heap, (best[i], i))
        while heap:
            d, i = heapq.heappop(heap)
            if d > best[i]:
                continue
            if i == n:
                break
            if to_end[i]:
                candidate = d + math.dist(self.corners[i], end)
                if candidate < best[n]:
                    best[n], previous[n] = candidate, i
                    heapq.heappush(heap, (candidate, n))
            for j, w in self._corner_edges[i]:
                if d + w < best[j]:
                    best[j], previous[j] = d + w, i
                    heapq.heappush(heap, (d + w, j))
        if math.isinf(best[n]):
            return math.dist(start, end), [start, end]
        points: list[XY] = [end]
        node = previous[n]
        while node != -1:
            points.append(self.corners[node])
            node = previous[node]
        points.append(start)
        points.reverse()
        return best[n], points

    def _visible(self, starts: Sequence[XY], ends: Sequence[XY]) -> np.ndarray:
        if not len(starts):
            return np.zeros(0, dtype=bool)
        coords = np.stack([np.asarray(starts, float), np.asarray(ends, float)], axis=1)
        lines = shapely.linestrings(coords)
        return np.asarray(shapely.covers(self._test, lines), dtype=bool)


def _walk_area(footprint: Footprint) -> Polygon | MultiPolygon:
    """The footprint shrunk by the clearance, less where the room is too narrow."""
    for clearance in (CLEARANCE_M, *FALLBACK_CLEARANCES_M):
        shrunk = footprint.buffer(-clearance, join_style="mitre")
        if not shrunk.is_empty and shrunk.area >= 0.25 * footprint.area:
            return shrunk.simplify(SIMPLIFY_M)  # type: ignore[no-any-return]
    return footprint


def _reflex_corners(area: Polygon | MultiPolygon) -> list[XY]:
    """Reflex corners of every ring: where the walk area's boundary turns inward."""
    corners: list[XY] = []
    for part in getattr(area, "geoms", [area]):
        if not isinstance(part, Polygon):
            continue
        oriented = orient(part, sign=1.0)  # exterior counter-clockwise, holes clockwise
        for ring in (oriented.exterior, *oriented.interiors):
            pts = np.asarray(ring.coords)[:-1, :2]
            if len(pts) < 3:
                continue
            before = pts - np.roll(pts, 1, axis=0)
            after = np.roll(pts, -1, axis=0) - pts
            cross = before[:, 0] * after[:, 1] - before[:, 1] * after[:, 0]
            corners.extend((float(x), float(y)) for x, y in pts[cross < 0])
    return corners
