"""The building's 3D scene as GLB bytes, for the browser viewer.

One node per element, named by its GlobalId, under one group node per storey
(named ``storey:<GlobalId>``). Each mesh carries ``extras`` with its
``global_id``, ``ifc_class`` and ``storey``; spaces are translucent. glTF is
Y-up, IFC is Z-up: vertices are written as ``(x, z, -y)``, so a viewer's
(x, y, z) is the model's (x, z, -y).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import trimesh
from trimesh.visual.material import PBRMaterial

from spatial.mesh import ElementMesh

#: Base colours (RGBA 0-255) by IFC class prefix; the first match wins.
CLASS_COLOURS: tuple[tuple[str, tuple[int, int, int, int]], ...] = (
    ("IfcSpace", (90, 170, 220, 70)),
    ("IfcWindow", (160, 200, 230, 110)),
    ("IfcDoor", (150, 105, 70, 255)),
    ("IfcSlab", (190, 190, 185, 255)),
    ("IfcRoof", (170, 120, 100, 255)),
    ("IfcWall", (225, 222, 215, 255)),
    ("IfcStair", (200, 180, 140, 255)),
    ("IfcRailing", (120, 120, 120, 255)),
    ("IfcTransportElement", (90, 90, 110, 255)),
    ("IfcFurnishingElement", (200, 170, 120, 255)),
    ("IfcFlow", (240, 150, 40, 255)),
    ("IfcDistribution", (240, 150, 40, 255)),
    ("IfcEnergyConversionDevice", (240, 150, 40, 255)),
    ("IfcSensor", (240, 150, 40, 255)),
    ("IfcUnitaryEquipment", (240, 150, 40, 255)),
)
DEFAULT_COLOUR = (200, 200, 200, 255)
#: Z-up (IFC) to Y-up (glTF).
Z_UP_TO_Y_UP = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]]).T


def class_colour(ifc_class: str) -> tuple[int, int, int, int]:
    """The display colour of an IFC class."""
    for prefix, colour in CLASS_COLOURS:
        if ifc_class.startswith(prefix):
            return colour
    return DEFAULT_COLOUR


def build_glb(
    meshes: Iterable[tuple[str | None, ElementMesh]],
    storey_names: Mapping[str, str],
) -> bytes:
    """GLB bytes of the scene.

    Parameters
    ----------
    meshes
        ``(storey GlobalId or None, mesh)`` pairs, world metres, Z up.
    storey_names
        Storey GlobalId to name, in the order the storeys should appear.
    """
    scene = trimesh.Scene()
    scene.metadata["storeys"] = [{"global_id": k, "name": v} for k, v in storey_names.items()]
    groups: dict[str, str] = {}
    materials: dict[tuple[int, int, int, int], PBRMaterial] = {}

    def group_of(storey_id: str | None) -> str:
        key = storey_id or "unplaced"
        if key not in groups:
            name = f"storey:{key}"
            scene.graph.update(frame_to=name, frame_from=scene.graph.base_frame)
            groups[key] = name
        return groups[key]

    for name in storey_names:
        group_of(name)
    for storey_id, mesh in meshes:
        if mesh.is_empty:
            continue
        colour = class_colour(mesh.ifc_class)
        if colour not in materials:
            materials[colour] = PBRMaterial(
                baseColorFactor=colour,
                alphaMode="BLEND" if colour[3] < 255 else "OPAQUE",
                doubleSided=colour[3] < 255,
                metallicFactor=0.0,
                roughnessFactor=0.9,
            )
        body = trimesh.Trimesh(
            vertices=mesh.vertices @ Z_UP_TO_Y_UP,
            faces=mesh.faces,
            process=False,
            visual=trimesh.visual.TextureVisuals(material=materials[colour]),
            metadata={
                "global_id": mesh.global_id,
                "ifc_class": mesh.ifc_class,
                "storey": storey_id,
            },
        )
        scene.add_geometry(
            body,
            node_name=mesh.global_id,
            geom_name=mesh.global_id,
            parent_node_name=group_of(storey_id),
        )
    return bytes(trimesh.exchange.gltf.export_glb(scene, include_normals=False))
