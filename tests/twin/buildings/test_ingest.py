"""Ingesting: the cache, the summary contract and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from ifc_models.errors import TruncatedIfcFileError
from tests.ifc_models.builders import build_two_rooms
from twin.buildings.ingest import cache_key, ingest, summary

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


def test_the_cache_holds_json_and_glb_only(model: Path, tmp_path: Path) -> None:
    ingest([model], cache_dir=tmp_path / "cache")
    stored = sorted(p.name for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert stored == ["building.json", "scene.glb"]


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
