"""Meeting rooms in the viewer (会议一件事), as staff use them on the demo building:
the meeting-room colour mode over this week's demo bookings, picking a room in 3D,
finding a free room, booking it, a clash and an over-capacity attempt, the
visitors' route and cancelling.

Every journey fails on a console error or a 4xx/5xx answer other than the ones
it provokes on purpose (the ``journey`` fixture's ``expected``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import open_viewer
from tests.browser.test_tools import _click_room

#: The service's default meeting time zone (``TWIN_MEETING_TIMEZONE``).
ZONE = ZoneInfo("Asia/Shanghai")
#: Colours of the meeting-room mode (meetings.js).
FREE = "#3aa35a"
BOOKED = "#e8590c"
IN_USE = "#7048e8"
HOLDING = ("pending", "booked")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _iso_ms(moment: datetime) -> str:
    """As JavaScript's ``toISOString`` writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _this_week() -> tuple[datetime, datetime]:
    today = datetime.now(ZONE).date()
    monday = datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time(), ZONE)
    return monday, monday + timedelta(days=7)


def _meeting_mode(page) -> None:
    page.select_option("#colour-mode", "meetings")
    page.wait_for_function("twinViewer.meetingLoads() >= 1")
    assert page.is_visible("#meetings")


def _set_times(page, start: datetime, end: datetime) -> None:
    """Type a time window into the panel as the browser's local time, and wait until
    the colours follow it."""
    day, frm, to = page.evaluate(
        """([a, b]) => {
          const pad = (n) => String(n).padStart(2, '0');
          const s = new Date(a), e = new Date(b);
          const clock = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
          return [`${s.getFullYear()}-${pad(s.getMonth() + 1)}-${pad(s.getDate())}`,
                  clock(s), clock(e)];
        }""",
        [_iso(start), _iso(end)],
    )
    page.fill("#meet-date", day)
    page.fill("#meet-from", frm)
    page.fill("#meet-to", to)
    wanted = [_iso_ms(start), _iso_ms(end)]
    page.wait_for_function(
        "w => JSON.stringify(twinViewer.meetingWindow()) === JSON.stringify(w)", arg=wanted
    )


def _bookings(api, **params) -> list[dict]:
    """Bookings of the demo building (``start``/``end`` become ``from``/``to``)."""
    query = {{"start": "from", "end": "to"}.get(k, k): v for k, v in params.items()}
    return api.get("/buildings/demo/bookings", params=query).json()["bookings"]


def _statuses(page, gids: list[str]) -> dict[str, str]:
    return page.evaluate(
        "gids => Object.fromEntries(gids.map((g) => [g, twinViewer.meetingStatus(g)]))", gids
    )


def test_the_meeting_mode_colours_this_weeks_demo_bookings(journey, twin_server, api):
    rooms = api.get("/buildings/demo/meeting-rooms").json()
    assert rooms, "the demo building has no bookable room"
    monday, sunday = _this_week()
    week = _bookings(api, start=_iso(monday), end=_iso(sunday), state="booked")
    single = [b for b in week if b["series_id"] is None]
    # Every bookable room has demo meetings on each working day of this week.
    days = {(b["room"], datetime.fromisoformat(b["start"]).astimezone(ZONE).date()) for b in single}
    assert days == {
        (r["global_id"], (monday + timedelta(days=d)).date()) for r in rooms for d in range(5)
    }

    page = journey()
    open_viewer(page, twin_server, "demo")
    _meeting_mode(page)
    assert "Meeting rooms" in page.text_content("#legend")
    chosen = single[len(single) // 2]
    start, end = (datetime.fromisoformat(chosen[k]) for k in ("start", "end"))
    _set_times(page, start, end)
    held = _bookings(api, start=_iso(start), end=_iso(end), state=list(HOLDING))
    booked = {b["room"] for b in held}
    gids = [r["global_id"] for r in rooms]
    expected = {g: "booked" if g in booked else "free" for g in gids}
    assert _statuses(page, gids) == expected
    for gid in gids:
        assert page.evaluate("g => twinViewer.colourOf(g)", gid) == (
            BOOKED if gid in booked else FREE
        )
    offices = [s for s in api.get("/buildings/demo/spaces").json() if s["room_type"] == "office"]
    assert page.evaluate("g => twinViewer.meetingStatus(g)", offices[0]["global_id"]) is None

    # Picking the booked room in 3D shows its bookings of that day, the demo's among them.
    room = next(r for r in rooms if r["global_id"] == chosen["room"])
    storey = next(
        s for s in api.get("/buildings/demo/storeys").json() if s["name"] == room["storey"]
    )
    page.click(f'#storeys button[data-storey="{storey["global_id"]}"]')
    _click_room(page, room["global_id"])
    page.wait_for_selector(f'#meet-room li[data-booking="{chosen["id"]}"]')
    assert room["number"] in page.text_content("#meet-room h3")
    assert page.get_attribute('#meet-room [data-field="meet-status"]', "data-status") == "booked"
    same_day = [
        b
        for b in single
        if b["room"] == room["global_id"] and b["start"][:10] == chosen["start"][:10]
    ]
    listed = page.eval_on_selector_all(
        "#meet-room li[data-booking]", "els => els.map((e) => e.dataset.booking)"
    )
    assert {b["id"] for b in same_day} <= set(listed)


@pytest.mark.parametrize("locale", ["zh-CN"])
def test_staff_find_a_free_room_book_it_see_it_booked_clash_and_cancel(
    journey, twin_server, api, locale
):
    page = journey(locale=locale, expected=[(409, "/bookings"), (422, "/bookings")])
    open_viewer(page, twin_server, "demo")
    _meeting_mode(page)
    # Tomorrow 19:00-20:00 Beijing time: after the demo's meetings, inside opening hours.
    tomorrow = datetime.now(ZONE).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, datetime.min.time(), ZONE).replace(hour=19)
    end = start + timedelta(hours=1)
    _set_times(page, start, end)
    near = sorted(
        s["name"] for s in api.get("/buildings/demo/spaces").json() if s["room_type"] == "office"
    )[0]
    page.fill("#meet-attendees", "4")
    page.fill("#meet-near", near)
    page.click("#meet-find")
    page.wait_for_selector("#meet-results li[data-room]")
    query = {"from": _iso(start), "to": _iso(end), "attendees": 4, "near": near}
    free = api.get("/buildings/demo/meeting-rooms/free", params=query).json()
    shown = page.eval_on_selector_all(
        "#meet-results li[data-room]", "els => els.map((e) => e.dataset.room)"
    )
    assert shown == [r["global_id"] for r in free]  # nearest first
    first = free[0]
    row = f'#meet-results li[data-room="{first["global_id"]}"]'
    assert page.text_content(f'{row} [data-field="walk"]') == f"{first['walk_m']:.1f} m"
    assert f"距 {near} 步行" in page.text_content(f"{row} .meet-why")

    page.click(f"{row} [data-pick]")
    assert page.evaluate("twinViewer.selected") == first["global_id"]
    page.wait_for_selector('#meet-room [data-field="meet-status"][data-status="free"]')
    assert page.evaluate("g => twinViewer.colourOf(g)", first["global_id"]) == FREE
    page.fill("#meet-title", "项目协调会")
    page.fill("#meet-visitors", "访客甲")
    page.click("#meet-book")
    page.wait_for_selector('[data-field="meet-ok"]')
    booking_id = page.get_attribute('[data-field="meet-ok"]', "data-booking")
    stored = api.get(f"/buildings/demo/bookings/{booking_id}").json()
    assert (stored["room"], stored["state"], stored["attendees"]) == (
        first["global_id"],
        "booked",
        4,
    )
    assert datetime.fromisoformat(stored["start"]) == start
    page.wait_for_function("g => twinViewer.meetingStatus(g) === 'booked'", arg=first["global_id"])
    assert page.evaluate("g => twinViewer.colourOf(g)", first["global_id"]) == BOOKED
    item = f'#meet-room li[data-booking="{booking_id}"]'
    page.wait_for_selector(item)
    assert page.text_content(f'{item} [data-field="state"]') == "已预订"
    assert page.get_attribute('#meet-room [data-field="meet-status"]', "data-status") == "booked"

    # The visitors' route from the entrance, drawn in 3D, and its printable page.
    page.click(f'{item} [data-action="route"]')
    route = api.get(f"/buildings/demo/bookings/{booking_id}/visitor-route").json()
    page.wait_for_function("m => twinViewer.routeLength === m", arg=route["length_m"])
    assert page.evaluate("twinViewer.routeSegments()") == 1
    pdf_answer = page.expect_response(lambda r: r.url.endswith("/visitor-route.pdf"))
    with pdf_answer as pdf, page.context.expect_page():
        page.click(f'{item} [data-action="pdf"]')
    assert pdf.value.status == 200 and pdf.value.headers["content-type"] == "application/pdf"

    # The same time again: the 409 names the booking in the way, in Chinese.
    page.fill("#meet-title", "另一个会")
    page.click("#meet-book")
    page.wait_for_selector('[data-field="meet-error"]')
    clash = page.text_content('[data-field="meet-error"]')
    assert "已被预订" in clash and booking_id in clash and "项目协调会" in clash
    # More attendees than seats: the 422 says how many fit.
    seats = first["capacity"]
    page.fill("#meet-attendees", str(seats + 1))
    page.click("#meet-book")
    page.wait_for_selector('[data-field="meet-error"]:has-text("容纳不下")')
    assert f"只有 {seats} 个座位" in page.text_content('[data-field="meet-error"]')
    holding = _bookings(
        api, room=first["global_id"], start=_iso(start), end=_iso(end), state=list(HOLDING)
    )
    assert [b["id"] for b in holding] == [booking_id]

    # Cancel (two clicks): the room is free again, in colour and in the panel.
    page.click(f'{item} [data-action="cancel"]')
    assert page.text_content(f'{item} [data-action="cancel"]') == "确认取消？"
    page.click(f'{item} [data-action="cancel"]')
    page.wait_for_function("g => twinViewer.meetingStatus(g) === 'free'", arg=first["global_id"])
    assert page.evaluate("g => twinViewer.colourOf(g)", first["global_id"]) == FREE
    assert api.get(f"/buildings/demo/bookings/{booking_id}").json()["state"] == "cancelled"
    page.wait_for_selector(item, state="detached")
    assert "已取消" in page.text_content('[data-field="meet-ok"]')


def test_a_meeting_room_someone_is_in_turns_in_use_now(journey, twin_server, api):
    rooms = api.get("/buildings/demo/meeting-rooms").json()
    room, sensor = next(
        (r, d["device_id"])
        for r in rooms
        for d in api.get(f"/buildings/demo/spaces/{r['global_id']}").json()["devices"]
        # The room sensors (TS-*) count people too (point `occupancy`).
        if d["device_id"].startswith("TS-")
    )
    page = journey()
    open_viewer(page, twin_server, "demo")
    _meeting_mode(page)
    assert page.evaluate("twinViewer.meetingWindow()") is None  # the colours show now
    status = page.evaluate("g => twinViewer.meetingStatus(g)", room["global_id"])
    assert status == room["status"] != "in_use"

    def count(people: int) -> None:
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        reading = {"device_id": sensor, "ts": now, "values": {"occupancy": people}}
        answer = api.post("/readings", json={"readings": [reading]})
        assert answer.status_code == 200 and answer.json()["accepted"] == 1, answer.text

    count(3)
    page.wait_for_function("g => twinViewer.meetingStatus(g) === 'in_use'", arg=room["global_id"])
    assert page.evaluate("g => twinViewer.colourOf(g)", room["global_id"]) == IN_USE
    count(0)
    page.wait_for_function("g => twinViewer.meetingStatus(g) !== 'in_use'", arg=room["global_id"])
