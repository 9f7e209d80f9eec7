"""Ingest a building: IFC files in, building records + navigation graph + GLB out.

Results are cached on disk under ``TWIN_CACHE_DIR``, keyed by the SHA-256 of
the input files (in order) and the reader's options: the building records and
the navigation graph as JSON, the compiled graph the router searches as npz,
the scene as GLB — never pickle. A cached load does no geometry: it reads
the four files back.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

# IfcModelError is what ingest raises for unreadable input; entry points catch it here.
from ifc_models.errors import IfcFileNotFoundError
from ifc_models.errors import IfcModelError as IfcModelError
from spatial.areas import model_area_for_comparison, relative_difference, usable_area
from spatial.compiled import CompiledGraph, compile_graph
from spatial.constants import AREA_AGREEMENT
from spatial.errors import SerializationError
from spatial.navgraph import build_nav_graph, nav_stats
from spatial.records import Building
from spatial.serialize import (
    FORMAT_VERSION,
    building_from_dict,
    building_to_dict,
    graph_from_dict,
    graph_to_dict,
)
from twin.settings import get_settings

if TYPE_CHECKING:
    from spatial.room_types import RoomTypeRules
    from spatial.routing import Router

log = logging.getLogger(__name__)

#: Part of every cache key: bump when the reader's output changes meaning.
READER_VERSION = "3"
#: The files of one cache entry; ``building.json`` is written last, so an
#: entry is complete when it is there.
CACHE_FILES = ("scene.glb", "graph.json", "router.npz", "building.json")

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IngestResult:
    """An ingested building.

    ``timings`` holds ``navigation_ready_s`` (files in to graph built) and
    ``total_s`` (including the 3D scene), or ``cache_s`` for a cached load.
    """

    building: Building
    graph: nx.Graph
    glb: bytes | None
    from_cache: bool
    timings: dict[str, float]
    compiled: CompiledGraph | None = None

    def router(self, rules: RoomTypeRules | None = None) -> Router:
        """A router over this building's graph, from the stored compiled arrays
        where there are some (scipy is imported only now)."""
        from spatial.routing import Router

        return Router(self.graph, rules, compiled=self.compiled)


def cache_key(paths: Sequence[Path], *, include_network: bool = False) -> str:
    """SHA-256 over the input files' bytes (in order) and the reader options."""
    digest = hashlib.sha256(f"{READER_VERSION}:{FORMAT_VERSION}:{include_network}".encode())
    for path in paths:
        if not path.is_file():
            raise IfcFileNotFoundError(f"{path}: no such file")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_folder(
    paths: Sequence[Path], *, include_network: bool = False, cache_dir: Path | None = None
) -> Path:
    """The cache folder of a building's files: ``TWIN_CACHE_DIR/<cache key>/``."""
    return (cache_dir or get_settings().cache_dir) / cache_key(
        paths, include_network=include_network
    )


def ingest(
    paths: Sequence[Path],
    *,
    use_cache: bool = True,
    include_network: bool = False,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Read a building from IFC files, or from the cache when they were read before.

    Raises :class:`ifc_models.errors.IfcModelError` for unreadable input;
    nothing is cached then.
    """
    start = time.perf_counter()
    paths = [Path(p) for p in paths]
    folder = cache_folder(paths, include_network=include_network, cache_dir=cache_dir)
    if use_cache:
        cached = _load_cached(folder)
        if cached is not None:
            building, graph, compiled, glb = cached
            return IngestResult(
                building, graph, glb, True, {"cache_s": time.perf_counter() - start}, compiled
            )
    # ifcopenshell takes more than half a second to import: only a cold
    # ingest needs it (and the scene writer), so a cached load starts fast.
    from ifc_models.read import BuildingReader
    from spatial.scene import build_glb

    with BuildingReader(paths, include_network=include_network, progress=progress) as reader:
        reader.begin_scene()  # a large building's scene is meshed meanwhile, elsewhere
        building = reader.read_building()
        graph = build_nav_graph(building)
        compiled = compile_graph(graph)
        navigation_ready = time.perf_counter() - start
        scene_meshes = list(reader.scene_meshes())
    building = _with_equipment_boxes(building, scene_meshes)
    graph.graph["building"] = building  # the same records a cached load returns
    glb = build_glb(scene_meshes, {s.global_id: s.name for s in building.storeys})
    total = time.perf_counter() - start
    _store(folder, building, graph, compiled, glb)
    return IngestResult(
        building,
        graph,
        glb,
        False,
        {"navigation_ready_s": navigation_ready, "total_s": total},
        compiled,
    )


def load_building(paths: Sequence[Path], *, use_cache: bool = True) -> Building:
    """The building records of ``paths`` (cached after the first read)."""
    return ingest(paths, use_cache=use_cache).building


def _with_equipment_boxes(building: Building, scene_meshes: list) -> Building:
    """Equipment that pass 1 placed by its origin gets its body's box and centre."""
    boxes = {mesh.global_id: mesh for _, mesh in scene_meshes if not mesh.is_empty}
    updated = []
    for item in building.equipment:
        mesh = boxes.get(item.global_id)
        if mesh is not None and item.bbox_min is None:
            low, high = mesh.bounds
            item = replace(item, bbox_min=low, bbox_max=high, centre=mesh.centre)
        updated.append(item)
    return replace(building, equipment=tuple(updated))


def _load_cached(
    folder: Path,
) -> tuple[Building, nx.Graph, CompiledGraph, bytes | None] | None:
    """A complete cache entry, or ``None`` (missing, partial or unreadable: read afresh)."""
    if not all((folder / name).is_file() for name in CACHE_FILES if name != "scene.glb"):
        return None
    try:
        building = building_from_dict(json.loads((folder / "building.json").read_bytes()))
        graph = graph_from_dict(json.loads((folder / "graph.json").read_bytes()), building)
        with np.load(folder / "router.npz", allow_pickle=False) as arrays:
            compiled = CompiledGraph.from_arrays(arrays)
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, SerializationError) as exc:
        log.warning("ignoring unreadable cache entry %s: %s", folder, exc)
        return None
    if not compiled.matches(graph):
        log.warning("ignoring cache entry %s: its compiled graph does not match", folder)
        return None
    scene = folder / "scene.glb"
    return building, graph, compiled, scene.read_bytes() if scene.is_file() else None


def _store(
    folder: Path,
    building: Building,
    graph: nx.Graph,
    compiled: CompiledGraph,
    glb: bytes | None,
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if glb is not None:
        atomic_write(folder / "scene.glb", glb)
    atomic_write(folder / "graph.json", _json_bytes(graph_to_dict(graph)))
    arrays = io.BytesIO()
    np.savez(arrays, allow_pickle=False, **compiled.to_arrays())
    atomic_write(folder / "router.npz", arrays.getvalue())
    atomic_write(folder / "building.json", _json_bytes(building_to_dict(building)))


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def atomic_write(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the new, never half."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, target)


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """One input file: its name, IFC schema, length unit and SHA-256."""

    name: str
    schema: str
    length_unit: str
    sha256: str


@dataclass(frozen=True, slots=True)
class NavSummary:
    """Size of the navigation graph and how many rooms it reaches from outside."""

    nodes: int
    edges: int
    components: int
    spaces_reachable: int


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """What was read from a building's files (``twin ingest --json`` is its fields).

    ``usable_area_m2`` is the sum of the rooms' usable areas as
    :func:`spatial.areas.usable_area` defines it (footprint, else the model's
    net floor area), the same figure the usage report and compliance use.
    ``areas_compared`` / ``areas_within_3pct`` compare footprints with the
    model's own area quantities (``area_references`` counts which).
    """

    name: str
    schema: str
    sources: tuple[SourceSummary, ...]
    storeys: int
    spaces: int
    doors: int
    stairs: int
    lifts: int
    equipment: int
    equipment_located: int
    spaces_with_footprint: int
    usable_area_m2: float
    areas_compared: int
    areas_within_3pct: int
    area_references: dict[str, int]
    warnings: tuple[str, ...]
    nav: NavSummary
    from_cache: bool
    timings: dict[str, float]
    seconds: float


def ingest_summary(result: IngestResult) -> IngestSummary:
    """The summary of an ingested building (areas in m², times in seconds)."""
    building = result.building
    stats = nav_stats(result.graph, (s.global_id for s in building.spaces))
    compared = within = 0
    references: Counter[str] = Counter()
    usable = 0.0
    for space in building.spaces:
        usable += usable_area(space).area_m2 or 0.0
        area = space.footprint_area_m2
        reference = model_area_for_comparison(space)
        if area is not None and reference is not None:
            compared += 1
            references[reference[0]] += 1
            within += abs(relative_difference(area, reference[1])) <= AREA_AGREEMENT
    seconds = sum(result.timings.values()) if result.from_cache else result.timings["total_s"]
    return IngestSummary(
        name=building.name,
        schema=building.schema,
        sources=tuple(
            SourceSummary(s.name, s.schema, s.length_unit, s.sha256) for s in building.sources
        ),
        storeys=len(building.storeys),
        spaces=len(building.spaces),
        doors=len(building.doors),
        stairs=len(building.stairs),
        lifts=len(building.lifts),
        equipment=len(building.equipment),
        equipment_located=sum(1 for e in building.equipment if e.space_id is not None),
        spaces_with_footprint=sum(1 for s in building.spaces if s.footprint is not None),
        usable_area_m2=round(usable, 3),
        areas_compared=compared,
        areas_within_3pct=within,
        area_references=dict(references),
        warnings=tuple(building.warnings),
        nav=NavSummary(stats.nodes, stats.edges, stats.components, stats.spaces_reachable),
        from_cache=result.from_cache,
        timings={k: round(v, 4) for k, v in result.timings.items()},
        seconds=round(seconds, 4),
    )


def summary(result: IngestResult) -> dict[str, Any]:
    """The ``twin ingest --json`` object (the CLI contract in the README)."""
    return asdict(ingest_summary(result))
