"""Ingest a building: IFC files in, building records + navigation graph + GLB out.

Results are cached on disk under ``TWIN_CACHE_DIR``, keyed by the SHA-256 of
the input files (in order) and the reader's options, as JSON and GLB — never
pickle — so a second ingest of the same files is near-instant.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import networkx as nx

from ifc_models.errors import IfcFileNotFoundError
from ifc_models.read import BuildingReader
from spatial.areas import AREA_AGREEMENT, model_area_for_comparison, relative_difference
from spatial.errors import SerializationError
from spatial.navgraph import build_nav_graph, nav_stats
from spatial.records import Building
from spatial.serialize import FORMAT_VERSION, building_from_dict, building_to_dict
from twin.settings import get_settings

log = logging.getLogger(__name__)

#: Part of every cache key: bump when the reader's output changes meaning.
READER_VERSION = "2"

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
            building, glb = cached
            graph = build_nav_graph(building)
            return IngestResult(
                building, graph, glb, True, {"cache_s": time.perf_counter() - start}
            )
    reader = BuildingReader(paths, include_network=include_network, progress=progress)
    building = reader.read_building()
    graph = build_nav_graph(building)
    navigation_ready = time.perf_counter() - start
    # trimesh (and scipy under it) takes a second to import: only a cold
    # ingest needs it, so a cached load and the command line start fast.
    from spatial.scene import build_glb

    scene_meshes = list(reader.scene_meshes())
    building = _with_equipment_boxes(building, scene_meshes)
    glb = build_glb(scene_meshes, {s.global_id: s.name for s in building.storeys})
    total = time.perf_counter() - start
    _store(folder, building, glb)
    return IngestResult(
        building, graph, glb, False, {"navigation_ready_s": navigation_ready, "total_s": total}
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


def _load_cached(folder: Path) -> tuple[Building, bytes | None] | None:
    record = folder / "building.json"
    if not record.is_file():
        return None
    try:
        building = building_from_dict(json.loads(record.read_text("utf-8")))
    except (OSError, ValueError, SerializationError) as exc:
        log.warning("ignoring unreadable cache entry %s: %s", folder, exc)
        return None
    scene = folder / "scene.glb"
    return building, scene.read_bytes() if scene.is_file() else None


def _store(folder: Path, building: Building, glb: bytes | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if glb is not None:
        atomic_write(folder / "scene.glb", glb)
    payload = json.dumps(building_to_dict(building), ensure_ascii=False, separators=(",", ":"))
    atomic_write(folder / "building.json", payload.encode("utf-8"))


def atomic_write(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the new, never half."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, target)


def summary(result: IngestResult) -> dict[str, Any]:
    """The ``twin ingest --json`` object (the CLI contract in the README)."""
    building = result.building
    stats = nav_stats(result.graph, (s.global_id for s in building.spaces))
    compared = within = 0
    references: Counter[str] = Counter()
    usable = 0.0
    for space in building.spaces:
        area = space.footprint_area_m2
        usable += area or 0.0
        reference = model_area_for_comparison(space)
        if area is not None and reference is not None:
            compared += 1
            references[reference[0]] += 1
            within += abs(relative_difference(area, reference[1])) <= AREA_AGREEMENT
    located = sum(1 for e in building.equipment if e.space_id is not None)
    return {
        "name": building.name,
        "schema": building.schema,
        "sources": [
            {"name": s.name, "schema": s.schema, "length_unit": s.length_unit, "sha256": s.sha256}
            for s in building.sources
        ],
        "storeys": len(building.storeys),
        "spaces": len(building.spaces),
        "doors": len(building.doors),
        "stairs": len(building.stairs),
        "lifts": len(building.lifts),
        "equipment": len(building.equipment),
        "equipment_located": located,
        "spaces_with_footprint": sum(1 for s in building.spaces if s.footprint is not None),
        "usable_area_m2": round(usable, 3),
        "areas_compared": compared,
        "areas_within_3pct": within,
        "area_references": dict(references),
        "warnings": list(building.warnings),
        "nav": {
            "nodes": stats.nodes,
            "edges": stats.edges,
            "components": stats.components,
            "spaces_reachable": stats.spaces_reachable,
        },
        "from_cache": result.from_cache,
        "timings": {k: round(v, 4) for k, v in result.timings.items()},
        "seconds": round(sum(result.timings.values()), 4)
        if result.from_cache
        else round(result.timings["total_s"], 4),
    }
