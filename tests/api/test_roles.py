"""Each role's allowed and refused actions, building scopes, personal data, audit."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.cli.runner import run_twin
from twin.buildings.registry import BuildingRegistry
from twin.demo.allocations import generate_allocations
from twin.housing.allocations.export import to_csv_bytes
from twin.store.audit import audit_entries
from twin.store.db import engine_for

A = "/api/v1/buildings/A"


def test_no_key_is_401_and_a_bad_key_too(served):
    answer = served.client.get("/api/v1/buildings")
    assert answer.status_code == 401
    assert answer.json()["type"] == "/problems/unauthenticated"
    assert answer.headers["www-authenticate"] == "Bearer"
    bad = served.client.get("/api/v1/buildings", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_a_viewer_sees_rooms_but_no_occupant_names(served, office):
    detail = served.client.get(
        f"{A}/spaces/{office['global_id']}", headers=served.as_("viewer")
    ).json()
    assert detail["occupancy"]["count"] >= 1 and detail["occupancy"]["departments"]
    assert detail["occupancy"]["occupants"] is None
    assert "name" not in str(detail["occupancy"])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"{A}/allocations"),
        ("get", f"{A}/allocations/history"),
        ("get", f"{A}/compliance"),
        ("post", f"{A}/allocations"),
        ("post", "/api/v1/readings"),
        ("post", "/api/v1/buildings"),
        ("delete", A),
        ("get", "/api/v1/keys"),
    ],
)
def test_a_viewer_is_refused_housing_operator_and_admin_actions(served, method, path):
    answer = served.client.request(method, path, headers=served.as_("viewer"))
    assert answer.status_code == 403, answer.text
    assert answer.json()["type"] == "/problems/forbidden"


def test_a_viewer_cannot_import_allocations(served):
    answer = served.client.post(
        f"{A}/allocations",
        files={"file": ("a.csv", b"x", "text/csv")},
        headers=served.as_("viewer"),
    )
    assert answer.status_code == 403


def test_housing_reads_names_but_not_devices_or_routes(served):
    records = served.client.get(f"{A}/allocations", headers=served.as_("housing")).json()
    assert records["allocations"][0]["name"]
    assert served.client.get("/api/v1/devices", headers=served.as_("housing")).status_code == 403
    route = served.client.get(
        f"{A}/route", params={"from": "outside", "to": "0104"}, headers=served.as_("housing")
    )
    assert route.status_code == 403


def test_an_operator_ingests_and_acknowledges_but_cannot_upload(served):
    now = datetime.now(UTC).isoformat()
    answer = served.client.post(
        "/api/v1/readings",
        json={"readings": [{"device_id": "NOPE", "ts": now, "values": {"x": 1}}]},
        headers=served.as_("operator"),
    )
    assert answer.status_code == 200
    upload = served.client.post(
        "/api/v1/buildings", data={"id": "X"}, headers=served.as_("operator")
    )
    assert upload.status_code == 403
    assert served.client.get(f"{A}/compliance", headers=served.as_("operator")).status_code == 403


def test_a_system_key_for_building_a_cannot_touch_building_b(served):
    key = served.as_("system-a")
    assert served.client.get(A, headers=key).status_code == 200
    assert served.client.get("/api/v1/buildings/B", headers=key).status_code == 403
    assert served.client.get("/api/v1/buildings/B/spaces", headers=key).status_code == 403
    listed = served.client.get("/api/v1/buildings", headers=key).json()
    assert [b["id"] for b in listed] == ["A"]
    devices = served.client.get("/api/v1/devices", params={"building": "B"}, headers=key)
    assert devices.status_code == 403
    assert (
        served.client.post(
            "/api/v1/readings", params={"building": "B"}, json={"readings": []}, headers=key
        ).status_code
        == 403
    )
    # Only the actions it was given: no routes, no alarms acknowledged.
    assert (
        served.client.get(f"{A}/route", params={"from": "a", "to": "b"}, headers=key).status_code
        == 403
    )


def test_a_system_key_ingests_only_its_buildings_devices(served):
    now = datetime.now(UTC).isoformat()
    answer = served.client.post(
        "/api/v1/readings",
        json={"readings": [{"device_id": "NOPE", "ts": now, "values": {"x": 1}}]},
        headers=served.as_("system-a"),
    )
    assert answer.status_code == 200 and answer.json()["accepted"] == 0


def test_housing_imports_and_the_write_is_audited_with_the_key_name(served):
    registry = BuildingRegistry(served.settings.data_dir, cache_dir=served.settings.cache_dir)
    records = generate_allocations(registry.load("B").building)
    answer = served.client.post(
        "/api/v1/buildings/B/allocations",
        files={"file": ("b.csv", to_csv_bytes(records), "text/csv")},
        headers=served.as_("housing"),
    )
    assert answer.status_code == 200, answer.text
    engine = engine_for(served.settings.effective_database_url)
    # The request's own audit row is written off the request path: wait for it (bounded).
    deadline = time.monotonic() + 10.0
    while True:
        with engine.connect() as conn:
            entries = audit_entries(conn)
        wanted = "api:/api/v1/buildings/B/allocations"
        if any(e["entity"] == wanted for e in entries) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    engine.dispose()
    assert any(
        e["actor"] == "housing" and e["entity"] == "api:/api/v1/buildings/B/allocations"
        for e in entries
    )
    assert any(e["actor"] == "housing" and e["entity"].startswith("allocation:") for e in entries)


def test_keys_are_made_listed_and_revoked_from_the_command_line(served, monkeypatch):
    monkeypatch.setenv("TWIN_DATA_DIR", str(served.settings.data_dir))
    monkeypatch.delenv("TWIN_DATABASE_URL", raising=False)
    made = run_twin("keys", "create", "cli-viewer", "--role", "viewer")
    assert made.exit_code == 0, made.output
    token = made.output.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert served.client.get("/api/v1/buildings", headers=headers).status_code == 200
    listed = run_twin("keys", "list")
    assert "cli-viewer" in listed.output and token not in listed.output
    assert run_twin("keys", "revoke", "cli-viewer").exit_code == 0
    served.client.app.state.keys._cache.clear()  # the 2 s lookup cache
    assert served.client.get("/api/v1/buildings", headers=headers).status_code == 401
    bad = run_twin("keys", "create", "x", "--role", "system")
    assert bad.exit_code == 2


def test_serve_refuses_a_public_address_without_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path / "empty"))
    answer = run_twin("serve", "--host", "0.0.0.0", "--port", "1")
    assert answer.exit_code == 2
    assert "without API keys" in answer.stderr
