"""The device endpoints through the ASGI app (in process)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.twin.devices.conftest import ROWS, FakeClock
from twin.devices.registry import parse_rows
from twin.devices.store import save_registry
from twin.settings import Settings
from twin.store.db import engine_for


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(tmp_path, clock):  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", tick_s=3600)
    engine = engine_for(settings.effective_database_url)
    save_registry(engine, "B1", parse_rows(ROWS))
    engine.dispose()
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


def test_health_says_mqtt_is_off(client):
    answer = client.get("/health")
    assert answer.json()["status"] == "ok"
    assert answer.json()["mqtt"].startswith("off")


def test_a_batch_is_answered_with_counts_and_devices_show_state(client, clock):
    body = {
        "readings": [
            {"device_id": "TS-01", "ts": clock.iso(), "values": {"temp": 30.5, "co2": 600}},
            {"device_id": "GHOST", "ts": clock.iso(), "values": {"temp": 1}},
            {"device_id": "TS-01", "ts": clock.iso(60), "values": {"temp": 20}},
        ]
    }
    answer = client.post("/api/v1/readings", json=body)
    assert answer.status_code == 200
    assert answer.json() == {
        "accepted": 1,
        "rejected": {"unknown_device": 1, "future_timestamp": 1},
        "rejected_total": 2,
        "errors": [
            {"index": 1, "reason": "unknown_device", "detail": "no device 'GHOST'"},
            {
                "index": 2,
                "reason": "future_timestamp",
                "detail": "ts is ahead of the service's clock",
            },
        ],
    }
    device = client.get("/api/v1/devices/TS-01").json()
    assert device["status"] == "warning" and device["global_id"] is None
    assert device["points"]["temp"]["value"] == 30.5 and device["points"]["temp"]["unit"] == "degC"
    history = client.get("/api/v1/devices/TS-01/history", params={"point": "temp"}).json()
    assert [h["value"] for h in history] == [30.5]


def test_a_body_that_is_not_json_is_a_problem_and_counted(client):
    answer = client.post(
        "/api/v1/readings", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "/problems/malformed-payload"
    assert client.get("/api/v1/readings/rejections").json()["rejected"]["not_json"] == 1


def test_unknown_device_is_a_404_problem(client):
    answer = client.get("/api/v1/devices/NOPE")
    assert answer.status_code == 404
    assert answer.json()["type"] == "/problems/unknown-device"


def test_alarm_acknowledge_clear_and_work_order(client, clock):
    client.post(
        "/api/v1/readings",
        json={"readings": [{"device_id": "LD-01", "ts": clock.iso(), "values": {"leak": True}}]},
    )
    (alarm,) = client.get("/api/v1/alarms", params={"building": "B1", "state": "open"}).json()
    assert {k: alarm[k] for k in ("device_id", "point", "severity", "state")} == {
        "device_id": "LD-01",
        "point": "leak",
        "severity": "alarm",
        "state": "raised",
    }
    # The actor is the caller (here the open local service), never a name from the body.
    acked = client.post(f"/api/v1/alarms/{alarm['id']}/acknowledge", json={"note": "wang"}).json()
    assert acked["state"] == "acknowledged" and acked["acknowledged_by"] == "local-open"
    again = client.post(f"/api/v1/alarms/{alarm['id']}/acknowledge", json={"note": "wang"})
    assert again.status_code == 409 and again.json()["type"] == "/problems/alarm-transition"
    order = client.post(f"/api/v1/alarms/{alarm['id']}/work-order", json={"assignee": "zhao"})
    assert order.status_code == 201
    order_id = order.json()["id"]
    step = client.patch(f"/api/v1/work-orders/{order_id}", json={"status": "in_progress"})
    assert step.json()["status"] == "in_progress"
    bad = client.patch(f"/api/v1/work-orders/{order_id}", json={"status": "open"})
    assert bad.status_code == 409
    cleared = client.post(f"/api/v1/alarms/{alarm['id']}/clear", json={"note": "zhao"}).json()
    assert cleared["state"] == "cleared"
    assert client.get("/api/v1/alarms", params={"state": "open"}).json() == []
    assert len(client.get("/api/v1/work-orders", params={"status": "active"}).json()) == 1
