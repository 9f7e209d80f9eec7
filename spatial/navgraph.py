"""The navigation graph: rooms, doors, openings and vertical links, weighted by time.

Nodes are GlobalIds: a space, a door, an open connection between two rooms
(:attr:`OpenConnection.node_id`), ``outside``, and one node per storey a
vertical link serves (``"<link gid>@<storey gid>"``). Every node has ``kind``
(``space``/``door``/``opening``/``link``/``outside``), ``storey``, ``name``
and ``pos`` (world metres, z at floor level; ``None`` for ``outside``).

The *portals* of a room are its doors, openings and link stops. Inside each
room, every pair of portals is joined by an edge whose length is the real
walk between them (:class:`spatial.walkable.RoomWalker`: around corners, kept
:data:`~spatial.constants.CLEARANCE_M` off walls), and the room's own node (its
anchor, a point inside it) is joined to each portal the same way. So the
graph's lengths are walking lengths, not centre-to-centre guesses.

Every edge has ``length_m`` (metres walked or climbed), ``time_s`` (the search
weight), ``kind`` (``walk``, ``exit``, ``outdoor`` (round the outside between two
exterior doors), ``stair``, ``ramp``, ``lift``); walk
edges also ``room`` (the space walked through) and ``path`` (the XY points
walked, from the node named by ``path_from``); link edges ``link_id``.
``graph.graph["building"]`` holds the building it was built from.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import Point
from shapely.ops import nearest_points

from spatial.constants import (
    LINK_MIN_OVERLAP_M2,
    LINK_REACH_M,
    SHAFT_MIN_OVERLAP,
)
from spatial.openings import touching_openings
from spatial.records import OUTSIDE, Building, OpenConnection, Space, VerticalLink
from spatial.room_types import RoomTypeRules
from spatial.walkable import RoomWalker

log = logging.getLogger(__name__)

#: Walking speed on the flat, m/s (a technician with a tool bag).
WALK_SPEED_M_S = 1.2
#: Extra time (s) per metre of height climbed or descended on a stair, on top
#: of walking the flight's sloped length: a flight of 3 m rise costs ~9 s more
#: than its length on the flat, the usual 2-3x slowdown on stairs.
STAIR_S_PER_M_HEIGHT = 3.0
#: Ramps are walked at a slightly lower speed: extra seconds per metre of rise.
RAMP_S_PER_M_HEIGHT = 1.0
#: Waiting for a lift (s), then travelling at its speed (m/s).
LIFT_WAIT_S = 30.0
LIFT_SPEED_M_S = 1.0
#: Walking round the outside of the building from one exterior door to
#: another: the straight distance times this detour factor (paths, corners).
OUTSIDE_DETOUR_FACTOR = 1.4
#: Find doorless openings from touching footprints on storeys whose rooms
#: have no virtual space boundaries (see :mod:`spatial.openings`).
GEOMETRIC_OPENINGS = True

EDGE_KINDS = ("walk", "exit", "outdoor", "stair", "ramp", "lift")


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


def shaft_links(building: Building, rules: RoomTypeRules | None = None) -> list[VerticalLink]:
    """Stairs and lifts modelled only as rooms: a stack of stair- or lift-typed
    rooms on consecutive storeys at overlapping plan positions.

    A stack already served by a real stair or lift (an element whose footprint
    overlaps the room) is left to that element. Each link's GlobalId is the
    lowest room's, its ``ifc_class`` ``"IfcSpace"``.
    """
    rules = rules or RoomTypeRules()
    order = {s.global_id: i for i, s in enumerate(building.storeys)}
    real = [link.footprint for link in building.links if link.footprint is not None]
    typed: dict[str, list[Space]] = defaultdict(list)
    for space in building.spaces:
        kind = rules.classify(space)
        if kind in ("stair", "lift") and space.footprint is not None:
            overlapped = any(
                space.footprint.intersection(f).area >= LINK_MIN_OVERLAP_M2 for f in real
            )
            if not overlapped:
                typed[kind].append(space)
    links: list[VerticalLink] = []
    for kind, rooms in typed.items():
        rooms.sort(key=lambda s: order.get(s.storey_id, 0))
        used: set[str] = set()
        for room in rooms:
            if room.global_id in used:
                continue
            stack = [room]
            while True:
                top = stack[-1]
                above = [
                    s
                    for s in rooms
                    if order.get(s.storey_id, -9) == order.get(top.storey_id, 0) + 1
                    and s.global_id not in used
                    and _overlap_share(top, s) >= SHAFT_MIN_OVERLAP
                ]
                if not above:
                    break
                stack.append(above[0])
            if len(stack) < 2:
                continue
            used.update(s.global_id for s in stack)
            links.append(
                VerticalLink(
                    global_id=room.global_id,
                    kind="lift" if kind == "lift" else "stair",
                    name=room.label,
                    storey_ids=tuple(s.storey_id for s in stack),
                    footprint=shapely.intersection_all([s.footprint for s in stack]),
                    ifc_class="IfcSpace",
                )
            )
    return links


def _overlap_share(a: Space, b: Space) -> float:
    assert a.footprint is not None and b.footprint is not None
    smaller = min(a.footprint.area, b.footprint.area)
    return float(a.footprint.intersection(b.footprint).area / smaller) if smaller > 0 else 0.0


def all_openings(building: Building) -> list[OpenConnection]:
    """The building's open connections: the model's virtual boundaries, plus,
    on storeys without any, touching footprints (:data:`GEOMETRIC_OPENINGS`)."""
    openings = list(building.openings)
    if GEOMETRIC_OPENINGS:
        declared = {o.storey_id for o in openings}
        spaces = [s for s in building.spaces if s.storey_id not in declared]
        openings += touching_openings(spaces, known=(o.space_ids for o in openings))
    return openings


def build_nav_graph(building: Building) -> nx.Graph:
    """The navigation graph of ``building`` (see the module docstring).

    Examples
    --------
    >>> from spatial.records import Building, Storey
    >>> graph = build_nav_graph(Building("b", "B", (), (Storey("L1", "L1", 0.0),), ()))
    >>> graph.number_of_nodes()
    0
    """
    graph = nx.Graph(building=building)
    floors = {s.global_id: s.elevation_m for s in building.storeys}
    spaces = {s.global_id: s for s in building.spaces}

    def floor_of(space_id: str, storey_id: str | None) -> float:
        space = spaces.get(space_id)
        if space is not None and space.floor_z_m is not None:
            return space.floor_z_m
        return floors.get(storey_id or "", 0.0)

    portals: dict[str, list[str]] = defaultdict(list)
    for space in building.spaces:
        anchor = space_anchor(space)
        z = floor_of(space.global_id, space.storey_id)
        graph.add_node(
            space.global_id,
            kind="space",
            storey=space.storey_id,
            pos=None if anchor is None else (anchor[0], anchor[1], z),
            name=space.label,
        )
    entrance_storey = _entrance_storey(building, floors)
    for door in building.doors:
        rooms = [s for s in door.space_ids if s in spaces]
        z = min((floor_of(s, door.storey_id) for s in rooms), default=door.centre[2])
        graph.add_node(
            door.global_id,
            kind="door",
            storey=door.storey_id,
            pos=(door.centre[0], door.centre[1], z),
            name=door.name,
        )
        for space_id in rooms:
            portals[space_id].append(door.global_id)
        if door.is_exterior and door.storey_id == entrance_storey:
            if OUTSIDE not in graph:
                graph.add_node(OUTSIDE, kind="outside", storey=None, pos=None, name="outside")
            graph.add_edge(door.global_id, OUTSIDE, length_m=0.0, time_s=0.0, kind="exit")
    _join_exterior_doors(graph)
    for opening in all_openings(building):
        node = opening.node_id
        graph.add_node(
            node,
            kind="opening",
            storey=opening.storey_id,
            pos=opening.midpoint,
            name="opening " + " / ".join(spaces[s].label for s in opening.space_ids if s in spaces),
        )
        for space_id in opening.space_ids:
            if space_id in spaces:
                portals[space_id].append(node)
    for link in [*building.links, *shaft_links(building)]:
        _add_link(graph, building, link, floors, portals)
    for space in building.spaces:
        if space.footprint is not None and graph.nodes[space.global_id]["pos"] is not None:
            _join_room(graph, space, portals.get(space.global_id, []))
    return graph


def _join_exterior_doors(graph: nx.Graph) -> None:
    """Walks outside between the entrance storey's exterior doors (kind ``outdoor``).

    ``outside`` itself is where routes start or end; a route between two parts
    of a building that only the outdoors joins (the two flats of a duplex)
    walks round the outside, costed by :data:`OUTSIDE_DETOUR_FACTOR`.
    """
    if OUTSIDE not in graph:
        return
    exits = sorted(graph.neighbors(OUTSIDE))
    for a, b in itertools.combinations(exits, 2):
        pa, pb = graph.nodes[a]["pos"], graph.nodes[b]["pos"]
        length = math.dist(pa, pb) * OUTSIDE_DETOUR_FACTOR
        graph.add_edge(a, b, length_m=length, time_s=length / WALK_SPEED_M_S, kind="outdoor")


def _join_room(graph: nx.Graph, space: Space, portal_ids: list[str]) -> None:
    """Edges inside one room: anchor to every portal, every portal to every other."""
    assert space.footprint is not None
    walker = RoomWalker(space.footprint)
    ids = [space.global_id, *dict.fromkeys(portal_ids)]
    where = [graph.nodes[n]["pos"] for n in ids]
    inner = [walker.inner_point((p[0], p[1])) for p in where]
    pairs = list(itertools.combinations(range(len(ids)), 2))
    if not pairs:
        return
    visible = walker.visible_many([inner[i] for i, _ in pairs], [inner[j] for _, j in pairs])
    for (i, j), straight in zip(pairs, visible, strict=True):
        if straight:
            inside = math.dist(inner[i], inner[j])
            points = [inner[i], inner[j]]
        else:
            inside, points = walker.path(inner[i], inner[j])
        length = math.dist(where[i][:2], inner[i]) + inside + math.dist(inner[j], where[j][:2])
        u, v = ids[i], ids[j]
        existing = graph.get_edge_data(u, v)
        if existing is not None and existing["length_m"] <= length:
            continue  # two doors joining the same two rooms: keep the shorter room
        graph.add_edge(
            u,
            v,
            length_m=length,
            time_s=length / WALK_SPEED_M_S,
            kind="walk",
            room=space.global_id,
            path=tuple(points),
            path_from=u,
        )


def _entrance_storey(building: Building, floors: dict[str, float]) -> str | None:
    """The lowest storey with an exterior door: where the building is entered."""
    storeys = {d.storey_id for d in building.doors if d.is_exterior}
    return min(storeys, key=lambda s: floors.get(s, 0.0), default=None)


def _add_link(
    graph: nx.Graph,
    building: Building,
    link: VerticalLink,
    floors: dict[str, float],
    portals: dict[str, list[str]],
) -> None:
    """One node per served storey, a portal of the rooms it opens into, joined
    to the next served storey by a climb (or a lift ride)."""
    served: list[str] = []
    for storey_id in link.storey_ids:
        rooms = rooms_served(building, link, storey_id)
        if not rooms or link.footprint is None:
            continue
        node = link_node(link.global_id, storey_id)
        x, y = _stop_point(building, link, rooms)
        z = floors.get(storey_id, 0.0)
        graph.add_node(
            node,
            kind="link",
            link_kind=link.kind,
            link_id=link.global_id,
            storey=storey_id,
            pos=(x, y, z),
            name=link.name,
        )
        for space_id in rooms:
            portals[space_id].append(node)
        served.append(storey_id)
    for lower, upper in itertools.pairwise(served):
        rise = abs(floors.get(upper, 0.0) - floors.get(lower, 0.0))
        if link.kind == "lift":
            time_s, length = LIFT_WAIT_S + rise / LIFT_SPEED_M_S, rise
        else:
            run = _flight_run(link)
            length = math.hypot(run, rise)
            extra = STAIR_S_PER_M_HEIGHT if link.kind == "stair" else RAMP_S_PER_M_HEIGHT
            time_s = length / WALK_SPEED_M_S + rise * extra
        graph.add_edge(
            link_node(link.global_id, lower),
            link_node(link.global_id, upper),
            length_m=length,
            time_s=time_s,
            kind=link.kind,
            link_id=link.global_id,
        )


def _stop_point(building: Building, link: VerticalLink, rooms: list[str]) -> tuple[float, float]:
    """Where a link is boarded on one storey: its plan centre, moved into the
    nearest room it serves when the centre lies in none (a stair in a void)."""
    assert link.footprint is not None
    centre = link.footprint.centroid
    footprints = [building.space(r).footprint for r in rooms]
    union = shapely.union_all([f for f in footprints if f is not None])
    if union.is_empty or union.covers(centre):
        return float(centre.x), float(centre.y)
    near = nearest_points(union, Point(centre))[0]
    return float(near.x), float(near.y)


def _flight_run(link: VerticalLink) -> float:
    """Plan length walked on a flight: the long side of its footprint's bounding box."""
    if link.footprint is None or link.kind == "lift":
        return 0.0
    box = shapely.minimum_rotated_rectangle(link.footprint)
    if box.geom_type != "Polygon":
        return 0.0
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
    if not candidates:
        return []
    geoms = np.array([s.footprint for s in candidates], dtype=object)
    overlap = shapely.area(shapely.intersection(geoms, link.footprint))
    overlapping = [
        s.global_id for s, a in zip(candidates, overlap, strict=True) if a >= LINK_MIN_OVERLAP_M2
    ]
    if overlapping:
        return overlapping
    distance = shapely.distance(geoms, link.footprint)
    return [s.global_id for s, d in zip(candidates, distance, strict=True) if d <= LINK_REACH_M]


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


__all__ = [
    "LIFT_WAIT_S",
    "STAIR_S_PER_M_HEIGHT",
    "WALK_SPEED_M_S",
    "NavStats",
    "build_nav_graph",
    "link_node",
    "nav_stats",
    "rooms_served",
    "shaft_links",
    "space_anchor",
]
