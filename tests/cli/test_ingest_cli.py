"""``twin ingest`` and ``twin info`` as other tools call them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.runner import run_twin
from tests.conftest import REPO_ROOT
from tests.ifc_models.builders import build_two_rooms


@pytest.fixture
def model(tmp_path: Path) -> Path:
    return build_two_rooms(tmp_path / "two.ifc", storeys=2).path


def test_ingest_json_prints_one_object_with_the_contract_keys(model: Path) -> None:
    result = run_twin("ingest", str(model), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["schema"], data["storeys"], data["spaces"], data["doors"]) == ("IFC4", 2, 4, 4)
    assert data["spaces_with_footprint"] == 4
    assert data["usable_area_m2"] == pytest.approx(48.0)
    assert isinstance(data["warnings"], list)
    assert {"nodes", "edges", "components", "spaces_reachable"} <= data["nav"].keys()
    assert data["seconds"] > 0


def test_second_ingest_is_cached_and_no_cache_reads_again(model: Path) -> None:
    run_twin("ingest", str(model), "--json")
    assert json.loads(run_twin("ingest", str(model), "--json").stdout)["from_cache"] is True
    fresh = run_twin("ingest", str(model), "--json", "--no-cache")
    assert json.loads(fresh.stdout)["from_cache"] is False


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such file"),
        (b"hello, not a model", "not an IFC file"),
        (b"ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\n#1=IFC", "truncated"),
        (
            b"ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC2X2'));\nENDSEC;\nEND-ISO-10303-21;",
            "unsupported schema",
        ),
    ],
)
def test_bad_input_exits_2_with_a_one_line_reason(
    tmp_path: Path, content: bytes | None, reason: str
) -> None:
    path = tmp_path / "bad.ifc"
    if content is not None:
        path.write_bytes(content)
    result = run_twin("ingest", str(path), "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0] and "bad.ifc" in lines[0]


def test_info_prints_the_storey_room_tree(model: Path) -> None:
    result = run_twin("info", str(model))
    assert result.exit_code == 0, result.output
    assert "Level 0" in result.stdout and "Level 1" in result.stdout
    assert "001 办公室  12.00 m²" in result.stdout
    assert "equipment in no room: 1" in result.stdout


def test_the_module_entry_point_runs_like_the_console_script(model: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "cli", "ingest", str(model), "--json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["spaces"] == 4
