import io
import json
import struct

import numpy as np
import pytest
import trimesh

from spatial.mesh import ElementMesh
from spatial.scene import build_glb

CUBE_V = np.array(
    [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]], float
)
CUBE_F = np.array(
    [
        [0, 2, 1],
        [0, 3, 2],
        [4, 5, 6],
        [4, 6, 7],
        [0, 1, 5],
        [0, 5, 4],
        [1, 2, 6],
        [1, 6, 5],
        [2, 3, 7],
        [2, 7, 6],
        [3, 0, 4],
        [3, 4, 7],
    ],
    np.int32,
)


def _gltf_json(glb: bytes) -> dict:
    length = struct.unpack("<I", glb[12:16])[0]
    return json.loads(glb[20 : 20 + length])


def test_glb_loads_back_with_global_ids_and_classes():
    meshes = [
        ("S1", ElementMesh("2O1epMSyD6ol5XOFRviRIZ", "IfcSpace", CUBE_V, CUBE_F)),
        ("S2", ElementMesh("0wuj6ac_Rv$ZYWzILFrlw0", "IfcWallStandardCase", CUBE_V + 3, CUBE_F)),
    ]
    glb = build_glb(meshes, {"S1": "Level 1", "S2": "Level 2"})
    scene = trimesh.load(io.BytesIO(glb), file_type="glb")
    assert set(scene.graph.nodes_geometry) == {m.global_id for _, m in meshes}
    classes = {g.metadata["global_id"]: g.metadata["ifc_class"] for g in scene.geometry.values()}
    assert classes == {m.global_id: m.ifc_class for _, m in meshes}
    doc = _gltf_json(glb)
    groups = [n["name"] for n in doc["nodes"] if n["name"].startswith("storey:")]
    assert groups == ["storey:S1", "storey:S2"]
    # Spaces are translucent, walls opaque.
    modes = {m["pbrMetallicRoughness"]["baseColorFactor"][3] < 1 for m in doc["materials"]}
    assert modes == {True, False}
    # Z up (IFC) becomes Y up (glTF): the wall cube spans y in [3, 4].
    wall = scene.geometry["0wuj6ac_Rv$ZYWzILFrlw0"]
    assert wall.bounds[:, 1].tolist() == pytest.approx([3, 4])


@pytest.mark.samples
def test_real_model_scene_names_nodes_by_global_id(ingested):
    result = ingested("AC20-FZK-Haus.ifc")
    scene = trimesh.load(io.BytesIO(result.glb), file_type="glb")
    names = set(scene.graph.nodes_geometry)
    assert {s.global_id for s in result.building.spaces} <= names
    assert all(len(n) == 22 for n in names)
    assert {"IfcSpace", "IfcDoor"} <= {g.metadata["ifc_class"] for g in scene.geometry.values()} | {
        c for g in scene.geometry.values() for c in [g.metadata["ifc_class"][:7]]
    }
