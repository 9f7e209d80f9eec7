"""Buildings: list, summary, storeys, scene, delete; problems for unknown ones."""

from __future__ import annotations


def test_health_needs_no_key_and_reports_readiness(served):
    answer = served.client.get("/health")
    assert answer.status_code == 200
    assert answer.json()["ready"] is True
    assert answer.json()["buildings"] == {"A": "ready", "B": "ready"}
    assert answer.json()["auth"] == "keys"


def test_the_list_names_each_building_with_counts(served):
    found = served.client.get("/api/v1/buildings", headers=served.as_("viewer")).json()
    assert [b["id"] for b in found] == ["A", "B"]
    assert found[0]["storeys"] == 2 and found[0]["spaces"] == 24 and found[0]["state"] == "ready"


def test_summary_storeys_and_scene(served):
    headers = served.as_("viewer")
    summary = served.client.get("/api/v1/buildings/A", headers=headers).json()
    assert summary["id"] == "A" and summary["spaces"] == 24 and summary["schema"] == "IFC4"
    assert summary["devices"] > 0 and summary["nav"]["spaces_reachable"] > 0
    storeys = served.client.get("/api/v1/buildings/A/storeys", headers=headers).json()
    assert [s["name"] for s in storeys] == ["F01", "F02"] and storeys[1]["elevation_m"] == 3.6
    scene = served.client.get("/api/v1/buildings/A/scene.glb", headers=headers)
    assert scene.headers["content-type"] == "model/gltf-binary"
    assert scene.content[:4] == b"glTF"


def test_an_unknown_building_is_a_404_problem(served):
    answer = served.client.get("/api/v1/buildings/NOPE", headers=served.as_("viewer"))
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "/problems/unknown-building"


def test_docs_and_contract_are_served(served):
    assert served.client.get("/docs").status_code == 200
    schema = served.client.get("/openapi.json").json()
    assert "/api/v1/buildings/{building_id}/spaces/{global_id}" in schema["paths"]
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_metrics_count_requests_and_readings(served):
    served.client.get("/api/v1/buildings", headers=served.as_("viewer"))
    text = served.client.get("/metrics").text
    assert 'http_requests_total{method="GET",route="/api/v1/buildings",status="200"}' in text
    assert "twin_readings_accepted_total" in text and "twin_alarms_open" in text
    assert "http_request_duration_seconds_bucket" in text
