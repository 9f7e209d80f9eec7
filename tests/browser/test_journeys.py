"""What people do with the viewer, in Chromium, on the demo building and on a real model.

- a facility manager finds a device, watches its live value, sees its alarm, acknowledges
  it, walks there from the entrance and plans a round over every open alarm;
- a housing officer colours rooms by compliance, reads an over-standard room's excess,
  opens the storey's plan in the same colours and downloads the XLSX report;
- an operator enters a key at the prompt and is told, in the UI's language, that the
  key may not see the compliance check (the API's 403).

Each journey fails on a console error or a 4xx/5xx answer it does not expect, and reads
the texts it checks from the viewer's own strings (``twinViewer.t``), so it asserts what
a person reads in the language they chose. The journeys run on their own servers: the
module changes devices and alarms, and a key ends the shared server's open mode.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import openpyxl
import pytest

from tests.browser.conftest import OFFICE_A, open_viewer, serving, twin_cli, twin_env
from tests.conftest import sample_dir

#: The demo building and a real model with equipment in rooms, doors to the outside and
#: offices (devices and allocations are bound to it here).
BUILDINGS = ["demo", "office-a"]
#: Colours of the 3D view (viewer/src/colours.js).
ALARM_COLOUR = "#e0262b"
COMPLIANCE_COLOURS = {
    "within": "#3aa35a",
    "over": "#e0262b",
    "vacant": "#b0b4ba",
    "not_office": "#d9d4c7",
}
#: A temperature point with alarm limits, added to the real model's device registry.
TEMP_POINT = {
    "point": "temp",
    "brick_class": "Zone_Air_Temperature_Sensor",
    "unit": "degC",
    "min": "-20.0",
    "max": "60.0",
    "warn_above": "28.0",
    "alarm_above": "32.0",
    "warn_below": "16.0",
    "alarm_below": "12.0",
    "heartbeat_s": "600.0",
}
SEVERITY_RANK = {"critical": 0, "alarm": 1, "warning": 2}
SETTLE_MS = 5_000


@dataclass(frozen=True)
class Twins:
    open_base: str
    keyed_base: str
    operator_key: str
    admin_key: str
    #: building → ids of the devices with a temperature point (from the registry)
    thermometers: dict[str, frozenset[str]]


def _registry(env: dict[str, str], root: Path, building: str) -> Path:
    """The building's device registry: the template, with a temperature point on every
    device of the real model (its template has fault points only)."""
    out = root / f"devices-{building}.csv"
    twin_cli(env, "devices", "template", "--building", building, "--out", str(out))
    if building != "demo":
        with out.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        fields = list(rows[0])
        devices = {r["device_id"]: r for r in rows}
        blank = {k: "" for k in fields if k not in ("device_id", "global_id")}
        extra = [{**row, **blank, **TEMP_POINT} for row in devices.values()]
        with out.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows + extra)
    return out


def _prepare(env: dict[str, str], root: Path, models: dict[str, Path]) -> dict[str, frozenset[str]]:
    """Ingest the models and load their registries; the devices with a temperature point."""
    thermometers = {}
    for name, path in models.items():
        twin_cli(env, "ingest", str(path), "--name", name)
        registry = _registry(env, root, name)
        twin_cli(env, "devices", "load", str(registry), "--building", name)
        with registry.open(encoding="utf-8", newline="") as f:
            rows = csv.DictReader(f)
            thermometers[name] = frozenset(r["device_id"] for r in rows if r["point"] == "temp")
    return thermometers


def _import_allocations(base: str, models: dict[str, Path], root: Path, key: str | None) -> None:
    """Allocations bound through the API (the real model has none of its own)."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    for name, path in models.items():
        table = root / f"allocations-{name}.csv"
        if not table.is_file():
            twin_cli(twin_env(root), "demo-allocations", str(path), "--out", str(table))
        answer = httpx.post(
            f"{base}/api/v1/buildings/{name}/allocations",
            files={"file": (table.name, table.read_bytes(), "text/csv")},
            headers=headers,
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["applied"]


@pytest.fixture(scope="module")
def twins(viewer_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Twins]:
    """An open server and one with keys, each with the demo building and Office_A."""
    from ifc_models.demo_building import generate_office_building

    office_a = sample_dir() / OFFICE_A
    if not office_a.is_file():
        pytest.fail(f"{office_a} is missing (set TWIN_SAMPLE_DIR)")
    root = tmp_path_factory.mktemp("journeys")
    demo = root / "demo.ifc"
    generate_office_building(demo, storeys=3, rooms_per_storey=20)
    models = {"demo": demo, "office-a": office_a}
    envs = {}
    for name in ("open", "keyed"):
        (root / name).mkdir()
        # One ingest cache for both: the second server's ingest is a cached reload.
        envs[name] = {**twin_env(root / name), "TWIN_CACHE_DIR": str(root / "cache")}
        thermometers = _prepare(envs[name], root / name, models)
    operator = twin_cli(envs["keyed"], "keys", "create", "operator", "--role", "operator").strip()
    admin = twin_cli(envs["keyed"], "keys", "create", "admin", "--role", "admin").strip()
    with (
        serving(envs["open"], root / "open") as open_base,
        serving(envs["keyed"], root / "keyed") as keyed_base,
    ):
        _import_allocations(open_base, models, root, None)
        _import_allocations(keyed_base, models, root, admin)
        yield Twins(open_base, keyed_base, operator, admin, thermometers)


@pytest.fixture(scope="module")
def api(twins: Twins) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{twins.open_base}/api/v1", timeout=30) as client:
        yield client


def _t(page, key: str, **values: object) -> str:
    return page.evaluate("([k, v]) => twinViewer.t(k, v)", [key, values])


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _post(api, device_id: str, **values: object) -> None:
    answer = api.post(
        "/readings", json={"readings": [{"device_id": device_id, "ts": _now(), "values": values}]}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 1, answer.text


def _open_alarms(api, building: str) -> list[dict]:
    alarms = api.get("/alarms", params={"building": building, "state": "open", "limit": 500}).json()
    return sorted(alarms, key=lambda a: (SEVERITY_RANK.get(a["severity"], 3), a["raised_at"]))


def _quiet_thermometer(page, api, building: str, thermometers: frozenset[str]) -> dict:
    """A device with a temperature point on equipment the viewer draws and one can walk
    to from the entrance, with no open alarm."""
    drawn = set(page.evaluate("twinViewer.equipmentIds()"))
    alarmed = {a["device_id"] for a in _open_alarms(api, building)}
    devices = api.get("/devices", params={"building": building, "limit": 500})
    assert devices.status_code == 200, devices.text
    for device in devices.json():
        if (
            device["device_id"] in thermometers
            and device["global_id"] in drawn
            and device["device_id"] not in alarmed
        ):
            route = api.get(
                f"/buildings/{building}/route",
                params={"from": "outside", "to": device["global_id"]},
            )
            if route.status_code == 200:
                return device
    raise AssertionError(f"{building}: no quiet thermometer on drawn equipment")


def _value_cell(device_id: str) -> str:
    return f'#panel .device[data-device="{device_id}"] tr[data-point="temp"] [data-field="value"]'


def _wait_value(page, device_id: str, text: str) -> None:
    page.wait_for_function(
        "([cell, text]) => (document.querySelector(cell)?.textContent || '').startsWith(text)",
        arg=[_value_cell(device_id), text],
        timeout=SETTLE_MS,
    )


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("building", BUILDINGS)
def test_a_facility_manager_follows_an_alarm_from_search_to_the_round(
    journey, twins, api, building, locale
):
    page = journey(locale)
    open_viewer(page, twins.open_base, building)
    page.wait_for_function("twinViewer.live", timeout=10_000)
    device = _quiet_thermometer(page, api, building, twins.thermometers[building])
    device_id, gid = device["device_id"], device["global_id"]
    element = api.get(f"/buildings/{building}/elements/{gid}").json()
    tag = element["tag"]
    assert tag

    # Search the device by its tag: its panel shows its live state.
    page.fill("#search", tag)
    page.press("#search", "Enter")
    page.wait_for_function("gid => twinViewer.selected === gid", arg=gid)
    page.wait_for_selector(f'#panel .device[data-device="{device_id}"]')
    assert _t(page, "liveState") in page.text_content("#panel")
    # Its room's panel links back to it.
    if element["space_id"]:
        page.click(f'#panel a[data-select="{element["space_id"]}"]')
        page.wait_for_function("gid => twinViewer.selected === gid", arg=element["space_id"])
        page.click(f'#panel .equipment-links a[data-select="{gid}"]')
        page.wait_for_function("gid => twinViewer.selected === gid", arg=gid)
        page.wait_for_selector(f'#panel .device[data-device="{device_id}"]')
    for value in (21.5, 24.25):
        _post(api, device_id, temp=value)
        _wait_value(page, device_id, page.evaluate("v => twinViewer.fmtNumber(v, 2)", value))
    assert page.text_content(_value_cell(device_id)).endswith("degC")
    charts = f'#panel .device[data-device="{device_id}"] .charts'
    page.wait_for_selector(f"{charts} svg, {charts} canvas")

    # Too hot: an alarm in the list, the equipment in the alarm colour, Acknowledge.
    _post(api, device_id, temp=35.0)
    page.wait_for_selector(f'#alarms li[data-device="{device_id}"]', timeout=SETTLE_MS)
    page.wait_for_function(
        "([gid, colour]) => twinViewer.colourOf(gid) === colour",
        arg=[gid, ALARM_COLOUR],
        timeout=SETTLE_MS,
    )
    alarm = next(a for a in _open_alarms(api, building) if a["device_id"] == device_id)
    button = page.wait_for_selector(f'#panel button[data-ack="{alarm["id"]}"]', timeout=SETTLE_MS)
    assert button.text_content() == _t(page, "acknowledge")
    button.click()
    page.wait_for_function(
        "text => document.querySelector('#panel').textContent.includes(text)",
        arg=_t(page, "acknowledged"),
    )
    assert api.get(f"/alarms/{alarm['id']}").json()["state"] == "acknowledged"

    # From the entrance to the alarm.
    page.click(f'#alarms li[data-device="{device_id}"] .alarm-route')
    assert page.input_value("#route-to") == f"alarm:{alarm['id']}"
    page.fill("#route-from", "outside")
    page.click("#route-go")
    page.wait_for_selector('#route-result [data-field="route-length"]')
    route = api.get(
        f"/buildings/{building}/route", params={"from": "outside", "to": f"alarm:{alarm['id']}"}
    ).json()
    assert page.evaluate("twinViewer.routeLength") == pytest.approx(route["length_m"])
    assert page.text_content('#route-result [data-field="route-length"]') == _t(
        page, "routeLength", m=page.evaluate("v => twinViewer.fmtNumber(v, 1)", route["length_m"])
    )

    # The maintenance round over every open alarm, drawn leg by leg.
    page.click("#route-round")
    page.wait_for_selector("#route-result ol.legs")
    stops = [f"alarm:{a['id']}" for a in _open_alarms(api, building)]
    expected = api.get(
        f"/buildings/{building}/rounds", params={"from": "outside", "to": stops}
    ).json()
    assert page.evaluate("twinViewer.routeLength") == pytest.approx(expected["length_m"])
    drawn = [leg for leg in expected["legs"] if len(leg["polyline"]) >= 2]
    assert page.evaluate("twinViewer.routeSegments()") == len(drawn)
    assert page.locator("#route-result ol.legs li").count() == len(expected["legs"])


def _over_room(api, building: str) -> dict:
    report = api.get(f"/buildings/{building}/compliance").json()
    over = [r for r in report["rooms"] if r["status"] == "over"]
    assert over, f"{building}: the allocations put no room over the standard"
    return max(over, key=lambda r: r["excess_m2"])


@pytest.mark.parametrize("building", BUILDINGS)
def test_a_housing_officer_finds_an_over_standard_room_and_downloads_the_report(
    journey, twins, api, building
):
    page = journey("en-US", accept_downloads=True)
    open_viewer(page, twins.open_base, building)
    report = api.get(f"/buildings/{building}/compliance").json()
    room = _over_room(api, building)
    other = next(r for r in report["rooms"] if r["status"] != "over")

    page.select_option("#colour-mode", "compliance")
    page.wait_for_function(
        "([gid, colour]) => twinViewer.colourOf(gid) === colour",
        arg=[room["global_id"], COMPLIANCE_COLOURS["over"]],
    )
    colour = page.evaluate("gid => twinViewer.colourOf(gid)", other["global_id"])
    assert colour == COMPLIANCE_COLOURS[other["status"]]

    # The room's panel: its compliance and its excess over the standard.
    page.fill("#search", room["room"])
    page.press("#search", "Enter")
    page.wait_for_function("gid => twinViewer.selected === gid", arg=room["global_id"])
    page.wait_for_selector('#panel [data-field="excess"]')
    assert _t(page, "complianceOver") in page.text_content("#panel")
    area = page.evaluate("v => twinViewer.fmtArea(v)", room["excess_m2"])
    pct = page.evaluate("v => twinViewer.fmtNumber(v, 1)", room["excess_pct"])
    assert page.text_content('#panel [data-field="excess"]') == f"{area} ({pct} %)"

    # The storey's plan beside the model, coloured by the same statuses.
    page.click("#plan-btn")
    page.wait_for_selector("#plan2d path.room")
    shown = page.eval_on_selector_all(
        "#plan2d path.room",
        "paths => paths.map(p => [p.id, p.dataset.status, getComputedStyle(p).fill])",
    )
    status = {r["global_id"]: r["status"] for r in report["rooms"]}
    checked = [(gid, plan_status) for gid, plan_status, _ in shown if gid in status]
    assert room["global_id"] in dict(checked)
    assert all(plan_status == status[gid] for gid, plan_status in checked), checked
    fills: dict[str, set[str]] = {}
    for gid, plan_status, fill in shown:
        if gid in status:
            fills.setdefault(plan_status, set()).add(fill)
    assert all(len(f) == 1 for f in fills.values()), fills

    # The XLSX report downloads and lists the room as over the standard.
    assert page.text_content("#report-btn") == _t(page, "complianceReport")
    with page.expect_download() as download:
        page.click("#report-btn")
    book = openpyxl.load_workbook(
        io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True
    )
    rows = [
        [str(c) for c in row if c is not None]
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]
    listed = [row for row in rows if room["room"] in row]
    assert any("超标" in c or "over" in c for row in listed for c in row), listed


@pytest.mark.parametrize("building", BUILDINGS)
def test_an_operator_enters_a_key_and_is_told_what_it_may_not_do(journey, twins, building):
    # The first request has no key (401); an operator may not read the compliance check (403).
    expected = ((401, "/api/v1/buildings"), (403, f"/buildings/{building}/compliance"))
    page = journey("zh-CN", expected=expected)
    page.goto(f"{twins.keyed_base}/?building={building}")
    page.wait_for_function("window.twinViewer && twinViewer.error")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert _t(page, "apiKeyNeeded") in page.text_content("#message")

    prompts: list[str] = []

    def answer(dialog) -> None:
        prompts.append(dialog.message)
        dialog.accept(twins.operator_key)

    page.once("dialog", answer)
    page.click("#key-btn")
    page.wait_for_function("twinViewer.ready", timeout=60_000)
    assert prompts == [_t(page, "apiKeyPrompt")]
    assert page.text_content("#key-btn") == _t(page, "apiKeySet")
    assert page.is_hidden("#message")

    page.select_option("#colour-mode", "compliance")
    note = _t(page, "complianceForbidden")
    page.wait_for_selector(f'#legend .legend-note:has-text("{note}")')
    assert page.is_hidden("#report-btn")
    # The key works for what the role may do: the building's live alarms.
    with httpx.Client(base_url=f"{twins.keyed_base}/api/v1", timeout=30) as keyed:
        headers = {"Authorization": f"Bearer {twins.operator_key}"}
        assert (
            keyed.get("/alarms", params={"building": building}, headers=headers).status_code == 200
        )
        forbidden = keyed.get(f"/buildings/{building}/compliance", headers=headers)
        assert forbidden.status_code == 403
