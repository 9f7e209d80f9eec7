"""Storey plans as SVG: one element per room, fills by status, labels inside their rooms."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from shapely.geometry import Point, box

from tests.conftest import sample_dir
from tests.twin.housing.plans.helpers import (
    demo_building,
    made_up_report,
    rooms_on,
    svg_labels,
    svg_rooms,
)
from twin.buildings.ingest import ingest
from twin.housing.plans import (
    EmptyStoreyError,
    PlanInputError,
    PlanOptions,
    UnknownStoreyError,
    find_storey,
    inputs_from_compliance_report,
    plan_storeys,
    storey_svg,
    swatch,
)
from twin.housing.plans.layout import PaperTransform, choose_scale, place_label
from twin.housing.plans.svg import FONT_FAMILY

DAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_building(tmp_path_factory.mktemp("plans-demo"))[1]


def _sample(name: str, tmp: Path):
    path = sample_dir() / name
    if not path.is_file():
        pytest.fail(f"sample model {path} missing (set TWIN_SAMPLE_DIR)")
    return ingest([path], cache_dir=tmp / "cache").building


@pytest.fixture(scope="module")
def office_a(tmp_path_factory):
    return _sample("Office_A_20110811.ifc", tmp_path_factory.mktemp("office-a"))


@pytest.fixture(scope="module")
def fzk_haus(tmp_path_factory):
    return _sample("AC20-FZK-Haus.ifc", tmp_path_factory.mktemp("fzk"))


def _check_plan(building, artifacts: Path, model: str) -> None:
    """Every storey: one room path per room, id = GlobalId, fill = status, labels inside."""
    report = made_up_report(building)
    inputs = inputs_from_compliance_report(report)
    status = {r["global_id"]: r["status"] for r in report["rooms"]}
    folder = artifacts / "plans" / model
    folder.mkdir(parents=True, exist_ok=True)
    for storey in plan_storeys(building):
        svg = storey_svg(
            building, storey, PlanOptions(colour="compliance", inputs=inputs, on_date=DAY)
        )
        (folder / f"{storey.name.replace(' ', '_')}-compliance.svg").write_text(svg, "utf-8")
        expected = {s.global_id for s in rooms_on(building, storey)}
        rooms = svg_rooms(svg)
        assert sorted(r.global_id for r in rooms) == sorted(expected)
        for room in rooms:
            assert room.fill == swatch("compliance", status[room.global_id]).fill, room.global_id
            assert f"room-{status[room.global_id]}" in room.classes
        by_id = {r.global_id: r for r in rooms}
        labels = svg_labels(svg)
        assert sorted(label.room_id for label in labels) == sorted(expected)
        for label in labels:
            room = by_id[label.room_id]
            assert room.contains(*label.anchor), label
            if label.fits:
                assert all(room.contains(*b) for b in label.baselines), label


def test_demo_building_plans_have_one_coloured_room_per_space(demo, artifacts_dir) -> None:
    _check_plan(demo, artifacts_dir, "demo")
    assert len(plan_storeys(demo)) == 3


@pytest.mark.samples
def test_office_a_plans_have_one_coloured_room_per_space(office_a, artifacts_dir) -> None:
    _check_plan(office_a, artifacts_dir, "Office_A")


@pytest.mark.samples
def test_fzk_haus_plans_have_one_coloured_room_per_space(fzk_haus, artifacts_dir) -> None:
    _check_plan(fzk_haus, artifacts_dir, "FZK-Haus")


def test_over_standard_rooms_print_their_excess_and_others_do_not(demo) -> None:
    report = made_up_report(demo)
    inputs = inputs_from_compliance_report(report)
    storey = plan_storeys(demo)[0]
    labels = {
        lab.room_id: lab
        for lab in svg_labels(
            storey_svg(demo, storey, PlanOptions(colour="compliance", inputs=inputs))
        )
    }
    over = {r["global_id"] for r in report["rooms"] if r["status"] == "over"} & labels.keys()
    assert over
    for gid, label in labels.items():
        if "+3.4 m²" in label.lines:
            assert gid in over
        elif gid in over:
            assert label.lines == (label.lines[0],)  # only a room too small keeps the number alone


def test_labels_carry_number_chinese_name_area_and_department(demo) -> None:
    storey = find_storey(demo, "F01")
    space = next(s for s in rooms_on(demo, storey) if s.long_name == "大会议室")
    inputs = inputs_from_compliance_report(
        {
            "rooms": [{"global_id": space.global_id, "status": "not_office", "occupants": []}],
            "persons": [{"global_id": space.global_id, "department": "办公室"}],
        }
    )
    svg = storey_svg(demo, storey, PlanOptions(inputs=inputs))
    labels = {lab.room_id: lab for lab in svg_labels(svg)}
    lines = labels[space.global_id].lines
    assert lines == (space.name, "大会议室", f"{space.footprint.area:.1f} m²", "办公室")


def test_text_is_real_text_in_a_cjk_font_family(demo) -> None:
    svg = storey_svg(demo, plan_storeys(demo)[0], PlanOptions(on_date=DAY))
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.get("font-family") == FONT_FAMILY
    assert FONT_FAMILY.startswith("Noto Sans CJK SC")
    assert "楼梯间" in svg and "2026-01-01" in svg
    assert root.get("viewBox") == "0 0 420 297" and root.get("width") == "420mm"


def test_walls_doors_legend_scale_bar_north_arrow_and_title_block_are_drawn(demo) -> None:
    storey = plan_storeys(demo)[0]
    svg = storey_svg(demo, storey, PlanOptions(colour="type"))
    root = ET.fromstring(svg.encode("utf-8"))
    ids = {e.get("id") for e in root.iter()}
    assert {"walls", "doors", "legend", "scale-bar", "north-arrow", "title-block"} <= ids
    doors = [e for e in root.iter() if "door" in (e.get("class") or "").split()]
    on_storey = [d for d in demo.doors if d.storey_id == storey.global_id]
    assert len(doors) == len(on_storey) >= 20
    swings = [e for e in root.iter() if e.get("class") == "door-swing"]
    assert all(" A" in e.get("d") for e in swings)


@pytest.mark.samples
def test_rooms_with_holes_keep_them(office_a) -> None:
    holed = {
        s.global_id: len(s.footprint.interiors)
        for s in office_a.spaces
        if s.footprint is not None and s.footprint.geom_type == "Polygon" and s.footprint.interiors
    }
    assert holed
    rings = {}
    for storey in plan_storeys(office_a):
        for room in svg_rooms(storey_svg(office_a, storey)):
            rings[room.global_id] = len(room.rings)
    for gid, holes in holed.items():
        assert rings[gid] == 1 + holes


@pytest.mark.samples
def test_north_arrow_turns_by_the_models_true_north(fzk_haus) -> None:
    assert fzk_haus.true_north_deg == pytest.approx(-50.0)
    svg = storey_svg(fzk_haus, plan_storeys(fzk_haus)[0])
    root = ET.fromstring(svg.encode("utf-8"))
    arrow = next(e for e in root.iter() if e.get("id") == "north-arrow")
    assert arrow.get("data-true-north-deg") == "-50"
    assert any((e.get("transform") or "").startswith("rotate(50 ") for e in arrow.iter())
    assert "真北" in svg


@pytest.mark.samples
def test_a_storey_without_rooms_is_an_error_and_unknown_names_list_the_storeys(office_a) -> None:
    roof = find_storey(office_a, "roof")
    assert roof not in plan_storeys(office_a)
    with pytest.raises(EmptyStoreyError):
        storey_svg(office_a, roof)
    with pytest.raises(UnknownStoreyError, match="Level 1, Level 2, Roof"):
        find_storey(office_a, "Level 9")


def test_unknown_colour_mode_is_refused(demo) -> None:
    with pytest.raises(PlanInputError, match="colour mode"):
        storey_svg(demo, plan_storeys(demo)[0], PlanOptions(colour="rainbow"))


def test_report_adapter_counts_occupants_and_joins_departments() -> None:
    inputs = inputs_from_compliance_report(
        {
            "rooms": [
                {"global_id": "A", "status": "over", "excess_m2": 4.5, "occupants": ["p1", "p2"]},
                {"global_id": "B", "status": "vacant", "occupants": 0},
            ],
            "persons": [
                {"global_id": "A", "department": "综合科"},
                {"global_id": "A", "department": "财务科"},
            ],
            "standard": {"title": "标准"},
            "summary": {"rooms_over": 1},
        }
    )
    assert inputs.statuses == {"A": "over", "B": "vacant"}
    assert inputs.occupants == {"A": 2, "B": 0}
    assert inputs.excess_m2["A"] == 4.5
    assert inputs.departments == {"A": "综合科、财务科"}
    assert inputs.standard == "标准" and inputs.summary == {"rooms_over": 1}
    with pytest.raises(PlanInputError, match="unknown status"):
        inputs_from_compliance_report({"rooms": [{"global_id": "A", "status": "huge"}]})


def test_paper_transform_flips_y_and_round_trips() -> None:
    t = PaperTransform(200, (10.0, 50.0), (20.0, 30.0))
    assert t.to_paper(10.0, 50.0) == (20.0, 30.0)
    assert t.to_paper(12.0, 48.0) == pytest.approx((30.0, 40.0))  # 2 m = 10 mm at 1:200
    assert t.to_world(*t.to_paper(3.3, -7.7)) == pytest.approx((3.3, -7.7))


def test_scale_is_the_largest_round_scale_that_fits() -> None:
    assert choose_scale(20.0, 10.0, (300.0, 270.0)) == 100
    assert choose_scale(50.0, 36.0, (300.0, 270.0)) == 200
    assert choose_scale(400.0, 100.0, (300.0, 270.0)) == 2000


def test_labels_shrink_drop_lines_and_stay_inside_small_or_holed_rooms() -> None:
    big = box(0, 0, 60, 40)
    label = place_label(big, [("101", "局长办公室", "24.0 m²")])
    assert label.fits and len(label.lines) == 3 and label.font_mm == pytest.approx(3.2)
    small = box(0, 0, 9, 4)
    label = place_label(small, [("101", "局长办公室", "24.0 m²"), ("101",)])
    assert label.lines == ("101",) and small.contains(Point(label.anchor))
    tiny = box(0, 0, 1, 1)
    label = place_label(tiny, [("1234567",)])
    assert not label.fits and tiny.contains(Point(label.anchor))
    donut = box(0, 0, 40, 40).difference(box(5, 5, 35, 35))
    label = place_label(donut, [("7",)])
    assert donut.contains(Point(label.anchor))


def test_the_plan_says_how_world_metres_map_to_paper(demo):
    """A client drawing on the plan (a route, alarms) needs the world → paper transform."""
    storey = plan_storeys(demo)[0]
    root = ET.fromstring(storey_svg(demo, storey, PlanOptions(on_date=DAY)))
    plan = next(g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("id") == "plan")
    world = [float(v) for v in plan.get("data-world-origin").split()]
    paper = [float(v) for v in plan.get("data-paper-origin").split()]
    k = float(plan.get("data-mm-per-m"))
    assert k == pytest.approx(1000 / int(plan.get("data-scale")))
    space = next(s for s in demo.spaces if s.storey_id == storey.global_id)
    x0, y0, x1, y1 = space.footprint.bounds
    # The room's path spans its footprint moved by the transform (Y grows down on paper).
    xs, ys = zip(*svg_rooms_points(root, space.global_id), strict=True)
    assert min(xs) == pytest.approx(paper[0] + (x0 - world[0]) * k, abs=0.05)
    assert max(xs) == pytest.approx(paper[0] + (x1 - world[0]) * k, abs=0.05)
    assert min(ys) == pytest.approx(paper[1] - (y1 - world[1]) * k, abs=0.05)
    assert max(ys) == pytest.approx(paper[1] - (y0 - world[1]) * k, abs=0.05)


def svg_rooms_points(root, global_id):
    path = next(
        p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("id") == global_id
    )
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
    return list(zip(numbers[0::2], numbers[1::2], strict=True))
