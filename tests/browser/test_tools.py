"""The viewer's tools in Chromium, one journey each, as a facility manager uses them:
model tree, X-ray, section plane, measuring, properties, the linked 2D plan, heat maps,
viewpoints on work orders, and the viewer in Chinese and English.

Every journey fails on a console error or a 4xx/5xx answer (the ``journey`` fixture).
"""

from __future__ import annotations

import io
import math
from datetime import UTC, datetime, timedelta

import ifcopenshell
import ifcopenshell.util.element
import pytest
from PIL import Image

from tests.browser.conftest import OFFICE_A, open_viewer
from tests.conftest import sample_dir

#: The 3D view's background (scene.js), RGB.
BACKGROUND = (0xEE, 0xF1, 0xF5)
#: Heat-map colours for "sensor without a reading" and "no sensor" (colours.js).
HEAT_NO_DATA = "#8a8f99"
HEAT_NO_SENSOR = "#eceef1"


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _settled(page) -> None:
    """Wait until the camera stopped (standard views and viewpoints fly)."""
    page.wait_for_function("!twinViewer.moving()")
    page.wait_for_timeout(100)


def _isolate_storey(page, api, building: str, index: int = 0) -> dict:
    storey = api.get(f"/buildings/{building}/storeys").json()[index]
    page.click(f'#storeys button[data-storey="{storey["global_id"]}"]')
    return storey


def _offices(api, building: str, storey_id: str) -> list[dict]:
    spaces = [
        s
        for s in api.get(f"/buildings/{building}/spaces").json()
        if s["storey_id"] == storey_id and s["room_type"] == "office"
    ]
    return sorted(spaces, key=lambda s: s["name"])


def _click_room(page, gid: str) -> None:
    point = page.evaluate("gid => twinViewer.projectToScreen(gid)", gid)
    assert point["inView"]
    page.mouse.click(point["x"], point["y"])


def test_isolating_a_room_from_the_tree_shows_only_that_room(journey, twin_server, api):
    page = journey()
    open_viewer(page, twin_server, "demo")
    storey = api.get("/buildings/demo/storeys").json()[0]
    room = _offices(api, "demo", storey["global_id"])[0]
    detail = api.get(f"/buildings/demo/spaces/{room['global_id']}").json()
    page.click(f'#tree li[data-node="storey:{storey["global_id"]}"] > .row .twisty')
    page.click(f'#tree li[data-node="rooms:{storey["global_id"]}"] > .row .twisty')
    row = f'#tree li[data-gid="{room["global_id"]}"] > .row'
    assert page.text_content(f"{row} .label").startswith(room["name"])
    page.click(f"{row} .isolate")
    expected = {room["global_id"], *(e["global_id"] for e in detail["equipment"])}
    assert set(page.evaluate("twinViewer.visibleObjects()")) == expected
    assert page.evaluate("twinViewer.currentStorey") == storey["global_id"]
    page.wait_for_selector('#panel [data-field="number"]')
    assert page.text_content('#panel [data-field="number"]') == room["name"]
    assert page.is_visible('#tree [data-field="hidden-count"]')
    page.click("#tree-show-all")
    assert len(page.evaluate("twinViewer.visibleObjects()")) > len(expected)


def test_xray_ghosts_the_model_and_the_selection_is_still_picked(journey, twin_server, api):
    page = journey()
    open_viewer(page, twin_server, "demo")
    storey = _isolate_storey(page, api, "demo")
    first, second = _offices(api, "demo", storey["global_id"])[:2]
    _click_room(page, first["global_id"])
    assert page.evaluate("twinViewer.selected") == first["global_id"]
    before = _canvas(page)
    page.click("#tool-xray")
    assert page.evaluate("twinViewer.xray")
    page.wait_for_timeout(200)
    after = _canvas(page)
    # Ghosted walls and rooms: the picture is much closer to the background.
    assert _contrast(after) < 0.6 * _contrast(before)
    _click_room(page, second["global_id"])
    assert page.evaluate("twinViewer.selected") == second["global_id"]
    page.wait_for_selector('#panel [data-field="number"]')
    assert page.text_content('#panel [data-field="number"]') == second["name"]
    _click_room(page, first["global_id"])
    assert page.evaluate("twinViewer.selected") == first["global_id"]


def _canvas(page) -> Image.Image:
    return Image.open(io.BytesIO(page.locator("#canvas3d").screenshot())).convert("RGB")


def _ink(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> float:
    """Share of pixels that are not the background (in ``box``, page px of the canvas)."""
    region = image.crop(box) if box else image
    pixels = list(region.getdata())
    far = sum(1 for p in pixels if max(abs(a - b) for a, b in zip(p, BACKGROUND, strict=True)) > 12)
    return far / max(len(pixels), 1)


def _contrast(image: Image.Image) -> float:
    """Mean difference from the background over the canvas (0-255)."""
    pixels = list(image.getdata())
    total = sum(max(abs(a - b) for a, b in zip(p, BACKGROUND, strict=True)) for p in pixels)
    return total / max(len(pixels), 1)


def _extent(api, building: str) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for space in api.get(f"/buildings/{building}/spaces").json():
        detail = api.get(f"/buildings/{building}/spaces/{space['global_id']}").json()
        for ring in detail["footprint"] or []:
            xs += [p[0] for p in ring]
            ys += [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def test_a_section_plane_hides_what_is_beyond_it(journey, twin_server, api):
    page = journey()
    open_viewer(page, twin_server, "demo")
    page.click('#navcube .views [data-view="top"]')
    _settled(page)
    x0, y0, x1, y1 = _extent(api, "demo")
    cut = x0 + 0.4 * (x1 - x0)
    origin = page.locator("#canvas3d").bounding_box()

    def band(xa: float, xb: float) -> tuple[int, int, int, int]:
        """Canvas pixels over model x in [xa, xb] and the building's y range."""
        a = page.evaluate("p => twinViewer.projectModelPoint(p)", [xa, y1, 0])
        b = page.evaluate("p => twinViewer.projectModelPoint(p)", [xb, y0, 0])
        return (
            round(min(a["x"], b["x"]) - origin["x"]),
            round(min(a["y"], b["y"]) - origin["y"]),
            round(max(a["x"], b["x"]) - origin["x"]),
            round(max(a["y"], b["y"]) - origin["y"]),
        )

    beyond = band(x0 + 0.6 * (x1 - x0), x0 + 0.95 * (x1 - x0))
    kept = band(x0 + 0.05 * (x1 - x0), x0 + 0.3 * (x1 - x0))
    before = _canvas(page)
    assert _ink(before, beyond) > 0.5 and _ink(before, kept) > 0.5
    page.click("#tool-section")
    page.select_option("#section-axis", "x")
    page.eval_on_selector(
        "#section-position",
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }",
        cut,
    )
    assert page.text_content('[data-field="section-position"]').startswith(f"{cut:.2f}")
    page.wait_for_timeout(200)
    after = _canvas(page)
    assert _ink(after, beyond) < 0.02, "the model beyond the plane is still drawn"
    assert _ink(after, kept) > 0.5
    # Flipped, the plane keeps the other side.
    page.click("#section-flip")
    page.wait_for_timeout(200)
    flipped = _canvas(page)
    assert _ink(flipped, kept) < 0.02 and _ink(flipped, beyond) > 0.5


def test_measuring_between_two_picked_points_gives_the_models_distance(journey, twin_server, api):
    page = journey()
    open_viewer(page, twin_server, "demo")
    storey = _isolate_storey(page, api, "demo")
    page.click('#navcube .views [data-view="top"]')
    _settled(page)
    rooms = _offices(api, "demo", storey["global_id"])
    corners = []
    for room in (rooms[0], rooms[-1]):
        detail = api.get(f"/buildings/demo/spaces/{room['global_id']}").json()
        ring = detail["footprint"][0][:-1]
        top = detail["floor_z_m"] + detail["height_m"]
        cx = sum(p[0] for p in ring) / len(ring)
        cy = sum(p[1] for p in ring) / len(ring)
        x, y = ring[0]
        # Click a hand's breadth inside the corner; the tool snaps to the corner itself.
        length = math.hypot(cx - x, cy - y)
        inside = [x + (cx - x) * 0.15 / length, y + (cy - y) * 0.15 / length, top]
        corners.append(((x, y, top), inside))
    page.click("#tool-measure")
    for _, inside in corners:
        point = page.evaluate("p => twinViewer.projectModelPoint(p)", inside)
        page.mouse.click(point["x"], point["y"])
    page.wait_for_selector('[data-field="distance"]')
    expected = math.dist(corners[0][0], corners[1][0])
    shown = float(page.text_content('[data-field="distance"]').split()[0].replace(",", ""))
    assert shown == pytest.approx(expected, abs=0.01)
    assert page.evaluate("twinViewer.measuredDistance()") == pytest.approx(expected, abs=0.01)
    # The room-area tool reads the picked room's usable area.
    page.click("#tool-area")
    _click_room(page, rooms[0]["global_id"])
    page.wait_for_selector('[data-field="room-area"]')
    assert f"{rooms[0]['area_m2']:.2f} m²" in page.text_content('[data-field="room-area"]')
    # Measuring never selects.
    assert page.evaluate("twinViewer.selected") is None


def _a_door_of_office_a() -> tuple[str, str, set[str]]:
    model = ifcopenshell.open(str(sample_dir() / OFFICE_A))
    door = next(d for d in model.by_type("IfcDoor") if d.Name and d.Tag)
    sets = set(ifcopenshell.util.element.get_psets(door, psets_only=True))
    return door.GlobalId, door.Tag, sets


def test_the_properties_panel_lists_the_property_sets_of_a_real_door(journey, twin_server):
    global_id, tag, sets = _a_door_of_office_a()
    page = journey()
    open_viewer(page, twin_server, "office-a")
    page.fill("#tree-search", tag)
    page.wait_for_selector(f'#tree li[data-gid="{global_id}"]')
    page.click(f'#tree li[data-gid="{global_id}"] > .row .label')
    page.wait_for_selector("#panel details.pset")
    shown = set(
        page.eval_on_selector_all("#panel details.pset", "ds => ds.map(d => d.dataset.pset)")
    )
    assert shown == sets
    assert "IfcDoor" in page.text_content("#panel")
    page.click('#panel details.pset[data-pset="Pset_DoorCommon"] summary')
    assert "IsExternal" in page.text_content('#panel details.pset[data-pset="Pset_DoorCommon"]')
    assert page.evaluate("twinViewer.selected") == global_id


def test_the_2d_plan_and_the_3d_view_select_each_other(journey, twin_server, api):
    page = journey()
    open_viewer(page, twin_server, "demo")
    storey = _isolate_storey(page, api, "demo")
    first, second = _offices(api, "demo", storey["global_id"])[:2]
    page.click("#plan-btn")
    page.wait_for_selector(f'#plan2d path.room[id="{first["global_id"]}"]')
    rooms = api.get("/buildings/demo/spaces", params={"storey": storey["global_id"]}).json()
    on_plan = set(page.eval_on_selector_all("#plan2d path.room", "ps => ps.map(p => p.id)"))
    assert on_plan == {r["global_id"] for r in rooms}
    # Plan → 3D. The click goes to the room's own shape: an alarm marker an
    # earlier test left on the shared server may sit over the room's centre.
    page.dispatch_event(f'#plan2d path.room[id="{first["global_id"]}"]', "click")
    assert page.evaluate("twinViewer.selected") == first["global_id"]
    page.wait_for_selector('#panel [data-field="number"]')
    assert page.text_content('#panel [data-field="number"]') == first["name"]
    assert "selected" in page.get_attribute(
        f'#plan2d path.room[id="{first["global_id"]}"]', "class"
    )
    # 3D → plan.
    page.click("#fit-btn")
    _click_room(page, second["global_id"])
    assert page.evaluate("twinViewer.selected") == second["global_id"]
    assert "selected" in page.get_attribute(
        f'#plan2d path.room[id="{second["global_id"]}"]', "class"
    )
    assert "selected" not in page.get_attribute(
        f'#plan2d path.room[id="{first["global_id"]}"]', "class"
    )
    # A route between the two rooms is drawn on the plan.
    page.fill("#route-from", first["global_id"])
    page.fill("#route-to", second["global_id"])
    page.click("#route-go")
    page.wait_for_selector("#plan2d polyline.plan-route")
    # Walking the route puts the camera at eye height on the route.
    page.click("#route-walk")
    page.wait_for_function("twinViewer.walking")
    page.wait_for_timeout(300)
    eye = page.evaluate("twinViewer.camera().camera_view_point")
    assert storey["elevation_m"] + 1.0 < eye[2] < storey["elevation_m"] + 2.5
    # An alarm on this storey shows on the plan.
    devices = api.get("/devices", params={"building": "demo"}).json()
    element_storey = {}
    for d in devices:
        if d["device_id"].startswith("FCU") and d["global_id"] and d["status"] != "alarm":
            element = api.get(f"/buildings/demo/elements/{d['global_id']}").json()
            element_storey[d["device_id"]] = (element["storey"], d["global_id"])
    device, (_, gid) = next((k, v) for k, v in element_storey.items() if v[0] == storey["name"])
    reading = {"device_id": device, "ts": _iso(datetime.now(UTC)), "values": {"fault": True}}
    assert api.post("/readings", json={"readings": [reading]}).json()["accepted"] == 1
    page.wait_for_selector(f'#plan2d circle.plan-alarm[data-gid="{gid}"]', timeout=5_000)


def _room_sensor(api) -> tuple[str, str]:
    """A room sensor of the demo building and the room it is in."""
    for device in api.get("/devices", params={"building": "demo"}).json():
        if device["device_id"].startswith("TS") and device["global_id"]:
            element = api.get(f"/buildings/demo/elements/{device['global_id']}").json()
            if element["space_id"]:
                return device["device_id"], element["space_id"]
    raise AssertionError("the demo building has no room sensor")


def test_a_heat_map_colours_rooms_from_readings_and_the_slider_goes_back(journey, twin_server, api):
    sensor, room = _room_sensor(api)
    now = datetime.now(UTC).replace(microsecond=0)
    readings = [
        {"device_id": sensor, "ts": _iso(now - timedelta(minutes=20)), "values": {"temp": 17.0}},
        {"device_id": sensor, "ts": _iso(now - timedelta(minutes=1)), "values": {"temp": 29.0}},
    ]
    answer = api.post("/readings", json={"readings": readings})
    assert answer.json()["accepted"] == 2, answer.text
    page = journey()
    open_viewer(page, twin_server, "demo")
    page.select_option("#colour-mode", "temperature")
    page.wait_for_selector("#timeline #heat-time")
    hot = page.evaluate("gid => twinViewer.colourOf(gid)", room)
    red, _, blue = (int(hot[i : i + 2], 16) for i in (1, 3, 5))
    assert red > blue, f"29 °C should be drawn warm, got {hot}"
    assert "°C" in page.text_content("#legend")
    # Other rooms: a sensor without readings, or no sensor at all, each shown as such.
    colours = set(page.evaluate("twinViewer.roomIds().map(g => twinViewer.colourOf(g))"))
    assert HEAT_NO_DATA in colours and HEAT_NO_SENSOR in colours
    ten_minutes_ago = int((now - timedelta(minutes=10)).timestamp())
    page.eval_on_selector(
        "#heat-time",
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }",
        ten_minutes_ago,
    )
    page.wait_for_function(
        "([gid, hot]) => twinViewer.colourOf(gid) !== hot", arg=[room, hot], timeout=5_000
    )
    cold = page.evaluate("gid => twinViewer.colourOf(gid)", room)
    red, _, blue = (int(cold[i : i + 2], 16) for i in (1, 3, 5))
    assert blue > red, f"17 °C should be drawn cold, got {cold}"
    assert page.text_content('[data-field="heat-at"]') != ""


def _work_order(api) -> str:
    sensor, _ = _room_sensor(api)
    reading = {"device_id": sensor, "ts": _iso(datetime.now(UTC)), "values": {"co2": 1900.0}}
    assert api.post("/readings", json={"readings": [reading]}).json()["accepted"] == 1
    alarm = next(
        a
        for a in api.get("/alarms", params={"building": "demo", "state": "open"}).json()
        if a["device_id"] == sensor
    )
    answer = api.post(f"/alarms/{alarm['id']}/work-order")
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_a_saved_viewpoint_reopens_the_same_camera_and_selection(journey, twin_server, api):
    order = _work_order(api)
    page = journey()
    open_viewer(page, twin_server, "demo")
    storey = _isolate_storey(page, api, "demo", index=1)
    room = _offices(api, "demo", storey["global_id"])[3]
    _click_room(page, room["global_id"])
    page.click('#navcube .views [data-view="front"]')
    _settled(page)
    camera = page.evaluate("twinViewer.camera()")
    page.wait_for_selector(f'#work-orders li[data-order="{order}"]')
    page.click(f'#work-orders li[data-order="{order}"] .save-view')
    page.wait_for_selector(f'#work-orders li[data-order="{order}"] [data-viewpoint]')
    saved = api.get(f"/work-orders/{order}/viewpoints").json()
    assert saved[-1]["selection"] == [room["global_id"]]
    # Someone else opens the work order later, in a fresh browser.
    other = journey()
    open_viewer(other, twin_server, "demo")
    assert other.evaluate("twinViewer.selected") is None
    other.wait_for_selector(f'#work-orders li[data-order="{order}"] [data-viewpoint]')
    other.click(f'#work-orders li[data-order="{order}"] [data-viewpoint] .open-view')
    _settled(other)
    assert other.evaluate("twinViewer.selected") == room["global_id"]
    assert other.evaluate("twinViewer.currentStorey") == storey["global_id"]
    reopened = other.evaluate("twinViewer.camera()")
    for key in ("camera_view_point", "camera_direction", "camera_up_vector"):
        assert reopened[key] == pytest.approx(camera[key], abs=1e-3)
    assert other.text_content('#panel [data-field="number"]') == room["name"]


@pytest.mark.parametrize(
    ("locale", "title", "storeys", "measure"),
    [
        ("zh-CN", "BIM 设施管理数字孪生", "楼层", "距离"),
        ("en-US", "BIM facility twin", "Storeys", "Distance"),
    ],
)
def test_the_viewer_follows_the_browsers_language(
    journey, twin_server, api, locale, title, storeys, measure
):
    page = journey(locale=locale)
    open_viewer(page, twin_server, "demo")
    assert page.title() == title
    assert page.text_content("#storeys h2") == storeys
    assert page.text_content("#tool-measure") == measure
    assert page.evaluate("document.documentElement.lang") == locale.split("-US")[0]
    storey = api.get("/buildings/demo/storeys").json()[0]
    page.click(f'#storeys button[data-storey="{storey["global_id"]}"]')
    room = _offices(api, "demo", storey["global_id"])[0]
    _click_room(page, room["global_id"])
    page.wait_for_selector('#panel [data-field="area"]')
    # Areas in the locale's number format, with two decimals.
    assert page.text_content('#panel [data-field="area"]') == f"{room['area_m2']:,.2f} m²"


def test_the_language_switch_is_remembered(journey, twin_server):
    page = journey(locale="en-US")
    open_viewer(page, twin_server, "demo")
    assert page.text_content("#storeys h2") == "Storeys"
    with page.expect_navigation():
        page.select_option("#lang", "zh-CN")
    open_viewer(page, twin_server, "demo")
    assert page.text_content("#storeys h2") == "楼层"
    assert page.text_content("#route h2") == "路线"
    assert page.get_attribute("#search", "placeholder").startswith("搜索")
    page.reload()
    page.wait_for_function("window.twinViewer && window.twinViewer.ready")
    assert page.text_content("#storeys h2") == "楼层"
