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
