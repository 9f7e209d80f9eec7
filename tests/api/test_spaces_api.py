"""Rooms, elements and search."""

from __future__ import annotations


def test_rooms_filter_by_storey_type_and_name(served):
    headers = served.as_("viewer")
    first = served.client.get(
        "/api/v1/buildings/A/spaces", params={"storey": "F01"}, headers=headers
    ).json()
    assert len(first) == 12 and {s["storey"] for s in first} == {"F01"}
    offices = served.client.get(
        "/api/v1/buildings/A/spaces", params={"type": "office"}, headers=headers
    ).json()
    assert offices and {s["room_type"] for s in offices} == {"office"}
    named = served.client.get(
        "/api/v1/buildings/A/spaces", params={"name": "0101"}, headers=headers
    ).json()
    assert [s["name"] for s in named] == ["0101"]
    missing = served.client.get(
        "/api/v1/buildings/A/spaces", params={"storey": "F99"}, headers=headers
    )
    assert missing.status_code == 404 and missing.json()["type"] == "/problems/unknown-storey"


def test_room_detail_has_area_equipment_devices_and_occupancy(served, office):
    detail = served.client.get(
        f"/api/v1/buildings/A/spaces/{office['global_id']}", headers=served.as_("housing")
    ).json()
    assert detail["area_m2"] > 0 and detail["footprint"]
    assert detail["occupancy"]["count"] >= 1
    assert detail["occupancy"]["occupants"][0]["name"]


def test_elements_by_global_id_and_search(served):
    headers = served.as_("viewer")
    (hit, *_) = served.client.get(
        "/api/v1/buildings/A/search", params={"q": "0104"}, headers=headers
    ).json()
    assert hit["kind"] == "space" and hit["name"].startswith("0104")
    element = served.client.get(
        f"/api/v1/buildings/A/elements/{hit['global_id']}", headers=headers
    ).json()
    assert element["kind"] == "space" and element["storey"] == "F01"
    unknown = served.client.get("/api/v1/buildings/A/elements/nope", headers=headers)
    assert unknown.status_code == 404 and unknown.json()["type"] == "/problems/unknown-element"
