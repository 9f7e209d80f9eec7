import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import commands  # noqa: F401
from cli.app import app

REPO = Path(__file__).resolve().parents[2]
SAMPLES = (REPO / os.environ.get("TWIN_SAMPLE_DIR", "../shared/ifc")).resolve()
FZK = SAMPLES / "AC20-FZK-Haus.ifc"

pytestmark = pytest.mark.samples


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    if not FZK.is_file():
        pytest.skip("sample model missing")
    cache = tmp_path_factory.mktemp("cache")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), env={"TWIN_CACHE_DIR": str(cache)})

    return invoke


def test_route_json(run):
    result = run("route", str(FZK), "--from", "outside", "--to", "Küche", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["length_m"] > 0 and data["time_s"] > 0
    assert data["steps"][0]["kind"] == "outside" and data["steps"][-1]["name"].endswith("Küche")
    assert set(data["steps"][0]) == {"kind", "global_id", "name", "storey"}
    assert all(len(p) == 3 for p in data["polyline"])


def test_unknown_place_exits_2_with_close_matches(run):
    result = run("route", str(FZK), "--from", "outside", "--to", "Kueche")
    assert result.exit_code == 2
    assert "küche" in result.stderr.casefold()


def test_no_step_free_route_exits_2_naming_the_constraint(run):
    result = run("route", str(FZK), "--from", "outside", "--to", "Galerie", "--no-stairs")
    assert result.exit_code == 2
    assert "no step-free route" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_round(run):
    result = run(
        "round",
        str(FZK),
        "--from",
        "outside",
        "--to",
        "Küche",
        "--to",
        "Galerie",
        "--to",
        "Bad",
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["order"]) == 3 and data["time_s"] <= data["naive_time_s"] + 1e-6


def test_export_glb(run, tmp_path):
    out = tmp_path / "fzk.glb"
    result = run("export-glb", str(FZK), str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"glTF"
