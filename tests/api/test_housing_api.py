"""Allocations (import, export, history), compliance and usage."""

from __future__ import annotations

import csv
import io

A = "/api/v1/buildings/A"


def test_a_dry_run_changes_nothing_and_bad_rows_are_listed(served):
    headers = served.as_("housing")
    good = served.client.get(f"{A}/allocations", params={"format": "csv"}, headers=headers)
    assert good.headers["content-type"].startswith("text/csv")
    dry = served.client.post(
        f"{A}/allocations",
        files={"file": ("a.csv", good.content, "text/csv")},
        data={"dry_run": "true"},
        headers=headers,
    ).json()
    assert dry["dry_run"] is True and dry["created"] == [] and dry["unchanged"] > 0
    rows = list(csv.DictReader(io.StringIO(good.content.decode("utf-8-sig"))))
    rows[0]["room"] = rows[0]["room_global_id"] = "NO-SUCH-ROOM"
    rows[1]["valid_from"] = "yesterday"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    bad = served.client.post(
        f"{A}/allocations",
        files={"file": ("a.csv", buffer.getvalue().encode(), "text/csv")},
        headers=headers,
    )
    assert bad.status_code == 422
    problem = bad.json()
    assert problem["type"] == "/problems/allocation-rows"
    assert {e["row"] for e in problem["errors"]} >= {2, 3}


def test_history_and_xlsx_export(served):
    headers = served.as_("housing")
    records = served.client.get(f"{A}/allocations", headers=headers).json()["allocations"]
    person = records[0]["person_id"]
    history = served.client.get(
        f"{A}/allocations/history", params={"person_id": person}, headers=headers
    ).json()
    assert history and {h["person_id"] for h in history} == {person}
    xlsx = served.client.get(f"{A}/allocations", params={"format": "xlsx"}, headers=headers)
    assert xlsx.content[:2] == b"PK"


def test_compliance_with_names_for_housing(served):
    report = served.client.get(f"{A}/compliance", headers=served.as_("housing")).json()
    assert report["summary"]["rooms_checked"] > 0 and report["persons"]
    assert report["persons"][0]["name"]


def test_usage_by_department_counts_people_not_names(served):
    usage = served.client.get(
        f"{A}/usage", params={"by": "department"}, headers=served.as_("viewer")
    ).json()
    assert usage["groups"] and usage["total"]["occupants"] > 0
    bad = served.client.get(f"{A}/usage", params={"by": "colour"}, headers=served.as_("viewer"))
    assert bad.status_code == 422 and "by" in bad.json()["detail"]
