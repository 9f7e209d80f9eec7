"""More of the viewer's tools in Chromium, one journey each: the cut box, "you are
here" on the 2D plan, energy per m² as a heat map, and the service's texts (alarm
reasons) in the user's language.

Every journey fails on a console error or a 4xx/5xx answer (the ``journey`` fixture).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.browser.conftest import open_viewer
from tests.browser.test_tools import (
    HEAT_NO_SENSOR,
    _canvas,
    _extent,
    _ink,
    _iso,
    _isolate_storey,
    _offices,
    _room_sensor,
    _settled,
    _work_order,
)

#: The heat ramp's ends (colours.js): the period's lowest and highest room.
RAMP_LOW, RAMP_HIGH = "#2c7bb6", "#d7191c"


def _set_input(page, selector: str, value: object) -> None:
    page.eval_on_selector(
        selector,
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('change')); }",
        value,
    )


def test_a_cut_box_hides_what_lies_outside_it(journey, twin_server, api):
    page = journey()
    open_viewer(page, twin_server, "demo")
    page.click('#navcube .views [data-view="top"]')
    _settled(page)
    x0, y0, x1, y1 = _extent(api, "demo")
    w, d = x1 - x0, y1 - y0
    origin = page.locator("#canvas3d").bounding_box()

    def region(xa: float, xb: float, ya: float, yb: float) -> tuple[int, int, int, int]:
        """Canvas pixels over the model's plan shares [xa, xb] × [ya, yb]."""
        a = page.evaluate("p => twinViewer.projectModelPoint(p)", [x0 + xa * w, y0 + yb * d, 0])
        b = page.evaluate("p => twinViewer.projectModelPoint(p)", [x0 + xb * w, y0 + ya * d, 0])
        return (
            round(min(a["x"], b["x"]) - origin["x"]),
            round(min(a["y"], b["y"]) - origin["y"]),
            round(max(a["x"], b["x"]) - origin["x"]),
            round(max(a["y"], b["y"]) - origin["y"]),
        )

    east = region(0.6, 0.95, 0.05, 0.95)  # beyond the box's east face
    south_west = region(0.05, 0.3, 0.05, 0.35)  # below its south face
    inside = region(0.05, 0.3, 0.65, 0.95)
    before = _canvas(page)
    assert min(_ink(before, east), _ink(before, south_west), _ink(before, inside)) > 0.5
    page.click("#tool-cutbox")
    box = page.evaluate("twinViewer.cutBox()")
    # It opens around the whole model, cutting nothing.
    assert box["min"][0] < x0 and box["min"][1] < y0 and box["max"][0] > x1 and box["max"][1] > y1
    _set_input(page, '#cutbox-panel input[data-face="x-max"]', round(x0 + 0.4 * w, 2))
    _set_input(page, '#cutbox-panel input[data-face="y-min"]', round(y0 + 0.5 * d, 2))
    box = page.evaluate("twinViewer.cutBox()")
    assert box["max"][0] == round(x0 + 0.4 * w, 2) and box["min"][1] == round(y0 + 0.5 * d, 2)
    page.wait_for_timeout(200)
    cut = _canvas(page)
    assert _ink(cut, east) < 0.02, "the model east of the box is still drawn"
    assert _ink(cut, south_west) < 0.02, "the model south of the box is still drawn"
    assert _ink(cut, inside) > 0.5
    # The top face cuts the upper storeys away: the lower storey shows from above.
    storeys = api.get("/buildings/demo/storeys").json()
    _set_input(page, '#cutbox-panel input[data-face="z-max"]', storeys[1]["elevation_m"] - 0.1)
    page.wait_for_timeout(200)
    assert _ink(_canvas(page), inside) > 0.5
    # Reset puts the box back around the model; Remove takes it away.
    page.click("#cutbox-reset")
    page.wait_for_timeout(200)
    assert _ink(_canvas(page), east) > 0.5
    page.click("#cutbox-off")
    assert page.evaluate("twinViewer.cutBox()") is None
    assert not page.is_visible("#cutbox-panel")


def test_a_viewpoint_keeps_the_cut_box(journey, twin_server, api):
    order = _work_order(api)
    page = journey()
    open_viewer(page, twin_server, "demo")
    x0, _, x1, _ = _extent(api, "demo")
    page.click("#tool-cutbox")
    _set_input(page, '#cutbox-panel input[data-face="x-max"]', round((x0 + x1) / 2, 2))
    box = page.evaluate("twinViewer.cutBox()")
    page.wait_for_selector(f'#work-orders li[data-order="{order}"]')
    page.click(f'#work-orders li[data-order="{order}"] .save-view')
    page.wait_for_selector(f'#work-orders li[data-order="{order}"] [data-viewpoint]')
    saved = api.get(f"/work-orders/{order}/viewpoints").json()[-1]
    assert len(saved["clipping_planes"]) == 6
    other = journey()
    open_viewer(other, twin_server, "demo")
    assert other.evaluate("twinViewer.cutBox()") is None
    other.wait_for_selector(f'#work-orders li[data-order="{order}"] [data-viewpoint]')
    row = f'#work-orders li[data-order="{order}"] [data-viewpoint="{saved["id"]}"]'
    other.click(f"{row} .open-view")
    reopened = other.evaluate("twinViewer.cutBox()")
    assert reopened is not None
    for key in ("min", "max"):
        assert reopened[key] == pytest.approx(box[key], abs=1e-6)
    assert other.is_visible("#cutbox-panel")


def _room_under_here(page) -> str | None:
    """The plan's room under the "you are here" marker (by hit testing the page)."""
    return page.evaluate(
        """() => {
          const mark = document.querySelector('#plan2d .plan-here circle');
          if (!mark) return null;
          const r = mark.getBoundingClientRect();
          const x = r.left + r.width / 2, y = r.top + r.height / 2;
          const room = document.elementsFromPoint(x, y).find(e => e.matches('path.room'));
          return room ? room.id : null;
        }"""
    )


def test_you_are_here_follows_the_walk_on_the_2d_plan(journey, twin_server, api):
    page = journey()
    open_viewer(page, twin_server, "demo")
    storey = _isolate_storey(page, api, "demo")
    rooms = _offices(api, "demo", storey["global_id"])
    first, last = rooms[0], rooms[-1]
    page.click("#plan-btn")
    page.wait_for_selector(f'#plan2d path.room[id="{first["global_id"]}"]')
    assert page.query_selector("#plan2d .plan-here") is None
    # "Route from here" on a room puts the user in that room.
    page.click(f'#plan2d path.room[id="{first["global_id"]}"]')
    page.click(f'#panel [data-route-from="{first["global_id"]}"]')
    page.wait_for_selector("#plan2d .plan-here")
    assert _room_under_here(page) == first["global_id"]
    page.click(f'#plan2d path.room[id="{last["global_id"]}"]')
    assert page.evaluate("twinViewer.selected") == last["global_id"]
    page.fill("#route-to", last["global_id"])
    page.click("#route-go")
    page.wait_for_selector("#plan2d polyline.plan-route")
    # Before walking, the user is at the route's start: the first room.
    page.wait_for_selector("#plan2d .plan-here")
    assert _room_under_here(page) == first["global_id"]
    assert page.text_content("#plan2d .plan-here text") == "You are here"
    start = page.eval_on_selector("#plan2d .plan-here", "g => [g.dataset.x, g.dataset.y]")
    page.click("#route-walk")
    page.wait_for_function("twinViewer.walking")
    page.wait_for_function(
        "s => { const g = document.querySelector('#plan2d .plan-here');"
        " return g && (g.dataset.x !== s[0] || g.dataset.y !== s[1]); }",
        arg=start,
    )
    page.wait_for_function("!twinViewer.walking", timeout=60_000)
    # The walk ends in the last room, and so does the marker.
    assert _room_under_here(page) == last["global_id"]
    here = page.evaluate("twinViewer.here")
    eye = page.evaluate("twinViewer.camera().camera_view_point")
    assert abs(eye[0] - here[0]) < 0.5 and abs(eye[1] - here[1]) < 0.5


def _storey_meters(api) -> list[str]:
    devices = api.get("/devices", params={"building": "demo"}).json()
    meters = sorted(d["device_id"] for d in devices if d["device_id"].startswith("EM-"))
    assert len(meters) >= 2, meters
    return meters[:2]


def test_energy_per_m2_colours_rooms_by_the_chosen_period(journey, twin_server, api):
    one, two = _storey_meters(api)
    day_a = (datetime.now(UTC) - timedelta(days=3)).replace(hour=0, minute=0, second=0)
    day_b = day_a + timedelta(days=1)
    readings = []
    # Day A: meter one draws 10 kWh, meter two 40; day B the other way round.
    for device, base, a, b in ((one, 100.0, 10.0, 40.0), (two, 500.0, 40.0, 10.0)):
        for at, value in (
            (day_a + timedelta(minutes=30), base),
            (day_a + timedelta(hours=12), base + a),
            (day_b + timedelta(minutes=30), base + a),
            (day_b + timedelta(hours=12), base + a + b),
        ):
            readings.append({"device_id": device, "ts": _iso(at), "values": {"energy": value}})
    answer = api.post("/readings", json={"readings": readings})
    assert answer.json()["accepted"] == len(readings), answer.text
    page = journey()
    open_viewer(page, twin_server, "demo")
    page.select_option("#colour-mode", "energy")
    page.wait_for_selector("#energy-period")
    assert "kWh/m²" in page.text_content("#legend")

    def show_day(day: datetime) -> dict:
        """Pick the local day in the viewer; the endpoint's answer for the same window."""
        iso = day.date().isoformat()
        _set_input(page, "#energy-from", iso)
        page.wait_for_function("d => document.querySelector('#energy-from').value === d", arg=iso)
        _set_input(page, "#energy-to", iso)
        start, end = page.evaluate(
            """d => { const [y, m, n] = d.split('-').map(Number);
                 return [new Date(y, m - 1, n), new Date(y, m - 1, n + 1)]
                   .map(t => t.toISOString()); }""",
            iso,
        )
        window = {"from": start, "to": end}
        expected = api.get("/buildings/demo/energy/intensity", params=window).json()
        page.wait_for_function(
            "w => document.querySelector('#timeline').dataset.window === w",
            arg=f"{expected['from']}/{expected['to']}",
        )
        return expected

    def colours() -> dict[str, str]:
        return page.evaluate(
            "Object.fromEntries(twinViewer.roomIds().map(g => [g, twinViewer.colourOf(g)]))"
        )

    a = show_day(day_a)
    in_a = colours()
    # Colours follow the endpoint: its lowest room at the cold end, its highest at the hot end.
    values = {r["global_id"]: r["per_m2"] for r in a["rooms"] if r["per_m2"] is not None}
    assert max(values.values()) > min(values.values())
    coldest = min(values, key=values.__getitem__)
    hottest = max(values, key=values.__getitem__)
    assert in_a[coldest] == RAMP_LOW and in_a[hottest] == RAMP_HIGH
    assert all(in_a[g] == HEAT_NO_SENSOR for g in in_a if g not in values)
    b = show_day(day_b)
    in_b = colours()
    # The rooms that drew most on day A draw a quarter of that on day B: drawn cold now.
    on_b = {r["global_id"]: r["per_m2"] for r in b["rooms"]}
    assert on_b[hottest] < values[hottest]
    red, _, blue = (int(in_b[hottest][i : i + 2], 16) for i in (1, 3, 5))
    assert in_b[hottest] != RAMP_HIGH and blue > red, in_b[hottest]
    hottest_b = max(on_b, key=lambda g: on_b[g] or 0)
    assert in_b[hottest_b] == RAMP_HIGH and in_a[hottest_b] != RAMP_HIGH
    summary = page.text_content('[data-field="energy-summary"]')
    assert "not metered" in summary


def test_an_alarm_raised_by_a_reading_gives_its_reason_in_chinese(journey, twin_server, api):
    sensor, _ = _room_sensor(api)
    reading = {"device_id": sensor, "ts": _iso(datetime.now(UTC)), "values": {"temp": 33.5}}
    assert api.post("/readings", json={"readings": [reading]}).json()["accepted"] == 1
    alarm = next(
        a
        for a in api.get("/alarms", params={"building": "demo", "state": "open"}).json()
        if a["device_id"] == sensor and a["point"] == "temp"
    )
    # The service sends a stable code and its parameters beside the English text.
    assert alarm["reason_code"] == "above"
    assert alarm["reason_params"]["point"] == "temp"
    assert alarm["reason"] == (
        f"temp {alarm['reason_params']['value']:g} degC above {alarm['reason_params']['limit']:g}"
    )
    value, limit = alarm["reason_params"]["value"], alarm["reason_params"]["limit"]
    # A work order made from the alarm is titled with its reason, and says so.
    order = api.post(f"/alarms/{alarm['id']}/work-order").json()
    assert order["title"] == f"{sensor}: {alarm['reason']}"
    assert order["reason_code"] == "above" and order["reason_params"] == alarm["reason_params"]
    shown, titles = {}, {}
    for locale in ("zh-CN", "en-US"):
        page = journey(locale=locale)
        open_viewer(page, twin_server, "demo")
        selector = f'#alarms li[data-alarm="{alarm["id"]}"] [data-field="reason"]'
        page.wait_for_selector(selector)
        shown[locale] = page.text_content(selector)
        title = f'#work-orders li[data-order="{order["id"]}"] [data-field="title"]'
        page.wait_for_selector(title)
        titles[locale] = page.text_content(title)
    assert shown["zh-CN"].startswith(f"温度 {value:g} °C，高于上限 {limit:g}")
    assert shown["en-US"].startswith(f"temperature {value:g} °C above {limit:g}")
    assert titles["zh-CN"] == f"{sensor}: 温度 {value:g} °C，高于上限 {limit:g}"


#: The demo building's time zone (its working calendar's): anomalies are of local days.
LOCAL = timezone(timedelta(hours=8))


def test_an_energy_anomaly_alarm_gives_its_reason_in_chinese_and_english(journey, twin_server, api):
    meters = sorted(
        d["device_id"]
        for d in api.get("/devices", params={"building": "demo"}).json()
        if d["device_id"].startswith("EM-")
    )
    meter = meters[-1]  # not one the energy heat map journey posts to
    day = (datetime.now(LOCAL) - timedelta(days=20)).date()
    start = datetime.combine(day - timedelta(days=8), datetime.min.time(), LOCAL)
    # A week of 1 kWh an hour, then a night of 5 kWh an hour: lights left on.
    readings, total = [], 1000.0
    for hour in range(9 * 24 + 1):
        at = start + timedelta(hours=hour)
        night = at.date() == day and not 7 <= at.hour < 19
        total += 5.0 if night else 1.0
        readings.append({"device_id": meter, "ts": _iso(at), "values": {"energy": total}})
    answer = api.post("/readings", json={"readings": readings})
    assert answer.json()["accepted"] == len(readings), answer.text
    raised = api.post(
        "/buildings/demo/energy/anomalies/raise", params={"day": day.isoformat()}
    ).json()
    assert [(a["kind"], a["device_id"]) for a in raised] == [("night", meter)]
    alarm = next(
        a
        for a in api.get("/alarms", params={"building": "demo", "state": "open"}).json()
        if a["device_id"] == meter and a["point"] == "energy:night"
    )
    # The service codes the reason: the client writes it in its user's language.
    assert alarm["reason_code"] == "night"
    params = alarm["reason_params"]
    assert params["day"] == day.isoformat() and params["medium"] == "electricity"
    assert params["value"] > 2 * params["baseline"] and params["rooms"]
    shown = {}
    for locale in ("zh-CN", "en-US"):
        page = journey(locale=locale)
        open_viewer(page, twin_server, "demo")
        selector = f'#alarms li[data-alarm="{alarm["id"]}"] [data-field="reason"]'
        page.wait_for_selector(selector)
        shown[locale] = page.text_content(selector)
        condition = page.text_content(f'#alarms li[data-alarm="{alarm["id"]}"] .alarm-select')
        assert ("非工作时间用能" if locale == "zh-CN" else "use outside working hours") in condition
    zh, en = shown["zh-CN"], shown["en-US"]
    assert "非工作时间用电" in zh and "倍；房间：" in zh and params["rooms"][0] in zh
    assert f"{params['value']:.2f} kWh/小时" in zh
    assert "outside" not in zh and "rooms" not in zh
    assert en.startswith("electricity outside working hours on ")
    assert f"{params['value']:.2f} kWh/h" in en and "× the usual" in en
    assert params["rooms"][0] in en
    if params["more_rooms"]:
        assert f"另有 {params['more_rooms']} 个" in zh and f"and {params['more_rooms']} more" in en


def test_the_device_panel_gives_the_status_reason_in_the_users_language(journey, twin_server, api):
    sensor = [
        d
        for d in api.get("/devices", params={"building": "demo"}).json()
        if d["device_id"].startswith("TS") and d["global_id"]
    ][-1]
    reading = {
        "device_id": sensor["device_id"],
        "ts": _iso(datetime.now(UTC)),
        "values": {"temp": 34.5},
    }
    assert api.post("/readings", json={"readings": [reading]}).json()["accepted"] == 1
    device = api.get(f"/devices/{sensor['device_id']}").json()
    assert device["reason_code"] == "above" and device["reason_params"]["value"] == 34.5
    limit = device["reason_params"]["limit"]
    shown = {}
    for locale in ("zh-CN", "en-US"):
        page = journey(locale=locale)
        open_viewer(page, twin_server, "demo")
        page.click(f'#alarms li[data-device="{sensor["device_id"]}"] .alarm-select')
        page.wait_for_selector('#panel [data-field="device-reason"]')
        shown[locale] = page.text_content('#panel [data-field="device-reason"]')
    assert shown["zh-CN"] == f"温度 34.5 °C，高于上限 {limit:g}"
    assert shown["en-US"] == f"temperature 34.5 °C above {limit:g}"


def test_a_problem_is_titled_in_chinese_with_the_english_detail_only_below(
    journey, twin_server, api
):
    shown = {}
    for locale in ("zh-CN", "en-US"):
        page = journey(locale=locale, expected=[(404, "/route")])
        open_viewer(page, twin_server, "demo")
        page.fill("#route-from", "no-such-room-anywhere")
        page.fill("#route-to", "outside")
        page.click("#route-go")
        page.wait_for_selector('#route-result [data-field="problem"]')
        shown[locale] = page.evaluate(
            """() => { const p = document.querySelector('#route-result [data-field="problem"]');
                 const detail = p.querySelector('.problem-detail');
                 return {main: p.firstChild.textContent, detail: detail && detail.textContent}; }"""
        )
    detail = api.get(
        "/buildings/demo/route", params={"from": "no-such-room-anywhere", "to": "outside"}
    ).json()["detail"]
    assert shown["zh-CN"] == {"main": "无法规划路线：未知地点", "detail": detail}
    assert shown["en-US"] == {"main": f"No route: Unknown place: {detail}", "detail": None}
