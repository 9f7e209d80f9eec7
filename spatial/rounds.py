"""Maintenance rounds: the order to visit a list of targets that keeps the walk short.

One multi-source Dijkstra (from the start and every target at once) gives the
matrix of quickest times between all of them; nearest neighbour then 2-opt
orders the visits (an open path from the start, not back to it). The naive
order (as given) is walked too, for comparison.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse.csgraph

from spatial.constants import (
    TWO_OPT_MAX_PASSES,
    TWO_OPT_MIN_GAIN_S,
)
from spatial.errors import NoRouteError, RoutingError
from spatial.navgraph import WALK_SPEED_M_S
from spatial.routing import Constraints, Place, Route, Router, _rooms_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Round:
    """A round: the visiting order, its legs and totals, and the naive order's total."""

    start: Place
    order: tuple[Place, ...]
    legs: tuple[Route, ...]
    length_m: float
    time_s: float
    naive_length_m: float
    naive_time_s: float


def plan_round(
    router: Router,
    start: str | Place,
    targets: Sequence[str | Place],
    constraints: Constraints | None = None,
) -> Round:
    """The visiting order of ``targets`` from ``start`` that keeps the walk short.

    Raises
    ------
    UnknownPlaceError, AmbiguousPlaceError
        For a reference that names no place, or several.
    NoRouteError
        When a target cannot be reached from the start; the message says why.
    RoutingError
        When no target is given or one is given twice.
    """
    constraints = constraints or Constraints()
    first = start if isinstance(start, Place) else router.resolve(start)
    places = [t if isinstance(t, Place) else router.resolve(t) for t in targets]
    if not places:
        raise RoutingError("a round needs at least one target")
    ids = [p.global_id for p in places]
    if len(set(ids)) != len(ids):
        raise RoutingError(
            "a round lists a target twice: "
            + ", ".join(sorted({i for i in ids if ids.count(i) > 1}))
        )
    everyone = [first, *places]
    ends = [router._ends(p) for p in everyone]
    matrix = router._weights(constraints, _rooms_of(*everyone))
    all_nodes = np.unique(np.concatenate([e.nodes for e in ends]))
    row = {int(n): i for i, n in enumerate(all_nodes)}
    times, predecessors = scipy.sparse.csgraph.dijkstra(
        matrix, directed=True, indices=all_nodes, return_predecessors=True
    )
    cost = _cost_matrix(ends, times, row)
    unreachable = [k for k in range(1, len(everyone)) if not np.isfinite(cost[0, k])]
    if unreachable:
        router.route(first, everyone[unreachable[0]], constraints)  # raises with the reason
        raise NoRouteError(f"no route from {first.name} to {everyone[unreachable[0]].name}")
    naive = list(range(1, len(everyone)))
    order = _two_opt(cost, _nearest_neighbour(cost))
    if _path_cost(cost, order) > _path_cost(cost, naive):
        order = naive  # the heuristics never should lose, but never report worse

    def leg(a: int, b: int) -> Route:
        sources, targets = ends[a], ends[b]
        rows = [row[int(x)] for x in sources.nodes]
        best = router._best(sources, targets, times[rows])
        if best is None:  # the cost matrix said reachable: only a bug gets here
            raise NoRouteError(f"no route from {everyone[a].name} to {everyone[b].name}")
        i, j = best
        return router._assemble(
            everyone[a], everyone[b], sources, targets, i, j, predecessors[rows[i]], constraints
        )

    legs = tuple(leg(a, b) for a, b in itertools.pairwise([0, *order]))
    naive_legs = [leg(a, b) for a, b in itertools.pairwise([0, *naive])]
    return Round(
        start=first,
        order=tuple(everyone[k] for k in order),
        legs=legs,
        length_m=sum(x.length_m for x in legs),
        time_s=sum(x.time_s for x in legs),
        naive_length_m=sum(x.length_m for x in naive_legs),
        naive_time_s=sum(x.time_s for x in naive_legs),
    )


def _cost_matrix(
    ends: Sequence[Any], times: npt.NDArray[np.float64], row: dict[int, int]
) -> npt.NDArray[np.float64]:
    """Quickest time (s) between every pair of places, through their entry nodes."""
    n = len(ends)
    cost = np.zeros((n, n))
    for a in range(n):
        rows = [row[int(x)] for x in ends[a].nodes]
        for b in range(n):
            if a == b:
                continue
            block = (
                ends[a].extra_m[:, None] / WALK_SPEED_M_S
                + times[np.ix_(rows, ends[b].nodes)]
                + ends[b].extra_m[None, :] / WALK_SPEED_M_S
            )
            cost[a, b] = block.min()
    return cost


def _nearest_neighbour(cost: npt.NDArray[np.float64]) -> list[int]:
    """Visit order (indices into ``cost``, start 0 excluded) by nearest neighbour."""
    left = set(range(1, len(cost)))
    order: list[int] = []
    here = 0
    while left:
        here = min(left, key=lambda k: (cost[here, k], k))
        order.append(here)
        left.remove(here)
    return order


def _path_cost(cost: npt.NDArray[np.float64], order: Sequence[int]) -> float:
    return float(sum(cost[a, b] for a, b in itertools.pairwise([0, *order])))


def _two_opt(cost: npt.NDArray[np.float64], order: list[int]) -> list[int]:
    """Improve an open path from 0 by reversing segments while that shortens it.

    Walking times are symmetric (the graph is undirected), so reversing a
    segment changes only its two end edges; the path's far end has no edge
    after it.
    """
    path = [0, *order]
    n = len(path)
    for _ in range(TWO_OPT_MAX_PASSES):
        improved = False
        for i in range(1, n - 1):
            for j in range(i + 1, n):
                before = cost[path[i - 1], path[i]] + (
                    cost[path[j], path[j + 1]] if j + 1 < n else 0.0
                )
                after = cost[path[i - 1], path[j]] + (
                    cost[path[i], path[j + 1]] if j + 1 < n else 0.0
                )
                if after < before - TWO_OPT_MIN_GAIN_S:
                    path[i : j + 1] = path[i : j + 1][::-1]
                    improved = True
        if not improved:
            break
    return path[1:]
