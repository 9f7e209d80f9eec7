"""End to end on the real Office_A model (Revit, IFC2X3, 3 storeys, 99 rooms): meters
bound by the registry, readings in the twin's database, per-storey figures that add
up to the building's and per-m² figures from the model's usable areas; the same
answer from ``twin energy --json``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from spatial.areas import usable_area
from tests.conftest import REPO_ROOT, sample_dir
from tests.twin.energy.helpers import CST, energy_service, us
from twin.buildings.ingest import load_building
from twin.devices.registry import bind, parse_rows, write_registry_csv
from twin.devices.store import BatchWriter
from twin.settings import Settings
from twin.store.db import engine_for

pytestmark = pytest.mark.samples

OFFICE_A = "Office_A_20110811.ifc"
START = datetime(2026, 11, 2, tzinfo=CST)  # a Monday
END = START + timedelta(days=7)


def registry(building):  # type: ignore[no-untyped-def]
    """A main meter, a sub-meter per storey and a circuit meter bound to each of three
    rooms of Level 1 by GlobalId (empty ``feeds``: the bound room)."""
    rows = [{"device_id": "EM-MAIN", "point": "energy", "brick_class": "Electric_Energy_Sensor",
             "unit": "kWh", "feeds": "building"}]  # fmt: skip
    for storey in building.storeys:
        rows.append({"device_id": f"EM-{storey.name}", "point": "energy",
                     "brick_class": "Electric_Energy_Sensor", "unit": "kWh",
                     "feeds": f"{storey.name};EM-MAIN"})  # fmt: skip
    level1 = next(s for s in building.storeys if s.name == "Level 1")
    rooms = [s for s in building.spaces if s.storey_id == level1.global_id][:3]
    for space in rooms:
        rows.append({"device_id": f"EM-{space.name}", "global_id": space.global_id,
                     "point": "energy", "brick_class": "Electric_Energy_Sensor", "unit": "kWh",
                     "feeds": "EM-Level 1"})  # fmt: skip
    return rows


def readings(rows):  # type: ignore[no-untyped-def]
    out = []
    # kWh an hour: the main meter 10 per meter, each storey 1, each circuit 0.25.
    rates = {r["device_id"]: 0.25 if r.get("global_id") else 1.0 for r in rows}
    rates["EM-MAIN"] = 10.0 * len(rows)
    for quarter in range(-1, 7 * 24 * 4):
        ts = START + timedelta(minutes=15 * quarter)
        for device_id, rate in rates.items():
            out.append((device_id, "energy", us(ts), 100.0 + rate * (quarter + 1) / 4))
    return out


@pytest.fixture(scope="module")
def office(tmp_path_factory):  # type: ignore[no-untyped-def]
    path = sample_dir() / OFFICE_A
    if not path.is_file():
        pytest.fail(f"{path} is missing (set TWIN_SAMPLE_DIR)")
    root = tmp_path_factory.mktemp("energy-office-a")
    building = load_building([path])
    rows = registry(building)
    settings = Settings(data_dir=root / "data", cache_dir=root / "cache")
    engine = engine_for(settings.effective_database_url)
    BatchWriter(engine).submit_readings(readings(rows)).result(60)
    service = energy_service(engine)
    devices = bind("OA", building, parse_rows(rows)).devices
    site = service.site("OA", building, devices=devices, allocations=())
    yield path, root, building, rows, service, site
    engine.dispose()


def test_storeys_add_up_to_the_building_and_use_usable_areas(office):
    _, _, building, rows, service, site = office
    answer = service.consumption(site, by="storey", start=START, end=END)
    main = 10.0 * len(rows) * 7 * 24
    assert answer["total"] == pytest.approx(main, abs=1e-6)
    assert sum(r["consumption"] for r in answer["rows"]) == pytest.approx(main, abs=1e-4)
    storeys = {s.global_id: s.name for s in building.storeys}
    for row in answer["rows"]:
        area = sum(
            usable_area(s).area_m2 or 0.0
            for s in building.spaces
            if storeys[s.storey_id] == row["key"]
        )
        assert row["area_m2"] == pytest.approx(area, abs=1e-5)
        if area:
            assert row["per_m2"] == pytest.approx(row["consumption"] / area, rel=1e-6)
    level1 = next(r for r in answer["rows"] if r["key"] == "Level 1")
    sub = 1.0 * 7 * 24
    # Level 1 holds its sub-meter (with the three circuits under it) and its share of
    # the main meter's own consumption.
    assert level1["consumption"] > sub
    losses = {m["meter"]: m["loss"] for m in answer["unmetered_by_meter"]}
    assert losses["EM-Level 1"] == pytest.approx(sub - 3 * sub / 4, abs=1e-6)
    building_area = sum(usable_area(s).area_m2 or 0.0 for s in building.spaces)
    assert answer["per_m2"] == pytest.approx(main / building_area, rel=1e-6)


def test_the_command_line_prints_the_same_answer(office, tmp_path):
    path, root, _, rows, service, site = office
    registry_file = tmp_path / "meters.csv"
    registry_file.write_text(write_registry_csv(parse_rows(rows)), "utf-8")
    env = {**os.environ, "TWIN_DATA_DIR": str(root / "data"), "TWIN_CACHE_DIR": str(root / "cache")}
    result = subprocess.run(
        [sys.executable, "-m", "cli", "energy", str(path), "--devices", str(registry_file),
         "--by", "storey", "--from", START.isoformat(), "--to", END.isoformat(), "--json"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    expected = service.consumption(site, by="storey", start=START, end=END)
    assert printed["rows"] == expected["rows"]
    assert printed["total"] == expected["total"] and printed["unmetered"] == expected["unmetered"]
    assert {"by", "from", "to", "medium", "unit", "rows", "total", "unmetered"} <= set(printed)


def test_the_command_line_refuses_bad_input(office):
    path, root, *_ = office
    env = {**os.environ, "TWIN_DATA_DIR": str(root / "data"), "TWIN_CACHE_DIR": str(root / "cache")}
    result = subprocess.run(
        [sys.executable, "-m", "cli", "energy", str(path), "--from", "yesterday",
         "--to", END.isoformat()],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2 and "--from" in result.stderr
