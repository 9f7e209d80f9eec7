"""The navigation graph: rooms, doors and vertical links, weighted by walking time.

Nodes are GlobalIds: a space, a door, ``outside``, and one node per storey a
vertical link serves (``"<link gid>@<storey gid>"``). Every node has
``kind`` (``space``/``door``/``link``/``outside``), ``storey`` and ``pos``
(world metres, the floor level for z). Every edge has ``length_m`` (the
metres walked or climbed along it), ``time_s`` (the search weight) and
``kind`` (``walk``, ``exit``, ``stair``, ``lift``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import shapely

from spatial.records import OUTSIDE, Building, Space, VerticalLink

#: Walking speed on the flat, m/s (a technician with a tool bag).
WALK_SPEED_M_S = 1.2
#: Time to climb or descend one metre of height on a stair, in seconds on top
#: of walking the flight's plan length: about 3 s per metre of rise.
STAIR_S_PER_M_HEIGHT = 3.0
#: Time waiting for a lift, in seconds, plus travel at the lift's speed.
LIFT_WAIT_S = 30.0
LIFT_SPEED_M_S = 1.0
#: A link serves a room on a storey when their footprints overlap this much (m²),
#: or when the room is within this distance (m) of the link.
LINK_MIN_OVERLAP_M2 = 0.25
LINK_REACH_M = 1.0


def link_node(link_id: str, storey_id: str) -> str:
    """Node id of a vertical link on one storey."""
    return f"{link_id}@{storey_id}"


@dataclass(frozen=True)
class NavStats:
    """Size and connectivity of a navigation graph."""

    nodes: int
    edges: int
    components: int
    spaces_reachable: int
    unreachable_space_ids: tuple[str, ...]


def space_anchor(space: Space) -> tuple[float, float] | None:
    """A point inside the room's footprint (XY metres) where routes start and end."""
    if space.footprint is None:
        return None
    point = shapely.point_on_surface(space.footprint)
    return (float(point.x), float(point.y))


def build_nav_graph(building: Building) -> nx.Graph:
    """The navigation graph of ``building`` (see the module docstring)."""
    graph = nx.Graph()
    floors = {s.global_id: s.elevation_m for s in building.storeys}
    spaces = {s.global_id: s for s in building.spaces}
    for space in building.spaces:
        anchor = space_anchor(space)
        z = space.floor_z_m if space.floor_z_m is not None else floors.get(space.storey_id, 0.0)
        graph.add_node(
            space.global_id,
            kind="space",
            storey=space.storey_id,
            pos=None if anchor is None else (anchor[0], anchor[1], z),
            name=space.label,
        )
    entrance_storey = _entrance_storey(building, floors)
    for door in building.doors:
        floor = min(
            (spaces[s].floor_z_m for s in door.space_ids if spaces[s].floor_z_m is not None),
            default=floors.get(door.storey_id, door.centre[2]),
        )
        pos = (door.centre[0], door.centre[1], floor)
        graph.add_node(door.global_id, kind="door", storey=door.storey_id, pos=pos, name=door.name)
        for space_id in door.space_ids:
            _walk(graph, space_id, door.global_id)
        if door.is_exterior and door.storey_id == entrance_storey:
            if OUTSIDE not in graph:
                graph.add_node(OUTSIDE, kind="outside", storey=None, pos=None, name="outside")
            graph.add_edge(door.global_id, OUTSIDE, length_m=0.0, time_s=0.0, kind="exit")
    for link in building.links:
        _add_link(graph, building, link, floors)
    return graph


def _walk(graph: nx.Graph, a: str, b: str) -> None:
    pa, pb = graph.nodes[a].get("pos"), graph.nodes[b].get("pos")
    length = 0.0 if pa is None or pb is None else math.dist(pa[:2], pb[:2])
    graph.add_edge(a, b, length_m=length, time_s=length / WALK_SPEED_M_S, kind="walk")


def _entrance_storey(building: Building, floors: dict[str, float]) -> str | None:
    """The lowest storey with an exterior door: where the building is entered."""
    storeys = {d.storey_id for d in building.doors if d.is_exterior}
    return min(storeys, key=lambda s: floors.get(s, 0.0), default=None)


def _add_link(
    graph: nx.Graph, building: Building, link: VerticalLink, floors: dict[str, float]
) -> None:
    """One node per served storey, joined to the rooms it opens into and to each other."""
    served: list[str] = []
    for storey_id in link.storey_ids:
        rooms = rooms_served(building, link, storey_id)
        if not rooms:
            continue
        node = link_node(link.global_id, storey_id)
        centre = link.footprint.centroid if link.footprint is not None else None
        z = floors.get(storey_id, 0.0)
        graph.add_node(
            node,
            kind="link",
            link_kind=link.kind,
            link_id=link.global_id,
            storey=storey_id,
            pos=None if centre is None else (float(centre.x), float(centre.y), z),
            name=link.name,
        )
        for space_id in rooms:
            _walk(graph, space_id, node)
        served.append(storey_id)
    for lower, upper in itertools.pairwise(served):
        rise = abs(floors.get(upper, 0.0) - floors.get(lower, 0.0))
        if link.kind == "lift":
            time_s, length = LIFT_WAIT_S + rise / LIFT_SPEED_M_S, rise
        else:
            run = _flight_run(link)
            length = math.hypot(run, rise)
            time_s = run / WALK_SPEED_M_S + rise * STAIR_S_PER_M_HEIGHT
        graph.add_edge(
            link_node(link.global_id, lower),
            link_node(link.global_id, upper),
            length_m=length,
            time_s=time_s,
            kind="lift" if link.kind == "lift" else "stair",
        )


def _flight_run(link: VerticalLink) -> float:
    """Plan length walked on a flight: the long side of its footprint's bounding box."""
    if link.footprint is None:
        return 0.0
    box = shapely.minimum_rotated_rectangle(link.footprint)
    coords = list(box.exterior.coords)
    return max(math.dist(coords[0], coords[1]), math.dist(coords[1], coords[2]))


def rooms_served(building: Building, link: VerticalLink, storey_id: str) -> list[str]:
    """Rooms on ``storey_id`` that a vertical link opens into.

    The rooms its footprint overlaps (a stair core, a lift shaft); failing
    that, the rooms within :data:`LINK_REACH_M` of it.
    """
    if link.footprint is None:
        return []
    candidates = [
        s for s in building.spaces if s.storey_id == storey_id and s.footprint is not None
    ]
    overlapping = [
        s.global_id
        for s in candidates
        if s.footprint is not None
        and s.footprint.intersection(link.footprint).area >= LINK_MIN_OVERLAP_M2
    ]
    if overlapping:
        return overlapping
    return [
        s.global_id
        for s in candidates
        if s.footprint is not None and s.footprint.distance(link.footprint) <= LINK_REACH_M
    ]


def nav_stats(graph: nx.Graph, space_ids: Iterable[str]) -> NavStats:
    """Counts of a graph and which spaces cannot be reached from ``outside``."""
    reachable = nx.node_connected_component(graph, OUTSIDE) if OUTSIDE in graph else set()
    ids = list(space_ids)
    return NavStats(
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        components=nx.number_connected_components(graph),
        spaces_reachable=sum(1 for s in ids if s in reachable),
        unreachable_space_ids=tuple(s for s in ids if s not in reachable),
    )
