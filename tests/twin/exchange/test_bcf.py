"""BCF 2.1: work orders out as topics with viewpoints, and back, checked against the schema."""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import astuple, replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import sample_dir
from twin.buildings.ingest import ingest
from twin.devices.workorders import Note, WorkOrder
from twin.exchange import bcf
from twin.exchange.errors import BcfError

T0 = datetime(2026, 11, 24, 2, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture(scope="module")
def building(tmp_path_factory):  # type: ignore[no-untyped-def]
    path = sample_dir() / "3rooms_Heater_AirTerminal_Table_with_SB.ifc"
    return ingest([path], cache_dir=tmp_path_factory.mktemp("bcf-cache")).building


def two_orders(building) -> list[WorkOrder]:  # type: ignore[no-untyped-def]
    heater, terminal = building.equipment[0], building.equipment[1]
    room = building.spaces[0]
    return [
        WorkOrder(
            id=uuid.uuid4().hex, building_id="b", title="散热器漏水 radiator leaking",
            status="open", created_at=T0, updated_at=T0, alarm_id="a1", device_id="HTR-1",
            global_id=heater.global_id, space_id=heater.space_id, assignee="zhao",
            notes=(Note(T0, "ops", "created from alarm"),),
        ),
        WorkOrder(
            id=uuid.uuid4().hex, building_id="b", title="Terminal noisy", status="in_progress",
            created_at=T0, updated_at=T0 + timedelta(hours=1), device_id="AT-2",
            global_id=terminal.global_id, space_id=room.global_id, started_at=T0,
            notes=(Note(T0, "ops", "created"), Note(T0 + timedelta(hours=1), "li", "on it")),
        ),
    ]  # fmt: skip


def _zip(building, orders) -> bytes:  # type: ignore[no-untyped-def]
    return bcf.work_orders_bcf(
        orders, building, project_name="3rooms", project_id=str(uuid.uuid4())
    )


@pytest.mark.samples
def test_two_work_orders_re_import_to_the_same_two_topics(building) -> None:
    orders = two_orders(building)
    archive = bcf.read_bcf(_zip(building, orders))
    assert archive.project_name == "3rooms"
    by_guid = {t.guid: t for t in archive.topics}
    assert len(by_guid) == 2
    for order in orders:
        written = bcf.topic_from_work_order(order, building)
        read = by_guid[bcf.topic_guid(order.id)]
        assert replace(read, camera=None) == replace(written, camera=None)
        assert read.camera is not None and written.camera is not None
        for a, b in zip(astuple(read.camera), astuple(written.camera), strict=True):
            assert a == pytest.approx(b, abs=1e-5)
        fields = bcf.work_order_fields(read)
        assert fields["id"] == order.id
        assert (fields["title"], fields["status"], fields["assignee"]) == (
            order.title, order.status, order.assignee,
        )  # fmt: skip
        assert (fields["global_id"], fields["device_id"], fields["space_id"]) == (
            order.global_id, order.device_id, order.space_id,
        )  # fmt: skip
        assert fields["notes"] == tuple((n.at, n.by, n.text) for n in order.notes)
        assert fields["created_at"] == order.created_at


@pytest.mark.samples
def test_the_archive_has_the_bcf_layout_and_its_markup_keeps_the_schema_rules(building) -> None:
    orders = two_orders(building)
    with zipfile.ZipFile(io.BytesIO(_zip(building, orders))) as archive:
        names = set(archive.namelist())
        version = ET.fromstring(archive.read("bcf.version"))
        assert version.get("VersionId") == "2.1"
        for order in orders:
            folder = bcf.topic_guid(order.id)
            assert {f"{folder}/markup.bcf", f"{folder}/viewpoint.bcfv"} <= names
            markup = ET.fromstring(archive.read(f"{folder}/markup.bcf"))
            view = ET.fromstring(archive.read(f"{folder}/viewpoint.bcfv"))
            assert bcf.check_markup(markup) == []
            assert bcf.check_visinfo(view) == []
            selected = [c.get("IfcGuid") for c in view.iter("Component")]
            assert selected == [order.global_id]
            eye = [float(view.findtext(f"PerspectiveCamera/CameraViewPoint/{a}")) for a in "XYZ"]
            look = [float(view.findtext(f"PerspectiveCamera/CameraDirection/{a}")) for a in "XYZ"]
            item = next(e for e in building.equipment if e.global_id == order.global_id)
            # The camera looks at the equipment: eye + t * direction passes through it.
            t = sum((c - e) * d for c, e, d in zip(item.centre, eye, look, strict=True))
            assert t > 0
            miss = [e + t * d - c for e, d, c in zip(eye, look, item.centre, strict=True)]
            assert max(abs(m) for m in miss) < 1e-3


def _markup(topic_children: str, guid: str = "0b5a8f4e-3c1d-4c5e-9f7a-2d6b1e0c9a11") -> str:
    return f'<Markup><Topic Guid="{guid}" TopicStatus="Open">{topic_children}</Topic></Markup>'


@pytest.mark.parametrize(
    ("markup", "problem"),
    [
        (_markup("<CreationDate>2026-01-01T00:00:00Z</CreationDate><CreationAuthor>a"
                 "</CreationAuthor>"), "<Title> missing"),
        (_markup("<CreationDate>2026-01-01T00:00:00Z</CreationDate><Title>t</Title>"
                 "<CreationAuthor>a</CreationAuthor>"), "out of order"),
        (_markup("<Title>t</Title><CreationDate>yesterday</CreationDate><CreationAuthor>a"
                 "</CreationAuthor>"), "not an xs:dateTime"),
        (_markup("<Title>t</Title><CreationDate>2026-01-01T00:00:00Z</CreationDate>"
                 "<CreationAuthor>a</CreationAuthor>", guid="WO-1"), "not a GUID"),
        (_markup("<Title>t</Title><Colour>red</Colour><CreationDate>2026-01-01T00:00:00Z"
                 "</CreationDate><CreationAuthor>a</CreationAuthor>"), "unexpected element"),
        ("<Topic/>", "not <Markup>"),
    ],
)  # fmt: skip
def test_markup_off_the_schema_is_reported(markup: str, problem: str) -> None:
    problems = bcf.check_markup(ET.fromstring(markup))
    assert any(problem in p for p in problems), problems


def test_an_archive_with_bad_markup_is_refused_listing_every_problem() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("bcf.version", '<Version VersionId="2.1"/>')
        archive.writestr("a/markup.bcf", _markup("<Title>t</Title>"))
        archive.writestr("b/markup.bcf", "<Markup>")
    with pytest.raises(BcfError) as caught:
        bcf.read_bcf(out.getvalue())
    assert "not XML" in str(caught.value) or caught.value.problems


def test_not_a_zip_is_a_clear_error() -> None:
    with pytest.raises(BcfError, match="not a zip"):
        bcf.read_bcf(b"PK-but-not-really")
