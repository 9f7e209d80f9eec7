"""Routes and rounds, including alarm references."""

from __future__ import annotations

from datetime import UTC, datetime

from twin.devices.simulator import template_rows
from twin.registry import BuildingRegistry


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
