"""The navigation graph compiled to arrays: what routing searches, and what the cache keeps.

Every undirected edge of :func:`spatial.navgraph.build_nav_graph` becomes two
directed ones, sorted by (source, target) so that they form a CSR matrix
row by row. Only numpy is needed here (no scipy), so a cached load can read
the arrays back without importing the search engine; :class:`spatial.routing.Router`
turns them into its matrices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np
import numpy.typing as npt

from spatial.constants import FREE_EDGE_S
from spatial.errors import SerializationError

#: Bumped whenever the arrays change meaning.
COMPILED_VERSION = 1

_ARRAYS = ("src", "dst", "time_s", "length_m", "edge_room", "edge_link", "stair_edge")


@dataclass(frozen=True, eq=False)
class CompiledGraph:
    """Directed edges of a navigation graph as parallel arrays.

    ``nodes`` lists the graph's nodes in its own order (array indices refer
    to it); ``time_s`` are search weights (free edges cost
    :data:`~spatial.constants.FREE_EDGE_S`), ``length_m`` metres;
    ``edge_room`` and ``edge_link`` index ``room_ids`` and ``link_ids``
    (-1: none); ``stair_edge`` marks stair climbs.
    """

    nodes: tuple[str, ...]
    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    time_s: npt.NDArray[np.float64]
    length_m: npt.NDArray[np.float64]
    edge_room: npt.NDArray[np.int64]
    edge_link: npt.NDArray[np.int64]
    stair_edge: npt.NDArray[np.bool_]
    room_ids: tuple[str, ...]
    link_ids: tuple[str, ...]

    def matches(self, graph: nx.Graph) -> bool:
        """Whether these arrays were compiled from a graph with ``graph``'s nodes and edges."""
        return (
            len(self.nodes) == graph.number_of_nodes()
            and len(self.src) == 2 * graph.number_of_edges()
            and list(self.nodes) == list(graph.nodes)
        )

    def to_arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        """Plain numpy arrays for ``numpy.savez`` (strings as unicode arrays, no objects)."""
        arrays: dict[str, npt.NDArray[np.generic]] = {name: getattr(self, name) for name in _ARRAYS}
        arrays["nodes"] = np.array(self.nodes, dtype=str)
        arrays["room_ids"] = np.array(self.room_ids, dtype=str)
        arrays["link_ids"] = np.array(self.link_ids, dtype=str)
        arrays["version"] = np.array(COMPILED_VERSION)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[np.generic]]) -> CompiledGraph:
        """Inverse of :meth:`to_arrays`.

        Raises :class:`~spatial.errors.SerializationError` for another
        version or missing or mismatched arrays.
        """
        try:
            if int(arrays["version"]) != COMPILED_VERSION:
                raise SerializationError(
                    f"compiled graph has version {int(arrays['version'])}, "
                    f"expected {COMPILED_VERSION}"
                )
            compiled = cls(
                nodes=tuple(arrays["nodes"].tolist()),
                room_ids=tuple(arrays["room_ids"].tolist()),
                link_ids=tuple(arrays["link_ids"].tolist()),
                **{name: np.asarray(arrays[name]) for name in _ARRAYS},  # type: ignore[arg-type]
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SerializationError(f"malformed compiled graph: {exc}") from exc
        if len({len(getattr(compiled, name)) for name in _ARRAYS}) != 1:
            raise SerializationError("malformed compiled graph: arrays of different lengths")
        return compiled


def compile_graph(graph: nx.Graph) -> CompiledGraph:
    """The :class:`CompiledGraph` of a navigation graph."""
    nodes = list(graph.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    room_code: dict[str, int] = {}
    link_code: dict[str, int] = {}
    edges = list(graph.edges(data=True))
    u = np.fromiter((index[a] for a, _, _ in edges), dtype=np.int64, count=len(edges))
    v = np.fromiter((index[b] for _, b, _ in edges), dtype=np.int64, count=len(edges))
    time_s = np.fromiter((d["time_s"] for _, _, d in edges), dtype=float, count=len(edges))
    length_m = np.fromiter((d["length_m"] for _, _, d in edges), dtype=float, count=len(edges))
    room = np.fromiter(
        (room_code.setdefault(d["room"], len(room_code)) if "room" in d else -1 for *_, d in edges),
        dtype=np.int64,
        count=len(edges),
    )
    link = np.fromiter(
        (
            link_code.setdefault(d["link_id"], len(link_code)) if "link_id" in d else -1
            for *_, d in edges
        ),
        dtype=np.int64,
        count=len(edges),
    )
    stair = np.fromiter((d["kind"] == "stair" for *_, d in edges), dtype=bool, count=len(edges))
    # Both directions of every edge, sorted by (source, target): CSR rows.
    src, dst = np.concatenate((u, v)), np.concatenate((v, u))
    order = np.lexsort((dst, src))
    return CompiledGraph(
        nodes=tuple(nodes),
        src=src[order],
        dst=dst[order],
        time_s=np.maximum(np.tile(time_s, 2), FREE_EDGE_S)[order],
        length_m=np.tile(length_m, 2)[order],
        edge_room=np.tile(room, 2)[order],
        edge_link=np.tile(link, 2)[order],
        stair_edge=np.tile(stair, 2)[order],
        room_ids=tuple(room_code),
        link_ids=tuple(link_code),
    )
