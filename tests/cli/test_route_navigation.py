"""``twin route --building``: the CLI and ``GET /route`` give one answer.

The demo building is registered and served in process; a lift the route
would take reports a fault and a fan coil upstairs raises an alarm that
becomes a work order. The command line reads the same TWIN_DATA_DIR
database and must give the API's steps and length for ``alarm:<id>`` and
``work-order:<id>``, avoiding the faulty lift.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ifc_models.demo_building import generate_office_building
from tests.cli.runner import run_twin
from twin.buildings.registry import BuildingRegistry
from twin.demo.simulator import template_rows
from twin.devices.hub import DeviceService
from twin.settings import Settings
from twin.store.db import engine_for

BUILDING = "demo"


@dataclass
class Faulted:
    client: TestClient
    env: dict[str, str]
    ifc: Path
    lift: str
    alarm_id: str
    work_order_id: str
    route_before: dict

    def twin(self, *args: str):  # type: ignore[no-untyped-def]
        """``twin ARGS...`` on the served twin's TWIN_DATA_DIR and cache."""
        return run_twin(*args, env=self.env)


def _route(client: TestClient, to: str, **params: str):  # type: ignore[no-untyped-def]
    return client.get(
        f"/api/v1/buildings/{BUILDING}/route", params={"from": "outside", "to": to, **params}
    )


def _post(client: TestClient, device_id: str) -> None:
    reading = {"device_id": device_id, "ts": datetime.now(UTC).isoformat(), "values": {}}
    reading["values"] = {"fault": True}
    answer = client.post("/api/v1/readings", json={"readings": [reading]})
    assert answer.json()["accepted"] == 1, answer.text


@pytest.fixture(scope="module")
def faulted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faulted]:
    root = tmp_path_factory.mktemp("navigation")
    ifc = root / "office.ifc"
    generate_office_building(ifc, storeys=2, rooms_per_storey=12)
    settings = Settings(data_dir=root / "data", cache_dir=root / "cache", tick_s=3600)
    env = {"TWIN_DATA_DIR": str(settings.data_dir), "TWIN_CACHE_DIR": str(settings.cache_dir)}
    registry = BuildingRegistry(settings.data_dir, cache_dir=settings.cache_dir)
    registry.register(BUILDING, [ifc], check=True)
    building = registry.load(BUILDING).building
    rows = template_rows(building)
    engine = engine_for(settings.effective_database_url)
    service = DeviceService(engine, buildings=registry.building)
    service.load_registry(BUILDING, rows)
    service.close()
    engine.dispose()

    upper = max(building.storeys, key=lambda s: s.elevation_m).global_id
    upstairs = {e.global_id for e in building.equipment if e.storey_id == upper and e.space_id}
    fan_coil = next(
        r.device_id
        for r in rows
        if r.point.name == "fault" and r.global_id in upstairs and r.device_id.startswith("FCU")
    )
    lifts = {lift.global_id for lift in building.lifts}
    lift_device = {r.global_id: r.device_id for r in rows if r.global_id in lifts}

    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        deadline = time.monotonic() + 30
        while not client.get("/health").json()["ready"] and time.monotonic() < deadline:
            time.sleep(0.05)
        _post(client, fan_coil)
        alarm = next(
            a
            for a in client.get("/api/v1/alarms", params={"building": BUILDING}).json()
            if a["device_id"] == fan_coil
        )
        before = _route(client, f"alarm:{alarm['id']}", no_stairs="true").json()
        taken = [s["global_id"] for s in before["steps"] if s["kind"] == "lift"]
        assert taken, f"the step-free route upstairs takes no lift: {before}"
        _post(client, lift_device[taken[0]])
        order = client.post(f"/api/v1/alarms/{alarm['id']}/work-order")
        assert order.status_code == 201, order.text
        yield Faulted(client, env, ifc, taken[0], alarm["id"], order.json()["id"], before)


def test_route_to_an_alarm_or_work_order_agrees_with_the_api(faulted: Faulted) -> None:
    for ref in (f"alarm:{faulted.alarm_id}", f"work-order:{faulted.work_order_id}"):
        for options in ({}, {"no_stairs": "true"}):
            answer = _route(faulted.client, ref, **options)
            assert answer.status_code == 200, answer.text
            api = answer.json()
            assert api["lifts_out_of_service"] == [faulted.lift]
            assert faulted.lift not in [s["global_id"] for s in api["steps"]]
            flags = ["--no-stairs"] if options else []
            result = faulted.twin(
                "route", "--building", BUILDING, "--from", "outside", "--to", ref, *flags, "--json"
            )
            assert result.exit_code == 0, result.output
            cli = json.loads(result.stdout)
            assert cli["steps"] == api["steps"]
            assert cli["length_m"] == api["length_m"]
            assert cli["lifts_out_of_service"] == [faulted.lift]
    # The faulty lift changed the step-free route (the other lift, or none).
    assert api["steps"] != faulted.route_before["steps"]


def test_round_over_the_work_order_agrees_with_the_api(faulted: Faulted) -> None:
    # A room on the way, and the work order's fan coil upstairs.
    room = next(s["global_id"] for s in faulted.route_before["steps"] if s["kind"] == "room")
    targets = [f"work-order:{faulted.work_order_id}", room]
    answer = faulted.client.get(
        f"/api/v1/buildings/{BUILDING}/rounds",
        params=[("from", "outside"), *(("to", t) for t in targets)],
    )
    assert answer.status_code == 200, answer.text
    result = faulted.twin(
        "round", "--building", BUILDING, "--from", "outside",
        "--to", targets[0], "--to", targets[1], "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    cli, api = json.loads(result.stdout), answer.json()
    assert cli["length_m"] == api["length_m"] and cli["order"] == api["order"]
    assert cli["lifts_out_of_service"] == api["lifts_out_of_service"] == [faulted.lift]


def test_an_alarm_on_a_building_read_from_files_exits_2_naming_building(faulted: Faulted) -> None:
    result = faulted.twin(
        "route", str(faulted.ifc), "--from", "outside", "--to", f"alarm:{faulted.alarm_id}"
    )
    assert result.exit_code == 2
    assert "--building" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_an_unknown_alarm_or_building_exits_2(faulted: Faulted) -> None:
    result = faulted.twin(
        "route", "--building", BUILDING, "--from", "outside", "--to", "alarm:nope"
    )
    assert result.exit_code == 2 and "nope" in result.stderr
    result = faulted.twin("route", "--building", "nowhere", "--from", "outside", "--to", "0101")
    assert result.exit_code == 2 and "nowhere" in result.stderr


def test_paths_and_building_are_one_or_the_other(faulted: Faulted) -> None:
    both = faulted.twin(
        "route", str(faulted.ifc), "--building", BUILDING, "--from", "outside", "--to", "0101"
    )
    neither = faulted.twin("route", "--from", "outside", "--to", "0101")
    assert both.exit_code == neither.exit_code == 2
    assert "--building" in both.stderr and "--building" in neither.stderr
