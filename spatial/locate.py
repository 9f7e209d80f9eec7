"""Which room is a point in: one prepared index per storey, array queries.

The index is built once per building; each query takes an array of XY points
(world metres) and answers for all of them at once. A point that is in no
room comes back as ``Location(None, "unlocated")``: callers must handle it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import Polygon

from spatial.constants import NEAREST_MAX_M
from spatial.records import LocationMethod, Space


class Location(NamedTuple):
    """Where a point is: the room's GlobalId (or ``None``) and how it was found."""

    space_id: str | None
    method: LocationMethod


@dataclass(frozen=True)
class _StoreyTree:
    space_ids: tuple[str, ...]
    areas: npt.NDArray[np.float64]
    tree: shapely.STRtree


class SpaceIndex:
    """Space footprints of a building, indexed per storey.

    Parameters
    ----------
    spaces
        The building's spaces; those without a footprint are left out.
    """

    def __init__(self, spaces: Iterable[Space]) -> None:
        grouped: dict[str, list[Space]] = defaultdict(list)
        for space in spaces:
            if space.footprint is not None:
                grouped[space.storey_id].append(space)
        self._trees = {
            storey_id: _StoreyTree(
                space_ids=tuple(s.global_id for s in members),
                areas=shapely.area([s.footprint for s in members]),
                tree=shapely.STRtree([s.footprint for s in members]),
            )
            for storey_id, members in grouped.items()
        }

    def storeys(self) -> tuple[str, ...]:
        """GlobalIds of the storeys that have at least one footprint."""
        return tuple(self._trees)

    def locate(
        self, storey_id: str, points_xy: npt.ArrayLike, *, nearest_max_m: float = NEAREST_MAX_M
    ) -> list[Location]:
        """The room each XY point (world metres) lies in, on one storey.

        A point inside (or on the edge of) a footprint is ``"geometry"``; one
        outside every footprint but within ``nearest_max_m`` of one is
        ``"nearest"``; anything else is ``"unlocated"``. Where footprints
        overlap, the smallest room wins (a room drawn inside a larger zone).
        """
        xy = np.asarray(points_xy, dtype=float).reshape(-1, 2)
        found: list[Location] = [Location(None, "unlocated")] * len(xy)
        entry = self._trees.get(storey_id)
        if entry is None or len(xy) == 0:
            return found
        points = shapely.points(xy)
        hits = entry.tree.query(points, predicate="intersects")
        best: dict[int, int] = {}
        for point_index, tree_index in zip(hits[0].tolist(), hits[1].tolist(), strict=True):
            current = best.get(point_index)
            if current is None or entry.areas[tree_index] < entry.areas[current]:
                best[point_index] = tree_index
        for point_index, tree_index in best.items():
            found[point_index] = Location(entry.space_ids[tree_index], "geometry")
        missing = [i for i in range(len(xy)) if i not in best]
        if missing and nearest_max_m > 0:
            near = entry.tree.query_nearest(points[missing], max_distance=nearest_max_m)
            for local_index, tree_index in zip(near[0].tolist(), near[1].tolist(), strict=True):
                point_index = missing[local_index]
                if found[point_index].space_id is None:
                    found[point_index] = Location(entry.space_ids[tree_index], "nearest")
        return found

    def overlapping(self, storey_id: str, outline: Polygon) -> list[tuple[str, float]]:
        """Rooms on a storey whose footprint overlaps ``outline``, with the overlap in m²,
        largest overlap first."""
        entry = self._trees.get(storey_id)
        if entry is None:
            return []
        candidates = entry.tree.query(outline, predicate="intersects")
        geometries = entry.tree.geometries.take(candidates)
        overlaps = shapely.area(shapely.intersection(geometries, outline))
        pairs = [
            (entry.space_ids[int(index)], float(area))
            for index, area in zip(candidates, overlaps, strict=True)
            if area > 0
        ]
        return sorted(pairs, key=lambda pair: -pair[1])


def storey_for_height(
    storeys: Sequence[tuple[str, float]], z_m: float, *, below_tolerance_m: float = 0.5
) -> str | None:
    """The storey whose floor is the highest at or below ``z_m`` (+ tolerance).

    ``storeys`` are ``(global_id, elevation_m)`` pairs in any order. Used for
    elements that name no storey: equipment hanging under a slab belongs to
    the storey below it.
    """
    chosen: tuple[str, float] | None = None
    for storey_id, elevation in storeys:
        if elevation <= z_m + below_tolerance_m and (chosen is None or elevation > chosen[1]):
            chosen = (storey_id, elevation)
    if chosen is None and storeys:
        chosen = min(storeys, key=lambda pair: pair[1])
    return None if chosen is None else chosen[0]
