"""``twin plan``: files per storey, PDF sets, compliance from a report or allocations."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.cli.runner import run_twin
from tests.conftest import sample_dir
from tests.twin.housing.plans.helpers import demo_building, made_up_report, svg_rooms
from twin.demo.allocations import generate_allocations
from twin.housing.allocations.export import to_csv_bytes
from twin.housing.plans import swatch


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan-cli")
    path, building = demo_building(folder)
    return folder, path, building


def test_one_storey_as_svg(demo, tmp_path) -> None:
    _, path, _ = demo
    out = tmp_path / "f01.svg"
    result = run_twin("plan", str(path), "--storey", "F01", "--out", str(out))
    assert result.exit_code == 0, result.output
    rooms = svg_rooms(out.read_text("utf-8"))
    assert len(rooms) == 20


def test_all_storeys_as_png_write_one_file_each(demo, tmp_path) -> None:
    _, path, _ = demo
    out = tmp_path / "plan.png"
    result = run_twin("plan", str(path), "--storey", "all", "--out", str(out), "--width", "800")
    assert result.exit_code == 0, result.output
    files = sorted(tmp_path.glob("plan-*.png"))
    assert [f.name for f in files] == ["plan-F01.png", "plan-F02.png", "plan-F03.png"]
    assert all(Image.open(f).size[0] == 800 for f in files)
    assert "plan-F01.png" in result.output


def test_compliance_pdf_from_a_report(demo, tmp_path, artifacts_dir) -> None:
    _, path, building = demo
    report = tmp_path / "report.json"
    report.write_text(json.dumps(made_up_report(building), ensure_ascii=False), "utf-8")
    out = artifacts_dir / "plans" / "cli" / "demo-report.pdf"
    result = run_twin(
        "plan", str(path), "--storey", "all", "--colour", "compliance",
        "--report", str(report), "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) == 4


def test_compliance_from_allocations_matches_the_real_checker(
    demo, tmp_path, artifacts_dir
) -> None:
    _, path, building = demo
    allocations = tmp_path / "allocations.csv"
    allocations.write_bytes(to_csv_bytes(generate_allocations(building, seed=0)))
    report = run_twin(
        "compliance", str(path), "--allocations", str(allocations), "--level", "municipal",
        "--date", "2026-01-01", "--json",
    )  # fmt: skip
    assert report.exit_code == 0, report.output
    statuses = {r["global_id"]: r["status"] for r in json.loads(report.stdout)["rooms"]}
    assert {"within", "over", "vacant"} <= set(statuses.values())
    out = artifacts_dir / "plans" / "cli" / "demo-allocations-F02.svg"
    result = run_twin(
        "plan", str(path), "--storey", "F02", "--colour", "compliance",
        "--allocations", str(allocations), "--level", "municipal", "--date", "2026-01-01",
        "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    checked = 0
    for room in svg_rooms(out.read_text("utf-8")):
        if room.global_id in statuses:
            assert room.fill == swatch("compliance", statuses[room.global_id]).fill
            checked += 1
        else:
            assert room.fill == swatch("compliance", "not_office").fill
    assert checked > 0


def test_unknown_storey_exits_2_listing_the_storeys(demo, tmp_path) -> None:
    _, path, _ = demo
    result = run_twin("plan", str(path), "--storey", "F09", "--out", str(tmp_path / "x.svg"))
    assert result.exit_code == 2
    assert "F01, F02, F03" in result.stderr


def test_compliance_colours_need_a_report_or_allocations(demo, tmp_path) -> None:
    _, path, _ = demo
    result = run_twin(
        "plan", str(path), "--storey", "F01", "--colour", "compliance",
        "--out", str(tmp_path / "x.svg"),
    )  # fmt: skip
    assert result.exit_code == 2 and "--report" in result.stderr


def test_unknown_format_exits_2(demo, tmp_path) -> None:
    _, path, _ = demo
    result = run_twin("plan", str(path), "--storey", "F01", "--out", str(tmp_path / "x.dwg"))
    assert result.exit_code == 2 and ".svg" in result.stderr


@pytest.mark.samples
def test_office_a_pdf_has_a_page_per_storey_with_rooms(tmp_path, artifacts_dir) -> None:
    out = artifacts_dir / "plans" / "cli" / "Office_A-type.pdf"
    model = sample_dir() / "Office_A_20110811.ifc"
    result = run_twin("plan", str(model), "--storey", "all", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) == 3  # cover, Level 1, Level 2


def test_one_storey_as_dxf(demo, tmp_path) -> None:
    import ezdxf

    _, path, _ = demo
    out = tmp_path / "f01.dxf"
    result = run_twin("plan", str(path), "--storey", "F01", "--out", str(out))
    assert result.exit_code == 0, result.output
    doc = ezdxf.readfile(out)
    rooms = [e for e in doc.modelspace().query("LWPOLYLINE") if e.dxf.layer.startswith("ROOM-")]
    assert len(rooms) == 20
