"""Ingesting: the cache, the summary contract and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ifc_models.read
from ifc_models.errors import TruncatedIfcFileError
from tests.ifc_models.builders import build_two_rooms
from twin.buildings import ingest as ingest_module
from twin.buildings.ingest import cache_key, ingest, summary

ROOT = Path(__file__).resolve().parents[3]

SUMMARY_KEYS = {
    "schema",
    "storeys",
    "spaces",
    "doors",
    "stairs",
    "lifts",
    "equipment",
    "spaces_with_footprint",
    "usable_area_m2",
    "warnings",
    "nav",
    "seconds",
}


@pytest.fixture
def model(tmp_path: Path) -> Path:
    return build_two_rooms(tmp_path / "two.ifc").path


def test_a_second_ingest_comes_from_the_cache_with_the_same_answers(
    model: Path, tmp_path: Path
) -> None:
    first = ingest([model], cache_dir=tmp_path / "cache")
    second = ingest([model], cache_dir=tmp_path / "cache")
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.building == first.building
    assert second.glb == first.glb
    assert sorted(second.graph.edges) == sorted(first.graph.edges)
    assert {
        k: v for k, v in summary(second).items() if k not in ("timings", "seconds", "from_cache")
    } == {k: v for k, v in summary(first).items() if k not in ("timings", "seconds", "from_cache")}


def test_no_cache_reads_the_files_afresh(model: Path, tmp_path: Path) -> None:
    ingest([model], cache_dir=tmp_path)
    assert not ingest([model], cache_dir=tmp_path, use_cache=False).from_cache


def test_a_changed_file_gets_a_new_cache_entry(model: Path, tmp_path: Path) -> None:
    before = cache_key([model])
    model.write_bytes(model.read_bytes().replace(b"Meeting room", b"Meeting hall"))
    assert cache_key([model]) != before
    result = ingest([model], cache_dir=tmp_path)
    assert not result.from_cache
    assert "Meeting hall" in {s.long_name for s in result.building.spaces}


def test_the_cache_holds_json_npz_and_glb_only(model: Path, tmp_path: Path) -> None:
    ingest([model], cache_dir=tmp_path / "cache")
    stored = sorted(p.name for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert stored == ["building.json", "graph.json", "router.npz", "scene.glb"]
    (entry,) = (tmp_path / "cache").iterdir()
    with np.load(entry / "router.npz", allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)


def test_a_cached_load_reads_the_graph_back_and_builds_nothing(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ingest([model], cache_dir=tmp_path / "cache")

    def no_geometry(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached load must not read IFC or build the graph")

    monkeypatch.setattr(ifc_models.read, "BuildingReader", no_geometry)
    monkeypatch.setattr(ingest_module, "build_nav_graph", no_geometry)
    second = ingest([model], cache_dir=tmp_path / "cache")
    assert second.from_cache
    assert list(second.graph.nodes(data=True)) == list(first.graph.nodes(data=True))
    assert list(second.graph.edges(data=True)) == list(first.graph.edges(data=True))
    assert second.graph.graph["building"] == second.building == first.building


def test_a_cached_router_gives_the_cold_routes(model: Path, tmp_path: Path) -> None:
    cold = ingest([model], cache_dir=tmp_path / "cache").router()
    cached = ingest([model], cache_dir=tmp_path / "cache").router()
    for origin, destination in (("outside", "002"), ("001", "002"), ("TS-001", "outside")):
        a, b = cold.route(origin, destination), cached.route(origin, destination)
        assert (a.steps, a.length_m, a.polyline) == (b.steps, b.length_m, b.polyline)


@pytest.mark.parametrize("damage", ["old graph format", "truncated router", "missing graph"])
def test_an_old_or_damaged_cache_entry_is_read_afresh(
    model: Path, tmp_path: Path, damage: str
) -> None:
    first = ingest([model], cache_dir=tmp_path / "cache")
    (entry,) = (tmp_path / "cache").iterdir()
    if damage == "old graph format":
        graph = json.loads((entry / "graph.json").read_text("utf-8"))
        graph["format_version"] = 2
        (entry / "graph.json").write_text(json.dumps(graph), "utf-8")
    elif damage == "truncated router":
        (entry / "router.npz").write_bytes((entry / "router.npz").read_bytes()[:100])
    else:
        (entry / "graph.json").unlink()
    again = ingest([model], cache_dir=tmp_path / "cache")
    assert not again.from_cache
    assert again.building == first.building
    assert ingest([model], cache_dir=tmp_path / "cache").from_cache


def test_bad_input_is_refused_and_nothing_is_cached(model: Path, tmp_path: Path) -> None:
    model.write_bytes(model.read_bytes()[:2000])
    with pytest.raises(TruncatedIfcFileError):
        ingest([model], cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.json"))


def test_the_summary_holds_the_contract_keys(model: Path, tmp_path: Path) -> None:
    data = summary(ingest([model], cache_dir=tmp_path))
    assert data.keys() >= SUMMARY_KEYS
    assert {"nodes", "edges", "components", "spaces_reachable"} <= data["nav"].keys()
    assert (data["spaces"], data["doors"], data["equipment"]) == (2, 2, 3)
    assert data["usable_area_m2"] == pytest.approx(24.0)
    assert data["nav"]["spaces_reachable"] == 2


def test_equipment_gets_its_body_box_from_the_scene_pass(model: Path, tmp_path: Path) -> None:
    building = ingest([model], cache_dir=tmp_path).building
    sensor = next(e for e in building.equipment if e.tag == "TS-001")
    assert sensor.bbox_min == pytest.approx((0.9, 0.9, 2.4))
    assert sensor.bbox_max == pytest.approx((1.1, 1.1, 2.5))


def test_a_model_without_storeys_is_ingested_with_a_warning(tmp_path: Path) -> None:
    built = build_two_rooms(tmp_path / "acad.ifc", without_storey=True)
    data = summary(ingest([built.path], cache_dir=tmp_path / "cache"))
    assert (data["storeys"], data["spaces"], data["doors"]) == (1, 2, 2)
    assert data["usable_area_m2"] == pytest.approx(24.0)
    assert data["nav"]["spaces_reachable"] == 2
    assert any("no IfcBuildingStorey" in w for w in data["warnings"])


def test_a_cached_load_does_not_import_ifcopenshell(model: Path, tmp_path: Path) -> None:
    ingest([model], cache_dir=tmp_path / "cache")
    script = (
        "import sys; from pathlib import Path; from twin.buildings.ingest import ingest; "
        f"result = ingest([Path({str(model)!r})], cache_dir=Path({str(tmp_path / 'cache')!r})); "
        "result.router(); "
        "print(result.from_cache, 'ifcopenshell' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.split() == ["True", "False"]
