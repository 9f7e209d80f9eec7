"""Routes and rounds, including alarm references."""

from __future__ import annotations

from datetime import UTC, datetime

from twin.buildings.registry import BuildingRegistry
from twin.demo.simulator import template_rows


def test_a_route_from_outside_to_a_room(served):
    answer = served.client.get(
        "/api/v1/buildings/A/route",
        params={"from": "outside", "to": "0205", "no_stairs": "true"},
        headers=served.as_("viewer"),
    )
    assert answer.status_code == 200, answer.text
    route = answer.json()
    assert route["from"]["kind"] == "outside" and route["to"]["name"].startswith("0205")
    assert route["length_m"] > 0 and len(route["polyline"]) >= 2
    assert route["lifts_out_of_service"] == []


def test_an_unknown_place_is_a_problem_with_candidates(served):
    answer = served.client.get(
        "/api/v1/buildings/A/route",
        params={"from": "outside", "to": "0l04"},
        headers=served.as_("viewer"),
    )
    assert answer.status_code == 404 and answer.json()["type"] == "/problems/unknown-place"


def test_a_round_visits_every_target(served):
    answer = served.client.get(
        "/api/v1/buildings/A/rounds",
        params=[("from", "outside"), ("to", "0205"), ("to", "0104"), ("to", "0110")],
        headers=served.as_("viewer"),
    )
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["order"]) == 3 and len(answer.json()["legs"]) == 3


def test_a_route_to_an_alarm(served):
    registry = BuildingRegistry(served.settings.data_dir, cache_dir=served.settings.cache_dir)
    rows = template_rows(registry.load("A").building)
    device_id = next(r.device_id for r in rows if r.point.name == "fault")
    now = datetime.now(UTC).isoformat()
    answer = served.client.post(
        "/api/v1/readings",
        json={"readings": [{"device_id": device_id, "ts": now, "values": {"fault": True}}]},
        headers=served.as_("operator"),
    )
    assert answer.json()["accepted"] == 1, answer.text
    alarms = served.client.get(
        "/api/v1/alarms", params={"building": "A", "state": "open"}, headers=served.as_("viewer")
    ).json()
    assert alarms, "the leak raised no alarm"
    answer = served.client.get(
        "/api/v1/buildings/A/route",
        params={"from": "outside", "to": f"alarm:{alarms[0]['id']}"},
        headers=served.as_("viewer"),
    )
    assert answer.status_code == 200, answer.text


def test_a_round_over_open_work_orders_visits_each_faulty_devices_room(served):
    from datetime import UTC, datetime

    devices = served.client.get(
        "/api/v1/devices", params={"building": "A"}, headers=served.as_("operator")
    ).json()
    fan_coils = [d for d in devices if d["device_id"].startswith("FCU")][:3]
    now = datetime.now(UTC).isoformat()
    readings = [
        {"device_id": d["device_id"], "ts": now, "values": {"fault": True}} for d in fan_coils
    ]
    answer = served.client.post(
        "/api/v1/readings", json={"readings": readings}, headers=served.as_("operator")
    )
    assert answer.json()["accepted"] == len(fan_coils)
    alarms = served.client.get(
        "/api/v1/alarms", params={"building": "A", "state": "open"}, headers=served.as_("operator")
    ).json()
    wanted = {d["device_id"] for d in fan_coils}
    for alarm in alarms:
        if alarm["device_id"] in wanted and alarm["point"] == "fault":
            made = served.client.post(
                f"/api/v1/alarms/{alarm['id']}/work-order",
                json={"assignee": "zhao"},
                headers=served.as_("operator"),
            )
            assert made.status_code == 201, made.text
    plan = served.client.get(
        "/api/v1/work-orders/round",
        params={"building": "A", "start": "outside"},
        headers=served.as_("operator"),
    )
    assert plan.status_code == 200, plan.text
    data = plan.json()
    stops = {stop["global_id"] for stop in data["order"]}
    assert {d["global_id"] for d in fan_coils} <= stops
    assert len(data["legs"]) == len(data["order"])
    assert (
        data["length_m"] <= data["naive_length_m"] + 1e-6 or data["time_s"] <= data["naive_time_s"]
    )
