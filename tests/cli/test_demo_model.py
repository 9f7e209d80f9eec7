"""``twin demo-model`` writes the building and reports bad input with exit 2."""

from __future__ import annotations

import json

import pytest

from tests.cli.runner import run_twin


def _invoke(*args: str):
    return run_twin("demo-model", *args)


def test_demo_model_writes_ifc_and_truth_and_prints_one_line(tmp_path):
    out = tmp_path / "office.ifc"
    result = _invoke(str(out), "--storeys", "2", "--rooms-per-storey", "12", "--units", "mm")
    assert result.exit_code == 0, result.output
    assert out.exists()
    truth = json.loads((tmp_path / "office.truth.json").read_text(encoding="utf-8"))
    assert truth["generator"]["units"] == "mm"
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "24 rooms" in lines[0] and " s" in lines[0]


@pytest.mark.parametrize(
    "args",
    [["--storeys", "0"], ["--rooms-per-storey", "3"], ["--schema", "IFC5"], ["--units", "ft"]],
)
def test_demo_model_bad_arguments_exit_2(tmp_path, args):
    result = _invoke(str(tmp_path / "x.ifc"), *args)
    assert result.exit_code == 2
    assert not (tmp_path / "x.ifc").exists()
