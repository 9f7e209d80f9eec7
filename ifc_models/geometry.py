"""Element meshes through ``ifcopenshell.geom``, in world metres.

The iterator runs the hybrid CGAL/OpenCASCADE kernel: on our sample models it
meshes every product about four times faster than plain OpenCASCADE with
identical room areas, and unlike plain CGAL it drops no shape (measured in
``bench/ingest.py``; see the README). ifcopenshell converts lengths to metres
itself, so meshes need no unit scaling here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence

import ifcopenshell
import ifcopenshell.geom
import numpy as np

from spatial.mesh import ElementMesh

log = logging.getLogger(__name__)

#: The fastest kernel that gives correct results on the sample models.
GEOMETRY_LIBRARY = "hybrid-cgal-simple-opencascade"


def _settings() -> ifcopenshell.geom.settings:
    settings = ifcopenshell.geom.settings()
    settings.set("use-world-coords", True)
    return settings


def iter_meshes(
    model: ifcopenshell.file,
    elements: Sequence[ifcopenshell.entity_instance],
    *,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[ElementMesh]:
    """Mesh ``elements`` and yield one :class:`ElementMesh` per element that has a body.

    Elements without a body representation are skipped silently; the caller
    compares what it asked for with what came back. ``on_progress`` is called
    with the number of elements done so far, every 64 elements.
    """
    if not elements:
        return
    threads = max(1, min(os.cpu_count() or 1, 8))
    iterator = ifcopenshell.geom.iterator(
        _settings(), model, threads, include=list(elements), geometry_library=GEOMETRY_LIBRARY
    )
    if not iterator.initialize():
        return
    done = 0
    while True:
        shape = iterator.get()
        geometry = shape.geometry
        vertices = np.frombuffer(geometry.verts_buffer, dtype=np.float64).reshape(-1, 3)
        faces = np.frombuffer(geometry.faces_buffer, dtype=np.int32).reshape(-1, 3)
        yield ElementMesh(shape.guid, shape.type, vertices.copy(), faces.copy())
        done += 1
        if on_progress is not None and done % 64 == 0:
            on_progress(done)
        if not iterator.next():
            break
    if on_progress is not None:
        on_progress(done)
