"""What the viewer's tools ask for: full element properties, heat maps over history,
viewpoints on work orders (through the ASGI app, building A of the demo office)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.conftest import Served

API = "/api/v1"


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_a_door_has_its_property_sets_and_type(served: Served) -> None:
    client = served.client
    spaces = client.get(f"{API}/buildings/A/spaces", headers=served.as_("viewer")).json()
    room = client.get(
        f"{API}/buildings/A/spaces/{spaces[0]['global_id']}", headers=served.as_("viewer")
    ).json()
    answer = client.get(
        f"{API}/buildings/A/elements/{room['global_id']}/properties", headers=served.as_("viewer")
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ifc_class"] == "IfcSpace" and body["global_id"] == room["global_id"]
    assert body["name"] == room["name"]
    assert isinstance(body["property_sets"], dict) and isinstance(body["quantities"], dict)


def test_element_names_label_every_product(served: Served) -> None:
    answer = served.client.get(f"{API}/buildings/A/element-names", headers=served.as_("viewer"))
    assert answer.status_code == 200, answer.text
    rows = answer.json()
    spaces = served.client.get(f"{API}/buildings/A/spaces", headers=served.as_("viewer")).json()
    names = {r["global_id"]: r["name"] for r in rows if r["ifc_class"] == "IfcSpace"}
    assert names == {s["global_id"]: s["name"] for s in spaces}


def test_properties_of_an_unknown_element_are_a_404_problem(served: Served) -> None:
    answer = served.client.get(
        f"{API}/buildings/A/elements/NOPE/properties", headers=served.as_("viewer")
    )
    assert answer.status_code == 404
    assert answer.json()["type"].endswith("unknown-element")


def _room_sensors(served: Served) -> list[dict]:
    devices = served.client.get(
        f"{API}/devices", params={"building": "A"}, headers=served.as_("viewer")
    ).json()
    return [d for d in devices if d["device_id"].startswith("TS")]


def test_a_heat_map_shows_each_rooms_value_at_a_moment_and_missing_data(served: Served) -> None:
    client = served.client
    sensors = _room_sensors(served)
    assert len(sensors) >= 2
    now = datetime.now(UTC).replace(microsecond=0)
    early, late = now - timedelta(minutes=10), now - timedelta(minutes=1)
    first, second = sensors[0]["device_id"], sensors[1]["device_id"]
    readings = [
        {"device_id": first, "ts": _iso(early), "values": {"temp": 18.0}},
        {"device_id": first, "ts": _iso(late), "values": {"temp": 24.0}},
        {"device_id": second, "ts": _iso(late), "values": {"temp": 21.0}},
    ]
    answer = client.post(
        f"{API}/readings", json={"readings": readings}, headers=served.as_("operator")
    )
    assert answer.status_code == 200 and answer.json()["accepted"] == 3, answer.text

    def heat(at: datetime) -> dict:
        answer = client.get(
            f"{API}/buildings/A/heatmap",
            params={"quantity": "temperature", "at": _iso(at), "max_age_s": 3600},
            headers=served.as_("viewer"),
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def room_of(device: str, heat_map: dict) -> dict:
        return next(r for r in heat_map["rooms"] if device in r["devices"])

    latest = heat(now)
    assert room_of(first, latest)["value"] == pytest.approx(24.0)
    assert room_of(second, latest)["value"] == pytest.approx(21.0)
    assert latest["unit"] == "degC"
    assert latest["history_start"] is not None
    # Five minutes back the first room was colder and the second had no reading yet.
    earlier = heat(now - timedelta(minutes=5))
    assert room_of(first, earlier)["value"] == pytest.approx(18.0)
    assert room_of(second, earlier)["value"] is None
    # Rooms with sensors but no reading at all are listed as missing, not left out.
    assert any(r["value"] is None for r in latest["rooms"])


def test_a_heat_map_of_an_unknown_quantity_is_refused(served: Served) -> None:
    answer = served.client.get(
        f"{API}/buildings/A/heatmap", params={"quantity": "humour"}, headers=served.as_("viewer")
    )
    assert answer.status_code == 422


def _work_order(served: Served) -> str:
    client = served.client
    sensor = _room_sensors(served)[2]["device_id"]
    reading = {"device_id": sensor, "ts": _iso(datetime.now(UTC)), "values": {"co2": 1900.0}}
    answer = client.post(
        f"{API}/readings", json={"readings": [reading]}, headers=served.as_("operator")
    )
    assert answer.status_code == 200, answer.text
    alarms = client.get(
        f"{API}/alarms", params={"building": "A"}, headers=served.as_("operator")
    ).json()
    alarm = next(a for a in alarms if a["device_id"] == sensor)
    answer = client.post(f"{API}/alarms/{alarm['id']}/work-order", headers=served.as_("operator"))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_a_viewpoint_saved_on_a_work_order_comes_back_the_same(served: Served) -> None:
    client = served.client
    order = _work_order(served)
    spaces = client.get(f"{API}/buildings/A/spaces", headers=served.as_("viewer")).json()
    view = {
        "camera_view_point": [12.5, -8.0, 20.0],
        "camera_direction": [-4.0, 6.0, -15.0],
        "camera_up_vector": [0.0, 0.0, 1.0],
        "field_of_view_deg": 45.0,
        "selection": [spaces[0]["global_id"]],
        "storey_id": spaces[0]["storey_id"],
        "clipping_planes": [
            {"location": [0, 0, 1.5], "direction": [0, 0, 1], "axis": "z", "flipped": False}
        ],
        "title": "冷凝水 near the window",
    }
    answer = client.post(
        f"{API}/work-orders/{order}/viewpoints", json=view, headers=served.as_("operator")
    )
    assert answer.status_code == 201, answer.text
    saved = answer.json()
    assert saved["created_by"] == "operator"
    listed = client.get(
        f"{API}/work-orders/{order}/viewpoints", headers=served.as_("viewer")
    ).json()
    assert [v["id"] for v in listed] == [saved["id"]]
    assert {k: listed[0][k] for k in view} == view


def test_viewpoints_need_a_known_order_a_whole_camera_and_a_writing_key(served: Served) -> None:
    client = served.client
    view = {
        "camera_view_point": [0, 0, 10],
        "camera_direction": [0, 0, -1],
        "camera_up_vector": [0, 1, 0],
        "field_of_view_deg": 45,
    }
    answer = client.post(
        f"{API}/work-orders/nope/viewpoints", json=view, headers=served.as_("operator")
    )
    assert answer.status_code == 404
    order = _work_order(served)
    broken = {**view, "camera_view_point": [0, 0]}
    answer = client.post(
        f"{API}/work-orders/{order}/viewpoints", json=broken, headers=served.as_("operator")
    )
    assert answer.status_code == 422
    answer = client.post(
        f"{API}/work-orders/{order}/viewpoints", json=view, headers=served.as_("viewer")
    )
    assert answer.status_code == 403
    assert (
        client.get(f"{API}/work-orders/{order}/viewpoints", headers=served.as_("viewer")).json()
        == []
    )
