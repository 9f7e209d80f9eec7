"""Pass 2, the 3D scene's meshes: in this process, or a large building's in a second one.

The scene pass meshes every product with a body but the rooms (pass 1 has
those). On a large building that is most of the kernel's work: 17,000 of the
21,000 shapes of the 2,000-room demo building. Run in a thread beside pass 1
it only competes for the interpreter lock (measured: slower than one pass
after the other), so a model with :data:`SCENE_PROCESS_MIN_PRODUCTS` products
or more is meshed by a child process on the other core while this one reads
the records and builds the navigation graph. The child opens the files
itself (a parsed model cannot cross processes), meshes exactly what
:func:`scene_meshes` meshes here, and writes the meshes into an ``.npz``
(plain arrays, no pickle) that :class:`SceneProcess` reads back. A child that
fails costs nothing but time: the pass is then run here.

Run as ``python -m ifc_models.scene_pass --out OUT.npz FILE...``; it prints
``FILE-NUMBER DONE TOTAL`` progress lines.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import ifcopenshell
import numpy as np

from ifc_models.errors import IfcModelError
from ifc_models.geometry import iter_meshes
from ifc_models.source import open_model
from ifc_models.structure import StructureLookups
from spatial.mesh import ElementMesh

log = logging.getLogger(__name__)

#: Products (``IfcProduct`` instances, all files together) from which the
#: scene is meshed in a second process. Starting Python with ifcopenshell and
#: parsing the file again costs about 0.3 s on Office_A (1,083 products),
#: whose scene pass takes about 1 s either way; the 2,000-room demo building
#: (21,144 products) is ready 2.3 s sooner (10.4 → 8.1 s to its GLB).
SCENE_PROCESS_MIN_PRODUCTS = 5000
#: The most progress lines the child prints per file.
PROGRESS_LINES = 100

#: ``(file number, storey GlobalId in that file or None, mesh)``.
SceneMesh = tuple[int, str | None, ElementMesh]


def scene_elements(model: ifcopenshell.file) -> list[ifcopenshell.entity_instance]:
    """Products the viewer draws in pass 2: everything with a body but spatial
    elements (spaces come from pass 1), openings and virtual elements."""
    return [
        element
        for element in model.by_type("IfcProduct")
        if not element.is_a("IfcSpatialStructureElement")
        and not element.is_a("IfcOpeningElement")
        and not element.is_a("IfcVirtualElement")
        and getattr(element, "Representation", None) is not None
    ]


def scene_meshes(
    model: ifcopenshell.file,
    lookups: StructureLookups,
    on_progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[str | None, ElementMesh]]:
    """One file's scene meshes, each with the GlobalId of its storey in that file.

    ``on_progress(done, total)`` is called while meshing.
    """
    by_id = {element.GlobalId: element for element in scene_elements(model)}
    total = len(by_id)
    for mesh in iter_meshes(
        model,
        list(by_id.values()),
        on_progress=None if on_progress is None else lambda done: on_progress(done, total),
    ):
        storey = lookups.storey_of(by_id[mesh.global_id])
        yield (storey.GlobalId if storey is not None else None), mesh


def wants_process(
    models: Sequence[ifcopenshell.file], min_products: int = SCENE_PROCESS_MIN_PRODUCTS
) -> bool:
    """Whether these files are large enough for a scene pass in a second process."""
    return sum(len(model.by_type("IfcProduct")) for model in models) >= min_products


class SceneProcess:
    """The scene pass of ``paths`` running in a child process.

    :meth:`meshes` waits for it and yields its meshes (``None`` when the
    child failed: the caller meshes in process then); :meth:`close` stops a
    child that is still running and removes its files.
    """

    def __init__(self, paths: Sequence[Path]) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="twin-scene-"))
        self._out = self._folder / "scene.npz"
        self._errors = (self._folder / "stderr.txt").open("wb")
        package_root = str(Path(__file__).resolve().parents[1])
        path_env = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
        self._child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ifc_models.scene_pass",
                "--out",
                str(self._out),
                *(str(p) for p in paths),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            env={**os.environ, "PYTHONPATH": path_env},
        )

    def meshes(
        self, on_progress: Callable[[int, int, int], None] | None = None
    ) -> list[SceneMesh] | None:
        """The child's meshes in its order, once it is done; ``None`` if it failed.

        ``on_progress(file number, done, total)`` follows the child's progress.
        """
        assert self._child.stdout is not None
        for line in self._child.stdout:
            parts = line.split()
            if len(parts) == 3 and on_progress is not None:
                on_progress(int(parts[0]), int(parts[1]), int(parts[2]))
        code = self._child.wait()
        self._errors.close()
        if code != 0 or not self._out.is_file():
            tail = (self._folder / "stderr.txt").read_text("utf-8", "replace")[-2000:]
            log.warning("scene pass process failed (exit %s); meshing here: %s", code, tail.strip())
            return None
        try:
            return read_meshes(self._out)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("scene pass output unreadable (%s); meshing here", exc)
            return None

    def close(self) -> None:
        if self._child.poll() is None:
            self._child.kill()
            self._child.wait()
        if self._child.stdout is not None:
            self._child.stdout.close()
        self._errors.close()
        shutil.rmtree(self._folder, ignore_errors=True)


def write_meshes(target: Path, meshes: Sequence[SceneMesh]) -> None:
    """Meshes as flat arrays in an uncompressed ``.npz`` (no object arrays)."""
    np.savez(
        target,
        allow_pickle=False,
        file_number=np.array([m[0] for m in meshes], dtype=np.int32),
        storey=np.array([m[1] or "" for m in meshes], dtype=str),
        global_id=np.array([m[2].global_id for m in meshes], dtype=str),
        ifc_class=np.array([m[2].ifc_class for m in meshes], dtype=str),
        vertex_count=np.array([len(m[2].vertices) for m in meshes], dtype=np.int64),
        face_count=np.array([len(m[2].faces) for m in meshes], dtype=np.int64),
        vertices=np.concatenate([m[2].vertices for m in meshes]) if meshes else np.zeros((0, 3)),
        faces=np.concatenate([m[2].faces for m in meshes])
        if meshes
        else np.zeros((0, 3), dtype=np.int32),
    )


def read_meshes(source: Path) -> list[SceneMesh]:
    """The meshes :func:`write_meshes` wrote, in order."""
    with np.load(source, allow_pickle=False) as arrays:
        vertices, faces = arrays["vertices"], arrays["faces"]
        vertex_ends = np.cumsum(arrays["vertex_count"]).tolist()
        face_ends = np.cumsum(arrays["face_count"]).tolist()
        files = arrays["file_number"].tolist()
        storeys = arrays["storey"].tolist()
        ids = arrays["global_id"].tolist()
        classes = arrays["ifc_class"].tolist()
    meshes: list[SceneMesh] = []
    vertex_start = face_start = 0
    for number, global_id in enumerate(ids):
        vertex_end, face_end = vertex_ends[number], face_ends[number]
        mesh = ElementMesh(
            global_id,
            classes[number],
            vertices[vertex_start:vertex_end],
            faces[face_start:face_end],
        )
        meshes.append((files[number], storeys[number] or None, mesh))
        vertex_start, face_start = vertex_end, face_end
    return meshes


def _progress_printer(number: int, products: int) -> Callable[[int, int], None]:
    """Prints ``number done total`` at most :data:`PROGRESS_LINES` times, and at the end."""
    step = max(1, products // PROGRESS_LINES)
    last = -step

    def report(done: int, total: int) -> None:
        nonlocal last
        if done - last >= step or done == total:
            last = done
            print(number, done, total, flush=True)

    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the .npz to write")
    parser.add_argument("files", type=Path, nargs="+", help="the building's IFC files")
    args = parser.parse_args(argv)
    meshes: list[SceneMesh] = []
    for number, path in enumerate(args.files):
        try:
            opened = open_model(path)
        except IfcModelError as exc:
            print(exc, file=sys.stderr)
            return 2
        lookups = StructureLookups(opened.model, opened.length_scale_m)
        report = _progress_printer(number, len(opened.model.by_type("IfcProduct")))
        for storey, mesh in scene_meshes(opened.model, lookups, report):
            meshes.append((number, storey, mesh))
    write_meshes(args.out, meshes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
