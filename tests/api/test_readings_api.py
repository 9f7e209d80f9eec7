"""``POST /readings`` with hostile items and bodies, and rejection counts per building."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from twin.devices.ingestion import MAX_BATCH_READINGS

JSON = {"content-type": "application/json"}


def now_iso(offset_s: float = 0.0) -> str:
    return datetime.fromtimestamp(datetime.now(UTC).timestamp() + offset_s, UTC).isoformat()


@pytest.fixture(scope="module")
def device(served) -> str:  # type: ignore[no-untyped-def]
    """A device of building A with a numeric ``temp`` point."""
    devices = served.client.get(
        "/api/v1/devices", params={"building": "A"}, headers=served.as_("operator")
    ).json()
    return next(d["device_id"] for d in devices if d["device_id"].startswith("TS"))


def test_hostile_items_are_rejected_by_index_and_the_good_ones_stored(served, device):
    good = f'{{"device_id": "{device}", "ts": "{now_iso(-30)}", "values": {{"temp": 22.5}}}}'
    huge = "9" * 400
    body = (
        '{"readings": ['
        f'{{"device_id": ["{device}"], "ts": "{now_iso(-40)}", "values": {{"temp": 20}}}},'
        f'{{"device_id": {{"a": 1}}, "ts": "{now_iso(-40)}", "values": {{"temp": 20}}}},'
        f'{{"device_id": {huge}, "ts": "{now_iso(-40)}", "values": {{"temp": 20}}}},'
        f'{{"device_id": "{device}", "ts": "{now_iso(-40)}", "values": {{"temp": {huge}}}}},'
        f'{{"device_id": "{device}", "ts": "{now_iso(-40)}", "values": {{"temp": NaN}}}},'
        f"{good}]}}"
    )
    headers = {**served.as_("operator"), **JSON}
    answer = served.client.post("/api/v1/readings", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["accepted"] == 1
    assert [(e["index"], e["reason"]) for e in data["errors"]] == [
        (0, "malformed"),
        (1, "malformed"),
        (2, "malformed"),
        (3, "out_of_range"),
        (4, "out_of_range"),
    ]
    history = served.client.get(
        f"/api/v1/devices/{device}/history", params={"point": "temp"}, headers=headers
    ).json()
    assert [h["value"] for h in history][-1] == 22.5
    state = served.client.get(f"/api/v1/devices/{device}", headers=headers).json()
    assert state["points"]["temp"]["value"] == 22.5


def test_json_nested_100k_deep_is_a_422_problem(served):
    headers = {**served.as_("operator"), **JSON}
    before = served.client.get("/api/v1/readings/rejections", headers=headers).json()
    body = b'{"readings": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    answer = served.client.post("/api/v1/readings", content=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "/problems/payload-too-deep"
    after = served.client.get("/api/v1/readings/rejections", headers=headers).json()
    assert after["rejected"]["malformed"] == before["rejected"]["malformed"] + 1


def test_a_batch_over_the_documented_limit_is_a_413_and_applies_nothing(served, device):
    headers = served.as_("operator")
    item = {"device_id": device, "ts": now_iso(-1), "values": {"temp": 31.0}}
    answer = served.client.post(
        "/api/v1/readings", json={"readings": [item] * (MAX_BATCH_READINGS + 1)}, headers=headers
    )
    assert answer.status_code == 413, answer.text
    assert answer.json()["type"] == "/problems/batch-too-long"
    state = served.client.get(f"/api/v1/devices/{device}", headers=headers).json()
    assert state["points"]["temp"]["value"] != 31.0
    post = served.client.get("/openapi.json").json()["paths"]["/api/v1/readings"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["readings"]["maxItems"] == MAX_BATCH_READINGS  # documented


def test_rejection_counts_are_scoped_to_the_callers_buildings(served, device):
    made = served.client.post(
        "/api/v1/keys",
        json={"name": "viewer-b", "role": "viewer", "buildings": ["B"]},
        headers=served.as_("admin"),
    )
    assert made.status_code == 201, made.text
    viewer_b = {"Authorization": f"Bearer {made.json()['token']}"}
    served.client.post(
        "/api/v1/readings",
        json={"readings": [{"device_id": device, "ts": now_iso(-1), "values": {"nope": 1}}]},
        headers=served.as_("system-a"),
    )
    own = served.client.get("/api/v1/readings/rejections", headers=served.as_("system-a")).json()
    assert own["rejected"]["unknown_point"] >= 1
    assert set(own["by_building"]) == {"A"}
    other = served.client.get("/api/v1/readings/rejections", headers=viewer_b).json()
    assert sum(other["rejected"].values()) == 0 and other["accepted"] == 0
    assert other["by_building"] == {}
    everyone = served.client.get("/api/v1/readings/rejections", headers=served.as_("viewer"))
    assert everyone.json()["rejected"]["unknown_point"] >= own["rejected"]["unknown_point"]
    refused = served.client.get(
        "/api/v1/readings/rejections", params={"building": "A"}, headers=viewer_b
    )
    assert refused.status_code == 403
