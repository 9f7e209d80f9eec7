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
