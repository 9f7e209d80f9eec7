"""Element meshes through ``ifcopenshell.geom``, in world metres.

Each request is meshed with the plain CGAL kernel first, the fastest one, and
whatever it could not mesh (a few walls whose openings defeat it) again with
the hybrid CGAL/OpenCASCADE kernel. On Office_A that is several times faster
than either kernel alone, and the room footprints are identical to the
hybrid kernel's on every sample model (``bench/ingest.py`` measures both; see
the README). ifcopenshell converts lengths to metres itself, so meshes need
no unit scaling here.
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

#: The fastest kernel; it drops a few shapes it cannot build.
FAST_LIBRARY = "cgal-simple"
#: The kernel that builds what the fast one dropped.
ROBUST_LIBRARY = "hybrid-cgal-simple-opencascade"
#: Iterator threads per kernel. The plain CGAL kernel is fastest on one
#: thread: on this 2-core machine (``bench/ingest.py`` times the bare
#: iteration both ways) every product of the 2,000-room demo building took
#: 4.3 s on one thread and 8.0 s on two, Office_A 0.89 s and 1.16 s. The
#: hybrid kernel, which meshes the few shapes CGAL drops, gains from every
#: core (b03: 2.3 s on one thread, 1.3 s on two).
ITERATOR_THREADS = {
    FAST_LIBRARY: 1,
    ROBUST_LIBRARY: max(1, min(os.cpu_count() or 1, 8)),
}


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

    Elements neither kernel can mesh, and those without a body, are left out;
    the caller compares what it asked for with what came back.
    ``on_progress`` is called with the number of elements done so far.
    """
    done: set[str] = set()
    for mesh in _run(model, elements, FAST_LIBRARY, on_progress, 0):
        done.add(mesh.global_id)
        yield mesh
    dropped = [e for e in elements if e.GlobalId not in done and _has_body(e)]
    if dropped:
        log.debug("meshing %d element(s) again with %s", len(dropped), ROBUST_LIBRARY)
        # Its threads finish in any order: yielded in the order asked (a
        # GlobalId some exporters repeat keeps all its meshes), so that the
        # same file always gives the same scene.
        robust: dict[str, list[ElementMesh]] = {}
        for mesh in _run(model, dropped, ROBUST_LIBRARY, on_progress, len(done)):
            robust.setdefault(mesh.global_id, []).append(mesh)
        for element in dropped:
            yield from robust.pop(element.GlobalId, ())
    if on_progress is not None:
        on_progress(len(elements))


def _has_body(element: ifcopenshell.entity_instance) -> bool:
    return getattr(element, "Representation", None) is not None


def _run(
    model: ifcopenshell.file,
    elements: Sequence[ifcopenshell.entity_instance],
    library: str,
    on_progress: Callable[[int], None] | None,
    offset: int,
) -> Iterator[ElementMesh]:
    if not elements:
        return
    iterator = ifcopenshell.geom.iterator(
        _settings(),
        model,
        ITERATOR_THREADS[library],
        include=list(elements),
        geometry_library=library,
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
            on_progress(offset + done)
        if not iterator.next():
            break
