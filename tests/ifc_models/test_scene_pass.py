"""The scene pass in a second process gives the scene the reader meshes itself."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from ifc_models.read import BuildingReader
from tests.conftest import sample_dir

OFFICE_A = sample_dir() / "Office_A_20110811.ifc"
IN_PROCESS = 10**9  # no model has that many products


def scene(path: Path, min_products: int, progress=None):
    with BuildingReader([path], progress=progress) as reader:
        reader.begin_scene(min_products=min_products)
        reader.read_building()
        return list(reader.scene_meshes())


def test_the_scene_meshed_in_a_second_process_is_the_one_meshed_here() -> None:
    seen: list[tuple[str, int, int]] = []
    there = scene(OFFICE_A, 0, lambda *stage: seen.append(stage))
    here = scene(OFFICE_A, IN_PROCESS)
    assert len(there) > 900
    assert [(s, m.global_id, m.ifc_class) for s, m in there] == [
        (s, m.global_id, m.ifc_class) for s, m in here
    ]
    for (_, a), (_, b) in zip(there, here, strict=True):
        assert np.array_equal(a.vertices, b.vertices)
        # The kernel may split a face's triangles differently from run to run.
        assert a.faces.shape == b.faces.shape
    scene_stages = [stage for stage in seen if stage[0] == "scene 1"]
    assert scene_stages[-1][1] == scene_stages[-1][2] > 0


def test_a_scene_process_that_fails_is_meshed_here_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "Duplex_A.ifc"
    shutil.copyfile(sample_dir() / "Duplex_A_20110907.ifc", path)
    expected = [(s, m.global_id) for s, m in scene(path, IN_PROCESS)]
    with BuildingReader([path]) as reader:
        path.write_text("not an IFC file any more")  # what the second process will open
        reader.begin_scene(min_products=0)
        reader.read_building()
        with caplog.at_level(logging.WARNING, logger="ifc_models.scene_pass"):
            meshes = list(reader.scene_meshes())
    assert [(s, m.global_id) for s, m in meshes] == expected
    assert "scene pass process failed" in caplog.text
    assert "not an IFC file" in caplog.text
