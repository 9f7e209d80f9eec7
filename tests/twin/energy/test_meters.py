"""Meters on the model and in the registry: media, kinds, feeds and shares."""

from __future__ import annotations

import csv
import io

import pytest

from spatial.records import Equipment
from tests.twin.energy.helpers import AREAS, building, devices
from twin.demo.simulator import template_rows
from twin.devices.errors import RegistryFileError
from twin.devices.registry import parse_csv, parse_rows, write_registry_csv
from twin.energy.meters import model_meter_medium, resolve


@pytest.mark.parametrize(
    ("item", "medium"),
    [
        (Equipment("G", "IfcFlowMeter", "m", predefined_type="ENERGYMETER"), "electricity"),
        (Equipment("G", "IfcFlowMeter", "m", predefined_type="WATERMETER"), "water"),
        (Equipment("G", "IfcFlowController", "m", predefined_type="GASMETER"), "gas"),
        (Equipment("G", "IfcFlowMeter", "热量表", predefined_type="USERDEFINED"), "heat"),
        (Equipment("G", "IfcSensor", "s", tag="WM-0102"), "water"),
        (Equipment("G", "IfcDistributionControlElement", "3F 电表"), "electricity"),
        (Equipment("G", "IfcSensor", "s", tag="TS-0102"), None),
        (Equipment("G", "IfcPump", "水泵", tag="WM-1"), None),  # not a meter class
    ],
)
def test_meters_on_the_model(item, medium):
    assert model_meter_medium(item) == medium


def test_shares_follow_area_equal_and_weights():
    rows = [
        {"device_id": "A", "point": "e", "brick_class": "Electric_Energy_Sensor", "feeds": "1F"},
        {"device_id": "B", "point": "e", "brick_class": "Electric_Energy_Sensor",
         "feeds": "101;102", "apportion": "equal"},
        {"device_id": "C", "point": "e", "brick_class": "Electric_Energy_Sensor",
         "feeds": "101;201", "apportion": "101=3;201=1"},
        {"device_id": "D", "point": "e", "brick_class": "Electric_Energy_Sensor", "feeds": "A"},
    ]  # fmt: skip
    from twin.devices.registry import bind

    found = {
        m.device_id: m
        for m in resolve(bind("K", building(), parse_rows(rows)).devices, building()).meters
    }
    floor = AREAS["R101"] + AREAS["R102"] + AREAS["R103"]
    assert found["A"].shares == pytest.approx(
        {g: AREAS[g] / floor for g in ("R101", "R102", "R103")}
    )
    assert found["B"].shares == {"R101": 0.5, "R102": 0.5}
    assert found["C"].shares == {"R101": 0.75, "R201": 0.25}
    assert found["D"].parent == "A" and found["D"].shares == found["A"].shares  # inherits


def test_the_known_building_hierarchy():
    meters = resolve(devices(), building())
    by_id = {m.device_id: m for m in meters.meters}
    assert by_id["F2"].kind == "interval" and by_id["MAIN"].kind == "counter"
    assert [c.device_id for c in meters.children(by_id["MAIN"])] == ["F1", "F2"]
    assert by_id["W1"].medium == "water" and by_id["W1"].unit == "m3"


def test_registry_columns_are_checked_and_round_trip():
    header = "device_id,point,brick_class,unit,medium,kind,feeds,apportion\n"
    rows = parse_csv(header + "EM-1,energy,Electric_Energy_Sensor,kWh,,interval,3F;EM-0,\n")
    assert rows[0].point.medium == "electricity" and rows[0].point.accumulation == "interval"
    assert parse_csv(write_registry_csv(rows)) == rows
    for bad, message in (
        ("EM-1,e,Usage_Sensor,kWh,,,,", "needs a medium"),
        ("EM-1,e,Electric_Energy_Sensor,kWh,oil,,,", "medium must be"),
        ("EM-1,e,Electric_Energy_Sensor,kWh,,monthly,,", "kind must be counter or interval"),
    ):
        with pytest.raises(RegistryFileError, match=message):
            parse_csv(header + bad + "\n")


def test_the_template_gives_model_meters_their_columns(tmp_path):
    from ifc_models.demo_building import generate_office_building
    from twin.buildings.ingest import load_building

    path = tmp_path / "office.ifc"
    generate_office_building(path, storeys=2, rooms_per_storey=12)
    model = load_building([path])
    text = write_registry_csv(template_rows(model))
    records = list(csv.DictReader(io.StringIO(text)))
    assert {"medium", "kind", "feeds", "apportion"} <= set(records[0])
    meters = [r for r in records if r["medium"]]
    storeys = {s.name for s in model.storeys}
    assert {r["device_id"] for r in meters} == {"EM-01", "EM-02"}
    assert all(r["kind"] == "counter" and r["feeds"] in storeys for r in meters)
