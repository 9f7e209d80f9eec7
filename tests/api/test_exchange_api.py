"""Exchange formats from the service: Brick, COBie, BCF work orders, DXF plans."""

from __future__ import annotations

import rdflib

from twin.exchange import brick

A = "/api/v1/buildings/A"
BRICK = rdflib.Namespace(brick.BRICK_NS)
REF = rdflib.Namespace(brick.REF_NS)


def test_brick_turtle_carries_the_devices_points_and_validates(served) -> None:
    answer = served.client.get(
        f"{A}/brick.ttl", params={"validate": "true"}, headers=served.as_("viewer")
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=answer.content, format="turtle")
    devices = served.client.get(
        "/api/v1/devices", params={"building": "A"}, headers=served.as_("viewer")
    ).json()
    series = {str(o) for o in graph.objects(None, REF.hasTimeseriesId)}
    assert {s.split("/")[0] for s in series} == {d["device_id"] for d in devices}


def test_brick_needs_device_read_permission(served) -> None:
    answer = served.client.get(f"{A}/brick.ttl", headers=served.as_("housing"))
    assert answer.status_code == 403


def test_a_storey_plan_as_dxf_has_a_polyline_per_room(served) -> None:
    import io

    import ezdxf

    report = served.client.get(f"{A}/compliance", headers=served.as_("housing")).json()
    statuses = {r["global_id"]: r["status"] for r in report["rooms"]}
    over = next(r for r in report["rooms"] if r["status"] == "over")
    storeys = served.client.get(f"{A}/storeys", headers=served.as_("viewer")).json()
    storey = next(s for s in storeys if s["name"] == over["storey"])
    answer = served.client.get(
        f"{A}/plans/{storey['name']}.dxf",
        params={"colour": "compliance"},
        headers=served.as_("viewer"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("image/vnd.dxf")
    doc = ezdxf.read(io.StringIO(answer.content.decode("utf-8")))
    rooms = served.client.get(
        f"{A}/spaces", params={"storey": storey["global_id"]}, headers=served.as_("viewer")
    ).json()
    layers = {
        e.get_xdata("BIM_TWIN")[0][1]: e.dxf.layer
        for e in doc.modelspace().query("LWPOLYLINE")
        if e.dxf.layer.startswith("ROOM-")
    }
    assert set(layers) == {room["global_id"] for room in rooms}
    assert layers[over["global_id"]].endswith("-OVER")
    for gid, layer in layers.items():
        assert layer.endswith("-" + statuses.get(gid, "no_data").upper())


def test_cobie_workbook_has_a_component_per_equipment_with_its_device(served) -> None:
    import io

    import openpyxl

    answer = served.client.get(
        f"{A}/cobie.xlsx", params={"contact": "fm@example.org"}, headers=served.as_("viewer")
    )
    assert answer.status_code == 200, answer.text
    book = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
    rows = list(book["Component"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    devices = served.client.get(
        "/api/v1/devices", params={"building": "A"}, headers=served.as_("viewer")
    ).json()
    bound = {d["global_id"]: d["device_id"] for d in devices if d["global_id"]}
    components = {
        r[header.index("ExtIdentifier")]: r[header.index("AssetIdentifier")] for r in body
    }
    shared = set(bound) & set(components)
    assert shared
    assert all(components[gid] == bound[gid] for gid in shared)
    bad = served.client.get(
        f"{A}/cobie.xlsx", params={"contact": "nobody"}, headers=served.as_("viewer")
    )
    assert bad.status_code == 422


def _two_work_orders(served) -> list[dict]:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    op = served.as_("operator")
    devices = served.client.get("/api/v1/devices", params={"building": "A"}, headers=op).json()
    leaks = [d for d in devices if d["device_id"].startswith("LD")][:2]
    assert len(leaks) == 2
    now = datetime.now(UTC).isoformat()
    readings = [{"device_id": d["device_id"], "ts": now, "values": {"leak": True}} for d in leaks]
    served.client.post("/api/v1/readings", json={"readings": readings}, headers=op)
    alarms = served.client.get(
        "/api/v1/alarms", params={"building": "A", "state": "open"}, headers=op
    ).json()
    wanted = {d["device_id"] for d in leaks}
    orders = []
    for alarm in alarms:
        if alarm["device_id"] in wanted and alarm["point"] == "leak":
            made = served.client.post(
                f"/api/v1/alarms/{alarm['id']}/work-order", json={"assignee": "zhao"}, headers=op
            )
            assert made.status_code == 201, made.text
            orders.append(made.json())
    assert len(orders) == 2
    return orders


def test_work_orders_go_out_as_bcf_and_come_back_as_the_same_topics(served) -> None:
    import io
    import zipfile

    from twin.exchange import bcf

    op = served.as_("operator")
    orders = _two_work_orders(served)
    ids = {o["id"] for o in orders}
    exported = served.client.get(
        "/api/v1/work-orders/export.bcf", params={"building": "A"}, headers=op
    )
    assert exported.status_code == 200, exported.text
    topics = {t.guid: t for t in bcf.read_bcf(exported.content).topics}
    assert {bcf.topic_guid(i) for i in ids} <= set(topics)
    for order in orders:
        topic = topics[bcf.topic_guid(order["id"])]
        assert topic.title == order["title"]
        assert topic.selected == (order["global_id"],)
    # Re-importing the same archive changes nothing.
    answer = served.client.post(
        "/api/v1/work-orders/import-bcf",
        params={"building": "A"},
        files={"file": ("a.bcf", exported.content, "application/octet-stream")},
        headers=op,
    )
    assert answer.status_code == 200, answer.text
    assert ids <= set(answer.json()["unchanged"])
    assert answer.json()["created"] == answer.json()["updated"] == []
    # A BIM tool closes one topic: the import moves that work order on to done.
    closed = orders[0]["id"]
    folder = bcf.topic_guid(closed)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(exported.content)) as src,
        zipfile.ZipFile(out, "w") as dst,
    ):
        for item in src.infolist():
            data = src.read(item)
            if item.filename == f"{folder}/markup.bcf":
                data = data.replace(b'TopicStatus="Open"', b'TopicStatus="Closed"')
            dst.writestr(item, data)
    answer = served.client.post(
        "/api/v1/work-orders/import-bcf",
        params={"building": "A"},
        files={"file": ("a.bcf", out.getvalue(), "application/octet-stream")},
        headers=op,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["updated"] == [closed]
    assert served.client.get(f"/api/v1/work-orders/{closed}", headers=op).json()["status"] == "done"


def test_a_broken_bcf_is_a_422_listing_its_problems_and_changes_nothing(served) -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("bcf.version", '<Version VersionId="2.1"/>')
        archive.writestr(
            "x/markup.bcf",
            '<Markup><Topic Guid="not-a-guid"><Title>t</Title></Topic></Markup>',
        )
    op = served.as_("operator")
    before = served.client.get("/api/v1/work-orders", params={"building": "A"}, headers=op).json()
    answer = served.client.post(
        "/api/v1/work-orders/import-bcf",
        params={"building": "A"},
        files={"file": ("x.bcf", out.getvalue(), "application/octet-stream")},
        headers=op,
    )
    assert answer.status_code == 422
    problems = [e["message"] for e in answer.json()["errors"]]
    assert any("not a GUID" in p for p in problems)
    assert any("CreationDate" in p for p in problems)
    after = served.client.get("/api/v1/work-orders", params={"building": "A"}, headers=op).json()
    assert after == before
    viewer = served.client.post(
        "/api/v1/work-orders/import-bcf",
        params={"building": "A"},
        files={"file": ("x.bcf", out.getvalue(), "application/octet-stream")},
        headers=served.as_("viewer"),
    )
    assert viewer.status_code == 403


def test_each_exchange_file_comes_as_the_media_type_its_operation_declares(served) -> None:
    import json

    from tests.api.test_openapi import COMMITTED

    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    declared = {
        op["operationId"]: op["responses"].get("200", {}).get("content", {})
        for methods in document["paths"].values()
        for op in methods.values()
    }
    files = [
        ("exportBrick", f"{A}/brick.ttl", {}),
        ("exportCobie", f"{A}/cobie.xlsx", {}),
        ("exportBcf", "/api/v1/work-orders/export.bcf", {"building": "A"}),
    ]
    for operation_id, path, params in files:
        answer = served.client.get(path, params=params, headers=served.as_("operator"))
        assert answer.status_code == 200, (operation_id, answer.text)
        media_type = answer.headers["content-type"].split(";")[0]
        assert media_type in declared[operation_id], (operation_id, declared[operation_id])
        assert "application/json" not in declared[operation_id]
