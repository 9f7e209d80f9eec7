"""The energy API on the served demo building A (2 storeys, one meter per storey in
its IT room, bound by the template): readings posted through the live path, then
consumption by storey and room, intensity, the series, quotas, anomalies and the
XLSX report, with roles and problem details."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from tests.api.conftest import Served

HOUR = 3600


@pytest.fixture(scope="module")
def window(served: Served) -> tuple[datetime, datetime]:
    """Two whole hours that ended at least an hour ago, with a reading every 10 minutes
    from both storey meters: EM-01 +1 kWh and EM-02 +2 kWh a reading."""
    start = datetime.fromtimestamp((int(time.time()) // HOUR - 3) * HOUR, UTC)
    readings = []
    for step in range(-1, 12):
        ts = (start + timedelta(minutes=10 * (step + 1))).isoformat()
        readings.append({"device_id": "EM-01", "ts": ts, "values": {"energy": 50.0 + step}})
        readings.append({"device_id": "EM-02", "ts": ts, "values": {"energy": 70.0 + 2 * step}})
    answer = served.client.post(
        "/api/v1/readings", json={"readings": readings}, headers=served.as_("operator")
    )
    assert answer.status_code == 200 and answer.json()["accepted"] == len(readings), answer.text
    return start, start + timedelta(hours=2)


def params(window, **extra):  # type: ignore[no-untyped-def]
    start, end = window
    return {"from": start.isoformat(), "to": end.isoformat(), **extra}


def test_consumption_by_storey_follows_the_contract(served, window):
    answer = served.client.get(
        "/api/v1/buildings/A/energy",
        params=params(window, by="storey"),
        headers=served.as_("viewer"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert {"by", "from", "to", "medium", "unit", "rows", "total", "unmetered"} <= set(body)
    assert body["by"] == "storey" and body["medium"] == "electricity" and body["unit"] == "kWh"
    # The reading at `start` is each meter's first (it opens a step, counts nothing);
    # 11 steps close in [start, end), the 12th at `end`, outside.
    assert body["total"] == pytest.approx(11 * 1.0 + 11 * 2.0)
    rows = {r["key"]: r for r in body["rows"]}
    assert len(rows) == 2
    for row in body["rows"]:
        assert {"key", "consumption", "per_m2", "per_person", "working_hours",
                "non_working_hours"} <= set(row)  # fmt: skip
        assert row["per_m2"] == pytest.approx(row["consumption"] / row["area_m2"], abs=1e-6)
    assert sum(r["consumption"] for r in body["rows"]) == pytest.approx(body["total"])
    assert body["unmetered"] == 0.0


def test_rooms_intensity_and_series(served, window):
    viewer = served.as_("viewer")
    rooms = served.client.get(
        "/api/v1/buildings/A/energy", params=params(window, by="room"), headers=viewer
    ).json()
    intensity = served.client.get(
        "/api/v1/buildings/A/energy/intensity", params=params(window), headers=viewer
    ).json()
    by_room = {r["key"]: r for r in rooms["rows"]}
    assert {r["global_id"] for r in intensity["rooms"]} == set(by_room)
    for room in intensity["rooms"]:
        assert room["per_m2"] == by_room[room["global_id"]]["per_m2"]
    assert intensity["min"] <= intensity["max"]
    series = served.client.get(
        "/api/v1/buildings/A/energy/series", params=params(window, period="hour"), headers=viewer
    ).json()
    assert [p["consumption"] for p in series["points"]] == pytest.approx([5 * 3.0, 6 * 3.0])


def test_report_quotas_and_anomalies(served, window):
    viewer = served.as_("viewer")
    month = window[0].astimezone(UTC).strftime("%Y-%m")
    answer = served.client.get(
        "/api/v1/buildings/A/energy/report.xlsx", params={"month": month}, headers=viewer
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(answer.content))
    assert "单位 Organisations" in book.sheetnames
    quotas = served.client.get("/api/v1/buildings/A/energy/quotas", headers=viewer).json()
    assert {o["organisation"] for o in quotas["organisations"]} >= {"示例市机关事务管理局（演示）"}
    day = window[0].date().isoformat()
    anomalies = served.client.get(
        "/api/v1/buildings/A/energy/anomalies", params={"day": day}, headers=viewer
    )
    assert anomalies.status_code == 200 and anomalies.json() == []  # no baseline yet


def test_roles_and_problems(served, window):
    housing = served.client.get(
        "/api/v1/buildings/A/energy", params=params(window), headers=served.as_("housing")
    )
    assert housing.status_code == 403
    raising = served.client.post(
        "/api/v1/buildings/A/energy/anomalies/raise", params={"day": "2026-01-01"},
        headers=served.as_("viewer"),
    )  # fmt: skip
    assert raising.status_code == 403
    bad = served.client.get(
        "/api/v1/buildings/A/energy",
        params=params(window, by="floor"),
        headers=served.as_("viewer"),
    )
    assert bad.status_code == 400 and bad.json()["type"].endswith("bad-energy-query")
    start, end = window
    half = {"from": (start + timedelta(minutes=30)).isoformat(), "to": end.isoformat()}
    assert (
        served.client.get(
            "/api/v1/buildings/A/energy", params=half, headers=served.as_("viewer")
        ).status_code
        == 400
    )
    unknown = served.client.get(
        "/api/v1/buildings/NOPE/energy", params=params(window), headers=served.as_("admin")
    )
    assert unknown.status_code == 404
    month = served.client.get(
        "/api/v1/buildings/A/energy/report.xlsx", params={"month": "2026-13"},
        headers=served.as_("viewer"),
    )  # fmt: skip
    assert month.status_code in (400, 422)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("energy", {"from": "0001-01-01T00:00+08:00", "to": "0001-02-01T00:00+08:00"}),
        ("energy", {"from": "2000-01-01T00:00+08:00", "to": "2030-01-01T00:00+08:00"}),
        ("energy", {"from": "2026-01-01T00:00", "to": "2026-02-01T00:00"}),
        ("energy/anomalies", {"day": "0001-01-01"}),
        ("energy/quotas", {"as_of": "0001-01-01T00:00+08:00"}),
        ("energy/report.xlsx", {"month": "0001-01"}),
    ],
)
def test_out_of_range_input_is_a_problem_not_a_crash(served, path, query):
    answer = served.client.get(
        f"/api/v1/buildings/A/{path}", params=query, headers=served.as_("viewer")
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["type"].endswith("bad-energy-query")
