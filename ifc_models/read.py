"""Read one building from one or more IFC files into :mod:`spatial.records`.

Two passes over the geometry, so that navigation never waits for the viewer:

1. :meth:`BuildingReader.read_building` meshes only what the graph needs —
   spaces, the openings doors fill, stairs, ramps, lifts, and equipment that
   no room contains — and returns the :class:`~spatial.records.Building`.
2. :meth:`BuildingReader.scene_meshes` meshes every other product for the
   3D scene (walls, slabs, door leaves, furniture, equipment bodies); for a
   large building :meth:`BuildingReader.begin_scene` has a second process
   mesh them while pass 1 runs (:mod:`~ifc_models.scene_pass`).

Each element kind has its own module (:mod:`~ifc_models.storeys`,
:mod:`~ifc_models.spaces`, :mod:`~ifc_models.doors`,
:mod:`~ifc_models.openings`, :mod:`~ifc_models.links`,
:mod:`~ifc_models.equipment`; several files meet in
:mod:`~ifc_models.federation`); this one runs them in order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import ifcopenshell

from ifc_models.doors import door_mesh_element, read_doors
from ifc_models.equipment import (
    contained_in_space,
    equipment_elements,
    is_equipment,
    read_equipment,
)
from ifc_models.federation import FileState, Progress, federate_storeys, host_first, open_files
from ifc_models.geometry import iter_meshes
from ifc_models.links import link_elements, read_links
from ifc_models.openings import read_openings
from ifc_models.scene_pass import (
    SCENE_PROCESS_MIN_PRODUCTS,
    SceneProcess,
    scene_meshes,
    wants_process,
)
from ifc_models.source import open_model
from ifc_models.spaces import read_spaces, read_zones
from ifc_models.storeys import storey_levels
from ifc_models.structure import true_north_deg
from spatial.locate import SpaceIndex
from spatial.mesh import ElementMesh
from spatial.records import Building, SourceFile

__all__ = ["BuildingReader", "Progress", "is_equipment", "open_model"]

log = logging.getLogger(__name__)


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


class BuildingReader:
    """Reads one building from IFC files.

    Parameters
    ----------
    paths
        One or more IFC (or ``.ifczip``) files of the same building.
    include_network
        Also treat pipe/duct/cable segments and fittings as equipment.
    progress
        Called as ``progress(stage, done, total)`` while reading.

    Raises
    ------
    ifc_models.errors.IfcModelError
        When a file cannot be read (missing, not IFC, truncated, unsupported
        schema, no length unit) or no file holds a storey or a building.

    Examples
    --------
    >>> reader = BuildingReader([Path("Office_A_20110811.ifc")])  # doctest: +SKIP
    >>> building = reader.read_building()  # doctest: +SKIP
    >>> len(building.spaces)  # doctest: +SKIP
    99
    """

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        include_network: bool = False,
        progress: Progress | None = None,
    ) -> None:
        self._progress: Progress = progress or _no_progress
        self._include_network = include_network
        self._given = open_files(paths, self._progress)
        self._files = host_first(self._given)
        self._space_meshes: list[ElementMesh] = []
        self._space_storeys: dict[str, str] = {}
        self._warnings: list[str] = []
        self._scene: SceneProcess | None = None

    @property
    def sources(self) -> tuple[SourceFile, ...]:
        """The input files, in the order given."""
        return tuple(
            SourceFile(
                name=s.opened.path.name,
                sha256=s.opened.sha256,
                schema=s.opened.schema,
                length_unit=s.opened.length_unit,
                length_scale_m=s.opened.length_scale_m,
            )
            for s in self._given
        )

    # ------------------------------------------------------------------ pass 1
    def read_building(self) -> Building:
        """Read storeys, spaces, doors, vertical links and equipment (pass 1)."""
        files = self._files
        meshes = self._mesh_navigation_elements()
        levels = [storey_levels(state, meshes, self._warn) for state in files]
        storeys = federate_storeys(files, levels, self._warn)
        spaces = read_spaces(files, meshes, self._warn)
        self._space_storeys = {s.global_id: s.storey_id for s in spaces}
        index = SpaceIndex(spaces)
        doors = read_doors(files, meshes, index, self._warn)
        openings = read_openings(files, self._space_storeys, self._warn)
        links = read_links(files, meshes, storeys, self._warn)
        equipment = read_equipment(
            files, meshes, storeys, index, include_network=self._include_network
        )
        zones = read_zones(files)
        host = files[0]
        buildings = host.opened.model.by_type("IfcBuilding")
        if len(buildings) > 1:
            self._warn(f"{len(buildings)} IfcBuilding in {host.name}; read as one")
        head = buildings[0] if buildings else host.opened.model.by_type("IfcProject")[0]
        name = head.Name or getattr(head, "LongName", None) or host.opened.path.stem
        return Building(
            name=str(name),
            global_id=head.GlobalId,
            sources=self.sources,
            storeys=tuple(sorted(storeys.values(), key=lambda s: s.elevation_m)),
            spaces=tuple(spaces),
            doors=tuple(doors),
            openings=tuple(openings),
            links=tuple(links),
            equipment=tuple(equipment),
            zones=tuple(zones),
            warnings=tuple(self._warnings),
            true_north_deg=true_north_deg(host.opened.model),
        )

    def _warn(self, message: str) -> None:
        log.warning(message)
        self._warnings.append(message)

    def _mesh_navigation_elements(self) -> dict[str, ElementMesh]:
        wanted: list[tuple[FileState, list[ifcopenshell.entity_instance]]] = []
        for state in self._files:
            model = state.opened.model
            elements = list(model.by_type("IfcSpace"))
            elements.extend(door_mesh_element(door) for door in model.by_type("IfcDoor"))
            elements.extend(link_elements(model))
            elements.extend(
                element
                for element in equipment_elements(model, self._include_network)
                if not contained_in_space(element, state.lookups)
            )
            wanted.append((state, elements))
        total = sum(len(elements) for _, elements in wanted)
        meshes: dict[str, ElementMesh] = {}
        offset = 0
        for state, elements in wanted:
            for mesh in iter_meshes(
                state.opened.model,
                elements,
                on_progress=lambda done, base=offset: self._progress(
                    "geometry", base + done, total
                ),
            ):
                meshes[mesh.global_id] = mesh
            offset += len(elements)
        self._space_meshes = [m for m in meshes.values() if m.ifc_class == "IfcSpace"]
        return meshes

    # ------------------------------------------------------------------ pass 2
    def begin_scene(self, *, min_products: int = SCENE_PROCESS_MIN_PRODUCTS) -> None:
        """Start the scene pass in a second process if the files have at least
        ``min_products`` products (see :mod:`ifc_models.scene_pass`); call
        before :meth:`read_building`, and :meth:`close` when done."""
        models = [state.opened.model for state in self._files]
        if self._scene is None and wants_process(models, min_products):
            self._scene = SceneProcess([state.opened.path for state in self._files])

    def close(self) -> None:
        """Stop a scene process that is still running."""
        if self._scene is not None:
            self._scene.close()
            self._scene = None

    def __enter__(self) -> BuildingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def scene_meshes(self) -> Iterator[tuple[str | None, ElementMesh]]:
        """Meshes for the 3D scene, each with its (host) storey GlobalId.

        Spaces come from pass 1 (call :meth:`read_building` first); every
        other product with a body is meshed now, or was by the process
        :meth:`begin_scene` started, except the openings doors fill, which
        are voids, not things.
        """
        done = None
        if self._scene is not None:
            done = self._scene.meshes(
                lambda number, count, total: self._progress(f"scene {number + 1}", count, total)
            )
            self.close()
        if done is not None:
            for number, storey, mesh in done:
                yield self._files[number].storey_map.get(storey) if storey else None, mesh
        else:
            for number, state in enumerate(self._files):
                for storey, mesh in scene_meshes(
                    state.opened.model,
                    state.lookups,
                    lambda count, total, n=number: self._progress(f"scene {n + 1}", count, total),
                ):
                    yield state.storey_map.get(storey) if storey else None, mesh
        for mesh in self._space_meshes:
            yield self._space_storeys.get(mesh.global_id), mesh
