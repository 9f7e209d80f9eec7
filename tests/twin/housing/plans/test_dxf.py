"""DXF plans: one closed polyline per room with its usable area, layers, CJK labels, doors."""

from __future__ import annotations

import io
from collections import defaultdict

import ezdxf
import numpy as np
import pytest
from shapely.geometry import Polygon

from spatial.areas import usable_area
from tests.conftest import sample_dir
from tests.twin.housing.plans.helpers import demo_building, made_up_report, rooms_on
from twin.buildings.ingest import ingest
from twin.housing.plans import PlanOptions, find_storey, inputs_from_compliance_report
from twin.housing.plans.dxf import (
    DOOR_LAYER,
    LABEL_LAYER,
    TEXT_STYLE,
    XDATA_APP,
    keyhole_ring,
    storey_dxf,
)


def _read(data: bytes):  # type: ignore[no-untyped-def]
    return ezdxf.read(io.StringIO(data.decode("utf-8")))


def shoelace_m2(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def room_outlines(doc) -> dict[str, list]:  # type: ignore[no-untyped-def]
    """Closed room polylines by the GlobalId in their XDATA."""
    found: dict[str, list] = defaultdict(list)
    for entity in doc.modelspace().query("LWPOLYLINE"):
        layer = entity.dxf.layer
        if layer.startswith("ROOM-") and layer != LABEL_LAYER:
            gid = entity.get_xdata(XDATA_APP)[0][1]
            found[gid].append(entity)
    return found


def test_a_keyhole_ring_keeps_the_area_of_a_room_with_columns() -> None:
    room = Polygon(
        [(0, 0), (10, 0), (10, 6), (0, 6)],
        [[(2, 2), (3, 2), (3, 3), (2, 3)], [(7, 2), (7.5, 2), (7.5, 4), (7, 4)]],
    )
    ring = np.asarray(keyhole_ring(room))
    assert shoelace_m2(ring) == pytest.approx(room.area)
    assert len(ring) == 4 + 2 * (4 + 1 + 1)


@pytest.mark.samples
def test_office_a_storey_has_one_closed_polyline_per_room_with_its_usable_area() -> None:
    building = ingest([sample_dir() / "Office_A_20110811.ifc"]).building
    storey = find_storey(building, "Level 1")
    rooms = rooms_on(building, storey)
    assert any(s.footprint.interiors for s in rooms), "Office_A has rooms around columns"
    doc = _read(storey_dxf(building, storey))
    assert doc.units == ezdxf.units.M
    outlines = room_outlines(doc)
    assert set(outlines) == {s.global_id for s in rooms}
    for space in rooms:
        (outline,) = outlines[space.global_id]
        assert outline.closed
        area = shoelace_m2(np.asarray(outline.get_points("xy")))
        expected = usable_area(space).area_m2
        assert area == pytest.approx(expected, rel=0.01), space.name
    doors = doc.modelspace().query(f'*[layer=="{DOOR_LAYER}"]')
    assert len(doors.query("ARC")) > 0
    assert len(doors.query("LWPOLYLINE")) == len(doors.query("ARC"))


def test_layers_sort_rooms_by_type_and_compliance_and_labels_keep_chinese(tmp_path) -> None:
    _, building = demo_building(tmp_path)
    report = made_up_report(building)
    storey = building.storeys[0]
    data = storey_dxf(
        building,
        storey,
        PlanOptions(colour="compliance", inputs=inputs_from_compliance_report(report)),
    )
    doc = _read(data)
    statuses = {r["global_id"]: r["status"] for r in report["rooms"]}
    for gid, (outline,) in room_outlines(doc).items():
        assert outline.dxf.layer.endswith("-" + statuses[gid].upper())
    layers = {e.dxf.layer for e in doc.modelspace().query("LWPOLYLINE")}
    assert any(layer.startswith("ROOM-OFFICE-") for layer in layers)
    labels = doc.modelspace().query("MTEXT")
    texts = " ".join(m.text for m in labels)
    names = [s.long_name for s in rooms_on(building, storey) if s.long_name]
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in names)
    assert all(name in texts for name in names)
    style = doc.styles.get(TEXT_STYLE)
    assert "CJK" in style.dxf.font
    assert all(m.dxf.style == TEXT_STYLE for m in labels)
