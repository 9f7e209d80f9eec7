"""The viewer in Chromium against the real service: load, storeys, picking, live alarms, routes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.browser.conftest import open_viewer

BUILDINGS = ["demo", "office-a"]
ALARM_COLOUR = "#e0262b"
#: Rooms whose detail is checked before picking one without equipment inside.
ROOM_CANDIDATES = 12
#: Long, bent rooms: the centre of their bounding box may lie in another room.
CIRCULATION = ("corridor", "circulation", "hall", "lobby", "stair", "lift")


@pytest.mark.parametrize("building", BUILDINGS)
def test_model_loads_with_a_node_per_room(page, twin_server, api, building):
    state = open_viewer(page, twin_server, building)
    spaces = api.get(f"/buildings/{building}/spaces").json()
    assert state["rooms"] == len(spaces)
    room_ids = set(page.evaluate("twinViewer.roomIds()"))
    assert room_ids == {s["global_id"] for s in spaces}
    print(f"{building}: first render {state['firstRenderMs']:.0f} ms after navigation start")


@pytest.mark.parametrize("building", BUILDINGS)
def test_choosing_a_storey_hides_the_others(page, twin_server, api, building):
    open_viewer(page, twin_server, building)
    storeys = api.get(f"/buildings/{building}/storeys").json()
    target = storeys[-1]["global_id"]
    page.click(f'#storeys button[data-storey="{target}"]')
    assert page.evaluate("twinViewer.visibleStoreys") == [target]
    page.click('#storeys button[data-storey=""]')
    assert set(page.evaluate("twinViewer.visibleStoreys")) >= {s["global_id"] for s in storeys}


def test_an_isolated_storey_opens_its_floor_plan(page, twin_server, api, browser_artifacts):
    open_viewer(page, twin_server, "demo")
    storey = api.get("/buildings/demo/storeys").json()[0]
    page.click(f'#storeys button[data-storey="{storey["global_id"]}"]')
    with page.expect_popup() as opened:
        page.click("#storeys button.floor-plan")
    plan = opened.value
    # The tab opens blank, then goes to the plan once it is fetched with the key.
    plan.wait_for_url("blob:**")
    plan.wait_for_load_state()
    rooms = api.get("/buildings/demo/spaces", params={"storey": storey["global_id"]}).json()
    ids = set(plan.eval_on_selector_all("path.room", "paths => paths.map(p => p.id)"))
    assert ids == {room["global_id"] for room in rooms}
    plan.screenshot(path=str(browser_artifacts / "floor_plan_from_the_viewer.png"))


def _room_without_equipment(api, building: str, storey_id: str) -> dict:
    spaces = [
        s
        for s in api.get(f"/buildings/{building}/spaces").json()
        if s["storey_id"] == storey_id
        and not any(word in (s["room_type"] or "").lower() for word in CIRCULATION)
    ]
    spaces.sort(key=lambda s: -s["area_m2"])
    for space in spaces[:ROOM_CANDIDATES]:
        if not api.get(f"/buildings/{building}/spaces/{space['global_id']}").json()["equipment"]:
            return space
    return spaces[0]


@pytest.mark.parametrize("building", BUILDINGS)
def test_clicking_a_room_shows_its_number_and_area(page, twin_server, api, building):
    open_viewer(page, twin_server, building)
    storeys = api.get(f"/buildings/{building}/storeys").json()
    storey = max(storeys, key=lambda s: s["spaces"])
    page.click(f'#storeys button[data-storey="{storey["global_id"]}"]')
    room = _room_without_equipment(api, building, storey["global_id"])
    point = page.evaluate("gid => twinViewer.projectToScreen(gid)", room["global_id"])
    assert point["inView"]
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector('#panel [data-field="number"]')
    assert page.text_content('#panel [data-field="number"]') == room["name"]
    assert page.text_content('#panel [data-field="area"]') == f"{room['area_m2']:.2f} m²"
    assert page.evaluate("twinViewer.selected") == room["global_id"]


def test_an_alarm_reading_recolours_the_device_and_lists_the_alarm(page, twin_server, api):
    open_viewer(page, twin_server, "demo")
    page.wait_for_function("twinViewer.live", timeout=10_000)
    devices = api.get("/devices", params={"building": "demo"}).json()
    # Fan coils (FCU-*) carry a boolean ``fault`` point that raises an alarm when true.
    device = next(
        d
        for d in devices
        if d["device_id"].startswith("FCU") and d["global_id"] and d["status"] != "alarm"
    )
    assert page.evaluate("gid => twinViewer.colourOf(gid)", device["global_id"]) != ALARM_COLOUR
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    reading = {"device_id": device["device_id"], "ts": now, "values": {"fault": True}}
    answer = api.post("/readings", json={"readings": [reading]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 1
    page.wait_for_function(
        "([gid, colour]) => twinViewer.colourOf(gid) === colour",
        arg=[device["global_id"], ALARM_COLOUR],
        timeout=2_000,
    )
    page.wait_for_selector(f'#alarms li[data-device="{device["device_id"]}"]', timeout=2_000)
    page.click(f'#alarms li[data-device="{device["device_id"]}"] .alarm-select')
    assert page.evaluate("twinViewer.selected") == device["global_id"]


def test_a_route_is_drawn_with_the_api_length(page, twin_server, api):
    open_viewer(page, twin_server, "demo")
    spaces = api.get("/buildings/demo/spaces").json()
    offices = [s for s in spaces if s["room_type"] == "office"] or spaces
    start, target = offices[0], offices[-1]
    expected = api.get(
        "/buildings/demo/route", params={"from": start["global_id"], "to": target["global_id"]}
    ).json()
    page.fill("#route-from", start["global_id"])
    page.fill("#route-to", target["global_id"])
    page.click("#route-go")
    page.wait_for_selector('#route-result [data-field="route-length"]')
    assert page.text_content('#route-result [data-field="route-length"]') == (
        f"{expected['length_m']:.1f} m"
    )
    assert page.evaluate("twinViewer.routeLength") == pytest.approx(expected["length_m"])
    assert page.evaluate("twinViewer.routeSegments()") == 1
