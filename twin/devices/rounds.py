"""Tie-in with routing: faulty lifts out of service, alarms as targets, maintenance rounds.

The router proper lives in ``spatial``/``twin.routing`` (another module); this
module gives it what the devices know: which vertical links are out of
service, and where open alarms and work orders are. The round planner here
is a plain nearest-neighbour tour over shortest walking times; it takes any
``shortest(graph, a, b) -> seconds`` so a faster router can be plugged in.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

import networkx as nx
import shapely

from spatial.records import Building

#: Metres around a lift's footprint within which a lift controller counts as that lift's.
LIFT_CONTROLLER_REACH_M = 2.0

ShortestTime = Callable[[nx.Graph, str, str], float]


def lifts_out_of_service(building: Building, faulty_global_ids: Collection[str]) -> set[str]:
    """GlobalIds of the building's lifts that a faulty element stands for.

    A fault counts for a lift when the device is bound to the lift itself
    (``IfcTransportElement``), or to equipment (a lift controller) on or within
    :data:`LIFT_CONTROLLER_REACH_M` of the lift's footprint.
    """
    out = {lift.global_id for lift in building.lifts if lift.global_id in faulty_global_ids}
    centres = [
        e for e in building.equipment if e.global_id in faulty_global_ids and e.centre is not None
    ]
    for lift in building.lifts:
        if lift.footprint is None or lift.global_id in out:
            continue
        reach = lift.footprint.buffer(LIFT_CONTROLLER_REACH_M)
        if any(reach.contains(shapely.Point(e.centre[0], e.centre[1])) for e in centres):  # type: ignore[index]
            out.add(lift.global_id)
    return out


def without_links(graph: nx.Graph, link_ids: Collection[str]) -> nx.Graph:
    """A read-only view of ``graph`` without the nodes of the given vertical links."""
    if not link_ids:
        return graph
    prefixes = tuple(f"{link}@" for link in link_ids)
    return nx.restricted_view(graph, [n for n in graph if str(n).startswith(prefixes)], [])


def target_node(building: Building, global_id: str | None, space_id: str | None) -> str | None:
    """The navigation node to walk to for an element: its room, or the room itself."""
    if space_id:
        return space_id
    if global_id and any(s.global_id == global_id for s in building.spaces):
        return global_id
    return None


def walking_time(graph: nx.Graph, a: str, b: str) -> float:
    """Shortest walking time between two nodes, seconds (A* without heuristic = Dijkstra)."""
    return float(nx.shortest_path_length(graph, a, b, weight="time_s"))


@dataclass(frozen=True)
class Round:
    """A planned round: the stops in order, their time from the start, unreachable ones."""

    start: str
    stops: tuple[str, ...]
    total_s: float
    unreachable: tuple[str, ...]


def plan_round(
    graph: nx.Graph,
    start: str,
    targets: Iterable[str],
    *,
    shortest: ShortestTime = walking_time,
) -> Round:
    """Visit every target once, always walking to the nearest remaining one."""
    remaining = list(dict.fromkeys(t for t in targets if t != start))
    unreachable = [t for t in remaining if t not in graph]
    remaining = [t for t in remaining if t in graph]
    here, total, stops = start, 0.0, []
    while remaining:
        best: tuple[float, str] | None = None
        for target in remaining:
            try:
                cost = shortest(graph, here, target)
            except nx.NetworkXNoPath:
                continue
            if best is None or cost < best[0]:
                best = (cost, target)
        if best is None:
            unreachable.extend(remaining)
            break
        total += best[0]
        here = best[1]
        stops.append(here)
        remaining.remove(here)
    return Round(start, tuple(stops), total, tuple(unreachable))
