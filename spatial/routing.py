"""Routes through a building: from a room, door, equipment or ``outside`` to a
room or equipment, under constraints (no stairs, restricted rooms, faults).

The navigation graph (:mod:`spatial.navgraph`) is compiled once into a CSR
matrix of walking times; each query runs scipy's C Dijkstra from the start
(or the few portals of the start's room) and masks out, by weight, the edges
its constraints forbid. Routes come back as ordered steps, a length in
metres, a time in seconds and a 3D polyline (world metres) that follows the
rooms' walkable areas.

Examples
--------
>>> router = Router(build_nav_graph(building))  # doctest: +SKIP
>>> route(router, "outside", "A205", Constraints(no_stairs=True)).length_m  # doctest: +SKIP
23.4
"""

from __future__ import annotations

import difflib
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx
import numpy as np
import numpy.typing as npt
import scipy.sparse
import scipy.sparse.csgraph

from spatial.compiled import CompiledGraph, compile_graph
from spatial.constants import (
    POINT_MERGE_M,
)
from spatial.errors import AmbiguousPlaceError, NoRouteError, UnknownPlaceError
from spatial.navgraph import WALK_SPEED_M_S, build_nav_graph
from spatial.records import OUTSIDE, Building, Equipment
from spatial.room_types import ROOM_TYPES, RoomTypeRules
from spatial.walkable import RoomWalker

log = logging.getLogger(__name__)

#: How many close matches an unknown reference offers.
MAX_SUGGESTIONS = 5
#: difflib similarity (0-1) a suggestion needs.
SUGGESTION_CUTOFF = 0.5
#: Masked weight matrices kept per router (constraint sets without restricted rooms).
MATRIX_CACHE_SIZE = 16

PlaceKind = Literal["room", "door", "equipment", "outside", "opening", "link"]
StepKind = Literal["room", "door", "opening", "stair", "ramp", "lift", "outside", "equipment"]


@dataclass(frozen=True)
class Constraints:
    """What a route may not use.

    ``no_stairs`` forbids stairs and escalators (a trolley, a wheelchair);
    ``avoid_rooms`` (space GlobalIds) and ``avoid_types`` (room types of
    :data:`spatial.room_types.ROOM_TYPES`) are restricted areas, which a route
    may still start or end in; ``out_of_service`` holds GlobalIds of doors,
    stairs, lifts or rooms that cannot be used (a faulty lift).
    """

    no_stairs: bool = False
    avoid_rooms: frozenset[str] = frozenset()
    avoid_types: frozenset[str] = frozenset()
    out_of_service: frozenset[str] = frozenset()

    def describe(self) -> str:
        parts = []
        if self.no_stairs:
            parts.append("no stairs")
        if self.avoid_rooms or self.avoid_types:
            parts.append("avoiding " + ", ".join(sorted(self.avoid_types | self.avoid_rooms)))
        if self.out_of_service:
            parts.append("out of service: " + ", ".join(sorted(self.out_of_service)))
        return "; ".join(parts) or "none"


@dataclass(frozen=True)
class Place:
    """A resolved reference: what it is, its graph node and where it is.

    ``space_id`` is the room it lies in (for equipment, its room); ``point``
    world metres (``None`` for ``outside``).
    """

    kind: PlaceKind
    global_id: str
    name: str
    node: str
    space_id: str | None = None
    point: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class Step:
    """One thing a route passes: a room, door, opening, stair, lift, ..."""

    kind: StepKind
    global_id: str
    name: str
    storey: str | None


@dataclass(frozen=True)
class Route:
    """A route: ordered steps, length (m), time (s), 3D polyline (world metres)."""

    origin: Place
    destination: Place
    steps: tuple[Step, ...]
    length_m: float
    time_s: float
    polyline: tuple[tuple[float, float, float], ...]
    constraints: Constraints = field(default_factory=Constraints)


@dataclass(frozen=True)
class _Ends:
    """Graph nodes a place is reached through, with the walk (m) from each to it."""

    nodes: npt.NDArray[np.int64]
    extra_m: npt.NDArray[np.float64]
    legs: tuple[tuple[tuple[float, float], ...], ...]  # XY walk from the node's inner point


class Router:
    """Routes over one building's navigation graph, compiled for fast search.

    Parameters
    ----------
    graph
        A graph from :func:`spatial.navgraph.build_nav_graph` (it carries its
        building in ``graph.graph["building"]``).
    rules
        Room-type rules for ``avoid_types`` (default rules otherwise).
    compiled
        The graph's arrays from :func:`spatial.compiled.compile_graph` (a
        cached load passes the stored ones); compiled afresh when absent or
        when they do not match ``graph``.
    """

    def __init__(
        self,
        graph: nx.Graph,
        rules: RoomTypeRules | None = None,
        *,
        compiled: CompiledGraph | None = None,
    ) -> None:
        building = graph.graph.get("building")
        if not isinstance(building, Building):
            raise TypeError("graph carries no building: build it with build_nav_graph")
        self.graph = graph
        self.building = building
        self.rules = rules or RoomTypeRules()
        self.room_types = self.rules.classify_all(building.spaces)
        self._storey_names = {s.global_id: s.name for s in building.storeys}
        for storey in building.storeys:
            for alias in storey.aliases:
                self._storey_names[alias] = storey.name
        self._walkers: dict[str, RoomWalker] = {}
        self._matrices: dict[tuple[Constraints, bool], scipy.sparse.csr_matrix] = {}
        self._compile(compiled)
        self._index_references()

    @classmethod
    def for_building(cls, building: Building, rules: RoomTypeRules | None = None) -> Router:
        """A router over a freshly built graph of ``building``."""
        return cls(build_nav_graph(building), rules)

    # ----------------------------------------------------------- compilation
    def _compile(self, compiled: CompiledGraph | None) -> None:
        if compiled is None or not compiled.matches(self.graph):
            compiled = compile_graph(self.graph)
        self.compiled = compiled
        nodes = list(compiled.nodes)
        self.nodes = nodes
        self.index = {n: i for i, n in enumerate(nodes)}
        self._room_code: dict[str, int] = {r: i for i, r in enumerate(compiled.room_ids)}
        self._link_code: dict[str, int] = {k: i for i, k in enumerate(compiled.link_ids)}
        self._src = compiled.src
        self._dst = compiled.dst
        self._time = compiled.time_s
        self._length = compiled.length_m
        self._edge_room = compiled.edge_room
        self._edge_link = compiled.edge_link
        self._stair_edge = compiled.stair_edge
        n = len(nodes)
        self._indptr = np.searchsorted(self._src, np.arange(n + 1)).astype(np.int32)
        self._indices = self._dst.astype(np.int32)
        # Outside is a place to start or end, not a corridor: leaving by one
        # exterior door and entering by another would be a free shortcut.
        # Edges into outside are closed unless the route ends there (then
        # edges out of it are closed instead).
        if OUTSIDE in self.index:
            self._into_outside = self._dst == self.index[OUTSIDE]
            self._out_of_outside = self._src == self.index[OUTSIDE]
        else:
            self._into_outside = self._out_of_outside = np.zeros(len(self._src), dtype=bool)
        self._base = self._matrix(np.where(self._into_outside, np.inf, self._time))
        self._base_to_outside = self._matrix(np.where(self._out_of_outside, np.inf, self._time))
        node_room = np.full(n, -1, dtype=np.int64)
        for space_id, code in self._room_code.items():
            if space_id in self.index:
                node_room[self.index[space_id]] = code
        self._node_room = node_room
        self._storey_of = [self.graph.nodes[v].get("storey") for v in nodes]
        self._portals: dict[str, list[str]] = defaultdict(list)
        for u, v, data in self.graph.edges(data=True):
            if data.get("room") in (u, v):
                room_id = data["room"]
                other = v if u == room_id else u
                self._portals[room_id].append(other)

    def _matrix(self, weights: npt.NDArray[np.float64]) -> scipy.sparse.csr_matrix:
        n = len(self.nodes)
        return scipy.sparse.csr_matrix((weights, self._indices, self._indptr), shape=(n, n))

    def _weights(
        self, constraints: Constraints, exempt_rooms: Iterable[str], *, to_outside: bool = False
    ) -> scipy.sparse.csr_matrix:
        """The CSR matrix of walking times with forbidden edges made infinite.

        Matrices of constraints without restricted rooms (no stairs, faults)
        are kept: masking costs as much as a search.
        """
        cacheable = not (constraints.avoid_rooms or constraints.avoid_types)
        key = (constraints, to_outside)
        if cacheable and key in self._matrices:
            return self._matrices[key]
        matrix = self._masked(constraints, exempt_rooms, to_outside)
        if cacheable:
            if len(self._matrices) >= MATRIX_CACHE_SIZE:
                self._matrices.pop(next(iter(self._matrices)))
            self._matrices[key] = matrix
        return matrix

    def _masked(
        self, constraints: Constraints, exempt_rooms: Iterable[str], to_outside: bool
    ) -> scipy.sparse.csr_matrix:
        banned = self._banned(constraints, exempt_rooms)
        if banned is None:
            return self._base_to_outside if to_outside else self._base
        closed = self._out_of_outside if to_outside else self._into_outside
        return self._matrix(np.where(banned | closed, np.inf, self._time))

    def _banned(
        self, constraints: Constraints, exempt_rooms: Iterable[str]
    ) -> npt.NDArray[np.bool_] | None:
        banned = np.zeros(len(self._time), dtype=bool)
        if constraints.no_stairs:
            banned |= self._stair_edge
        avoid = set(constraints.avoid_rooms)
        if constraints.avoid_types:
            avoid |= {s for s, t in self.room_types.items() if t in constraints.avoid_types}
        avoid |= {s for s in constraints.out_of_service if s in self._room_code}
        avoid -= set(exempt_rooms)
        if avoid:
            codes = [self._room_code[s] for s in avoid if s in self._room_code]
            banned |= np.isin(self._edge_room, codes)
        if constraints.out_of_service:
            nodes = [self.index[g] for g in constraints.out_of_service if g in self.index]
            links = [self._link_code[g] for g in constraints.out_of_service if g in self._link_code]
            if nodes:
                banned |= np.isin(self._src, nodes) | np.isin(self._dst, nodes)
            if links:
                banned |= np.isin(self._edge_link, links)
        return banned if banned.any() else None

    # ------------------------------------------------------------ references
    def _index_references(self) -> None:
        """Every name a place goes by, case-folded, to the places it names."""
        self._by_id: dict[str, Place] = {}
        self._by_name: dict[str, dict[str, Place]] = defaultdict(dict)
        b = self.building
        for space in b.spaces:
            place = Place(
                "room",
                space.global_id,
                space.label,
                space.global_id,
                space.global_id,
                self.graph.nodes[space.global_id]["pos"],
            )
            self._by_id[space.global_id] = place
            for key in (space.name, space.long_name, space.label):
                if key:
                    self._by_name[key.strip().casefold()][space.global_id] = place
        for door in b.doors:
            place = Place(
                "door",
                door.global_id,
                door.name or door.global_id,
                door.global_id,
                door.space_ids[0] if door.space_ids else None,
                self.graph.nodes[door.global_id]["pos"],
            )
            self._by_id[door.global_id] = place
        for item in b.equipment:
            if item.space_id is None or item.space_id not in self.graph:
                continue
            place = Place(
                "equipment",
                item.global_id,
                _equipment_label(item),
                item.space_id,
                item.space_id,
                item.centre,
            )
            self._by_id[item.global_id] = place
            for key in (item.tag, item.name):
                if key:
                    self._by_name[key.strip().casefold()][item.global_id] = place
        if OUTSIDE in self.graph:
            self._by_id[OUTSIDE] = Place("outside", OUTSIDE, "outside", OUTSIDE)

    def resolve(self, ref: str) -> Place:
        """The place ``ref`` names: a GlobalId, a room number or name, an
        equipment tag or name, or ``outside``.

        Raises
        ------
        AmbiguousPlaceError
            When ``ref`` names several places; ``candidates`` lists them.
        UnknownPlaceError
            When it names none; ``candidates`` lists close matches.
        """
        text = ref.strip()
        if text in self._by_id:
            return self._by_id[text]
        if text.casefold() == OUTSIDE:
            raise UnknownPlaceError(
                f"{ref!r}: the model has no exterior door on its entrance storey"
            )
        matches = self._by_name.get(text.casefold(), {})
        if len(matches) == 1:
            return next(iter(matches.values()))
        if matches:
            candidates = tuple(f"{p.global_id} ({p.name})" for p in matches.values())
            raise AmbiguousPlaceError(
                f"{ref!r} names {len(matches)} places: "
                + ", ".join(candidates[: MAX_SUGGESTIONS * 2]),
                candidates,
            )
        keys = list(self._by_name) + list(self._by_id)
        close = difflib.get_close_matches(
            text.casefold(), keys, n=MAX_SUGGESTIONS, cutoff=SUGGESTION_CUTOFF
        )
        suggestion = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownPlaceError(
            f"{ref!r} names no room, door or equipment{suggestion}", tuple(close)
        )

    def constraints(
        self,
        *,
        no_stairs: bool = False,
        avoid: Iterable[str] = (),
        out_of_service: Iterable[str] = (),
    ) -> Constraints:
        """Constraints from user references: ``avoid`` items are room types
        (see :data:`~spatial.room_types.ROOM_TYPES`) or room references."""
        rooms: set[str] = set()
        types: set[str] = set()
        for item in avoid:
            if item.strip().casefold() in ROOM_TYPES:
                types.add(item.strip().casefold())
                continue
            place = self.resolve(item)
            if place.kind != "room":
                raise UnknownPlaceError(f"{item!r} is a {place.kind}, not a room or room type")
            rooms.add(place.global_id)
        return Constraints(no_stairs, frozenset(rooms), frozenset(types), frozenset(out_of_service))

    # --------------------------------------------------------------- routing
    def _walker(self, space_id: str) -> RoomWalker:
        if space_id not in self._walkers:
            footprint = self.building.space(space_id).footprint
            assert footprint is not None
            self._walkers[space_id] = RoomWalker(footprint)
        return self._walkers[space_id]

    def _ends(self, place: Place) -> _Ends:
        """The nodes a place is entered through: its own node, or for
        equipment the portals of its room with the walk from each."""
        if place.kind != "equipment" or place.point is None or place.space_id is None:
            return _Ends(np.array([self.index[place.node]]), np.zeros(1), ((),))
        walker = self._walker(place.space_id)
        target = walker.inner_point(place.point[:2])
        nodes, extra, legs = [], [], []
        for portal in [place.space_id, *self._portals.get(place.space_id, [])]:
            pos = self.graph.nodes[portal]["pos"]
            start = walker.inner_point(pos[:2])
            inside, points = walker.path(start, target)
            nodes.append(self.index[portal])
            extra.append(math.dist(pos[:2], start) + inside)
            legs.append(tuple(points))
        return _Ends(np.array(nodes), np.array(extra), tuple(legs))

    def route(
        self, origin: str | Place, destination: str | Place, constraints: Constraints | None = None
    ) -> Route:
        """The quickest route from ``origin`` to ``destination``.

        Raises
        ------
        UnknownPlaceError, AmbiguousPlaceError
            For a reference that names no place, or several.
        NoRouteError
            When no route joins them; the message names the constraint or the
            missing link that stops it.
        """
        constraints = constraints or Constraints()
        start = origin if isinstance(origin, Place) else self.resolve(origin)
        end = destination if isinstance(destination, Place) else self.resolve(destination)
        sources, targets = self._ends(start), self._ends(end)
        matrix = self._weights(constraints, _rooms_of(start, end), to_outside=end.kind == "outside")
        times, predecessors = scipy.sparse.csgraph.dijkstra(
            matrix, directed=True, indices=sources.nodes, return_predecessors=True
        )
        found = self._best(sources, targets, times)
        if found is None:
            raise NoRouteError(self._why_not(start, end, constraints))
        i, j = found
        return self._assemble(start, end, sources, targets, i, j, predecessors[i], constraints)

    def _best(
        self, sources: _Ends, targets: _Ends, times: npt.NDArray[np.float64]
    ) -> tuple[int, int] | None:
        total = (
            sources.extra_m[:, None] / WALK_SPEED_M_S
            + times[:, targets.nodes]
            + targets.extra_m[None, :] / WALK_SPEED_M_S
        )
        if not np.isfinite(total).any():
            return None
        i, j = np.unravel_index(int(np.argmin(total)), total.shape)
        return int(i), int(j)

    def _node_path(
        self, predecessors: npt.NDArray[np.int32], source: int, target: int
    ) -> list[int]:
        path = [target]
        while path[-1] != source:
            previous = int(predecessors[path[-1]])
            if previous < 0:
                raise NoRouteError("no route")  # unreachable: caller checked the time
            path.append(previous)
        path.reverse()
        return path

    def _assemble(
        self,
        start: Place,
        end: Place,
        sources: _Ends,
        targets: _Ends,
        i: int,
        j: int,
        predecessors: npt.NDArray[np.int32],
        constraints: Constraints,
    ) -> Route:
        path = self._node_path(predecessors, int(sources.nodes[i]), int(targets.nodes[j]))
        names = [self.nodes[k] for k in path]
        length = float(sources.extra_m[i] + targets.extra_m[j])
        time_s = length / WALK_SPEED_M_S
        points: list[tuple[float, float, float]] = []
        steps: list[Step] = []

        def add_point(p: Sequence[float] | None) -> None:
            if p is None:
                return
            q = (float(p[0]), float(p[1]), float(p[2]))
            if not points or math.dist(points[-1], q) > POINT_MERGE_M:
                points.append(q)

        def add_step(step: Step) -> None:
            if steps and steps[-1].global_id == step.global_id:
                return
            steps.append(step)

        if start.kind == "equipment":
            assert start.point is not None and start.space_id is not None
            add_step(Step("equipment", start.global_id, start.name, self._storey(start.space_id)))
            add_point(start.point)
            z = self._floor(start.space_id)
            for x, y in reversed(sources.legs[i]):
                add_point((x, y, z))
        for k, node in enumerate(names):
            add_step(self._step(node))
            add_point(self.graph.nodes[node].get("pos"))
            if k + 1 == len(names):
                break
            data = self.graph.edges[node, names[k + 1]]
            length += data["length_m"]
            time_s += data["time_s"]
            if data["kind"] == "outdoor":
                add_step(Step("outside", OUTSIDE, "outside", None))
            if data["kind"] == "walk":
                room = data["room"]
                add_step(self._step(room))
                z = self._floor(room)
                walk = data["path"] if data["path_from"] == node else tuple(reversed(data["path"]))
                for x, y in walk:
                    add_point((x, y, z))
        if end.kind == "equipment":
            assert end.point is not None and end.space_id is not None
            add_step(self._step(end.space_id))
            z = self._floor(end.space_id)
            for x, y in targets.legs[j]:
                add_point((x, y, z))
            add_point(end.point)
            add_step(Step("equipment", end.global_id, end.name, self._storey(end.space_id)))
        return Route(start, end, tuple(steps), length, time_s, tuple(points), constraints)

    def _floor(self, space_id: str) -> float:
        pos = self.graph.nodes[space_id].get("pos")
        return float(pos[2]) if pos is not None else 0.0

    def _storey(self, node: str) -> str | None:
        storey = self.graph.nodes[node].get("storey")
        return self._storey_names.get(storey, storey) if storey else None

    def _step(self, node: str) -> Step:
        data = self.graph.nodes[node]
        kind = data["kind"]
        storey = self._storey(node)
        if kind == "space":
            return Step("room", node, data["name"], storey)
        if kind == "link":
            return Step(data["link_kind"], data["link_id"], data["name"], storey)
        if kind == "outside":
            return Step("outside", OUTSIDE, "outside", None)
        return Step(kind, node, data["name"], storey)

    # ----------------------------------------------------------- diagnostics
    def _why_not(self, start: Place, end: Place, constraints: Constraints) -> str:
        """A one-line reason: the constraint, or the missing link, that stops a route."""
        a, b = self._describe(start), self._describe(end)
        relaxed = [
            (
                "no_stairs",
                Constraints(
                    False,
                    constraints.avoid_rooms,
                    constraints.avoid_types,
                    constraints.out_of_service,
                ),
            ),
            (
                "avoid",
                Constraints(
                    constraints.no_stairs, frozenset(), frozenset(), constraints.out_of_service
                ),
            ),
            (
                "out_of_service",
                Constraints(
                    constraints.no_stairs, constraints.avoid_rooms, constraints.avoid_types
                ),
            ),
        ]
        storey_a, storey_b = self._place_storey(start), self._place_storey(end)
        for name, looser in relaxed:
            if looser == constraints or not self._reachable(start, end, looser):
                continue
            if name == "no_stairs":
                if storey_a != storey_b:
                    return (
                        f"no step-free route from {a} to {b}: storeys {storey_a} and {storey_b} "
                        "are joined only by stairs"
                    )
                return f"no step-free route from {a} to {b}: every way passes a stair"
            if name == "avoid":
                avoided = ", ".join(sorted(constraints.avoid_types | constraints.avoid_rooms))
                return f"no route from {a} to {b} that avoids {avoided}"
            return (
                f"no route from {a} to {b} without "
                + ", ".join(sorted(constraints.out_of_service))
                + " (out of service)"
            )
        if not self._reachable(start, end, Constraints()):
            for place in (end, start):
                if (
                    place.space_id
                    and place.kind in ("room", "equipment")
                    and not self._portals.get(place.space_id)
                ):
                    label = self.building.space(place.space_id).label
                    return (
                        f"no route from {a} to {b}: room {label} has no door or opening "
                        "in the model"
                    )
            if storey_a != storey_b:
                return f"no route from {a} to {b}: no stair or lift joins {storey_a} and {storey_b}"
            return f"no route from {a} to {b}: no door or opening joins them on {storey_a}"
        return f"no route from {a} to {b} under constraints: {constraints.describe()}"

    def _reachable(self, start: Place, end: Place, constraints: Constraints) -> bool:
        sources, targets = self._ends(start), self._ends(end)
        times = scipy.sparse.csgraph.dijkstra(
            self._weights(constraints, _rooms_of(start, end), to_outside=end.kind == "outside"),
            directed=True,
            indices=sources.nodes,
        )
        return self._best(sources, targets, np.atleast_2d(times)) is not None

    def _place_storey(self, place: Place) -> str:
        if place.kind == "outside":
            # Outside is entered through the entrance storey's exterior doors.
            door = next(iter(self.graph.neighbors(OUTSIDE)), None)
            return self._storey(door) or "?" if door is not None else "outside"
        return self._storey(place.node) or "?"

    def _describe(self, place: Place) -> str:
        return place.name if place.kind != "outside" else "outside"


def _rooms_of(*places: Place) -> set[str]:
    return {p.space_id for p in places if p.space_id}


def _equipment_label(item: Equipment) -> str:
    return " ".join(p for p in (item.tag, item.name) if p) or item.global_id


def route(
    graph_or_router: nx.Graph | Router,
    origin: str,
    destination: str,
    constraints: Constraints | None = None,
) -> Route:
    """The quickest route between two references (see :meth:`Router.route`).

    Pass a :class:`Router` when asking many routes: compiling one costs about
    as much as a few hundred queries.
    """
    router = graph_or_router if isinstance(graph_or_router, Router) else Router(graph_or_router)
    return router.route(origin, destination, constraints)
