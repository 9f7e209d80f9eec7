"""Floor plans from the service: formats, colours, storeys, and what they may show."""

from __future__ import annotations

import xml.etree.ElementTree as ET

A = "/api/v1/buildings/A"
SVG = "{http://www.w3.org/2000/svg}"


def _storeys(served) -> list[dict]:
    return served.client.get(f"{A}/storeys", headers=served.as_("viewer")).json()


def test_a_storey_plan_is_an_svg_with_one_element_per_room(served):
    storey = _storeys(served)[0]
    answer = served.client.get(f"{A}/plans/{storey['name']}.svg", headers=served.as_("viewer"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("image/svg+xml")
    rooms = served.client.get(
        f"{A}/spaces", params={"storey": storey["global_id"]}, headers=served.as_("viewer")
    ).json()
    root = ET.fromstring(answer.content)
    ids = {p.get("id") for p in root.iter(f"{SVG}path") if "room" in (p.get("class") or "")}
    assert ids == {room["global_id"] for room in rooms}


def test_compliance_colours_follow_the_stored_allocations(served):
    storeys = _storeys(served)
    report = served.client.get(f"{A}/compliance", headers=served.as_("housing")).json()
    over = {r["global_id"] for r in report["rooms"] if r["status"] == "over"}
    assert over, "the demo allocations put some rooms over the standard"
    found = set()
    for storey in storeys:
        svg = served.client.get(
            f"{A}/plans/{storey['global_id']}.svg",
            params={"colour": "compliance"},
            headers=served.as_("viewer"),
        )
        assert svg.status_code == 200, svg.text
        root = ET.fromstring(svg.content)
        found |= {
            p.get("id")
            for p in root.iter(f"{SVG}path")
            if "room-over" in (p.get("class") or "").split()
        }
    assert found == over


def test_plans_never_carry_occupants_names(served):
    records = served.client.get(f"{A}/allocations", headers=served.as_("housing")).json()
    names = {r["name"] for r in records["allocations"] if r["name"]}
    storey = _storeys(served)[0]
    svg = served.client.get(
        f"{A}/plans/{storey['name']}.svg",
        params={"colour": "occupancy"},
        headers=served.as_("viewer"),
    ).text
    assert names and not any(name in svg for name in names)


def test_png_and_the_pdf_plan_set(served):
    png = served.client.get(
        f"{A}/plans/{_storeys(served)[0]['name']}.png",
        params={"width": 800},
        headers=served.as_("viewer"),
    )
    assert png.headers["content-type"] == "image/png"
    assert int.from_bytes(png.content[16:20], "big") == 800
    pdf = served.client.get(f"{A}/plans/all.pdf", headers=served.as_("viewer"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_an_unknown_storey_is_a_404_problem_naming_the_storeys(served):
    answer = served.client.get(f"{A}/plans/Basement 9.svg", headers=served.as_("viewer"))
    assert answer.status_code == 404
    problem = answer.json()
    assert problem["type"] == "/problems/unknown-storey"
    assert _storeys(served)[0]["name"] in problem["detail"]


def test_every_storey_at_once_is_only_a_pdf(served):
    answer = served.client.get(f"{A}/plans/all.svg", headers=served.as_("viewer"))
    assert answer.status_code == 400
    assert answer.json()["type"] == "/problems/plan-error"


def test_a_system_key_for_building_a_cannot_draw_building_b(served):
    answer = served.client.get("/api/v1/buildings/B/plans/all.pdf", headers=served.as_("system-a"))
    assert answer.status_code == 403


def test_live_colours_show_the_room_of_a_device_in_alarm(served):
    from datetime import UTC, datetime

    devices = served.client.get(
        "/api/v1/devices", params={"building": "A"}, headers=served.as_("viewer")
    ).json()
    fan_coil = next(
        d for d in devices if "fault" in d["points"] or d["device_id"].startswith("FCU")
    )
    answer = served.client.post(
        "/api/v1/readings",
        json={
            "readings": [
                {
                    "device_id": fan_coil["device_id"],
                    "ts": datetime.now(UTC).isoformat(),
                    "values": {"fault": True},
                }
            ]
        },
        headers=served.as_("operator"),
    )
    assert answer.json()["accepted"] == 1, answer.text
    room = served.client.get(
        f"{A}/elements/{fan_coil['global_id']}", headers=served.as_("viewer")
    ).json()["space_id"]
    alarmed = set()
    for storey in _storeys(served):
        svg = served.client.get(
            f"{A}/plans/{storey['global_id']}.svg",
            params={"colour": "live"},
            headers=served.as_("viewer"),
        )
        root = ET.fromstring(svg.content)
        alarmed |= {
            p.get("id")
            for p in root.iter(f"{SVG}path")
            if "room-alarm" in (p.get("class") or "").split()
        }
    assert room in alarmed


def test_the_xlsx_compliance_report_links_each_room_to_its_plan(served):
    import io

    import openpyxl

    xlsx = served.client.get(
        f"{A}/compliance", params={"format": "xlsx"}, headers=served.as_("housing")
    )
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content))["room"]
    header = [c.value for c in ws[1]]
    assert header[-1] == "plan"
    links = {row[-1].hyperlink.target for row in ws.iter_rows(min_row=2)}
    assert links and all("/api/v1/buildings/A/plans/" in link for link in links)
    path = next(iter(links)).split("://", 1)[1].split("/", 1)[1]
    plan = served.client.get(f"/{path}", headers=served.as_("housing"))
    assert plan.status_code == 200 and plan.content.startswith(b"%PDF")
