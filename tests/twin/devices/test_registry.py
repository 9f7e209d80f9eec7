import json
import os
from pathlib import Path

import pytest

from spatial.records import Building, Equipment, Space, Storey
from twin.devices.errors import RegistryFileError
from twin.devices.registry import (
    REGISTRY_FIELDS,
    bind,
    parse_csv,
    read_registry_file,
    write_registry_csv,
)

HEADER = ",".join(REGISTRY_FIELDS)
CSV = (
    HEADER
    + """
FCU-0312,,on,On_Off_Status,bool,,,,,,,,60
FCU-0312,,supply_temp,Supply_Air_Temperature_Sensor,degC,-10,70,,,,,,60
LD-0305,,leak,Leak_Detector_Equipment,bool,,,,,,,true,30
0312,,occupancy,Occupancy_Count_Sensor,count,0,100,,,,,,
EM-03,GID-METER,energy,Electrical_Meter,kWh,0,,,,,,,
XX-9,,temp,Zone_Air_Temperature_Sensor,degC,,,,,,,,
"""
)


def small_building() -> Building:
    storey = Storey("S1", "3F", 9.0)
    return Building(
        name="demo",
        global_id="B",
        sources=(),
        storeys=(storey,),
        spaces=(Space("R0312", "0312", "Office", "S1"), Space("R0305", "0305", "弱电间", "S1")),
        equipment=(
            Equipment("GID-FCU", "IfcUnitaryEquipment", "Fan coil", tag="FCU-0312",
                      storey_id="S1", space_id="R0312"),
            Equipment("GID-LD", "IfcSensor", "LD-0305", storey_id="S1", space_id="R0305"),
            Equipment("GID-METER", "IfcFlowMeter", "Meter", storey_id="S1"),
            Equipment("GID-SPARE", "IfcValve", "Valve"),
        ),
    )  # fmt: skip


def test_csv_rows_parse_with_types_and_defaults():
    rows = parse_csv(CSV)
    assert len(rows) == 6
    leak = next(r for r in rows if r.point.name == "leak")
    assert leak.point.alarm_when is True and leak.heartbeat_s == 30
    energy = next(r for r in rows if r.point.name == "energy")
    assert energy.point.accumulation == "cumulative"


def test_auto_binding_by_tag_then_name_and_unbound_lists():
    report = bind("demo", small_building(), parse_csv(CSV))
    devices = {d.device_id: d for d in report.devices}
    assert devices["FCU-0312"].global_id == "GID-FCU"
    assert devices["FCU-0312"].binding == "tag"
    assert devices["FCU-0312"].space_id == "R0312"
    assert devices["LD-0305"].global_id == "GID-LD" and devices["LD-0305"].binding == "name"
    assert devices["0312"].global_id == "R0312"  # a room sensor bound to the room
    assert devices["EM-03"].binding == "mapping"
    assert report.unbound_devices == ("XX-9",)
    assert report.unbound_equipment == ("GID-SPARE",)


def test_bad_rows_are_all_reported():
    bad = (
        CSV + "Z-1,,t,X,,abc,,,,,,,\nZ-2,,t,X,,,,,,,,maybe,\nFCU-0312,,on,On_Off_Status,,,,,,,,,\n"
    )
    with pytest.raises(RegistryFileError) as caught:
        parse_csv(bad)
    assert [row for row, _ in caught.value.errors] == [7, 8, 9]


def test_json_with_the_same_fields_and_csv_round_trip(tmp_path):
    rows = parse_csv(CSV)
    path = tmp_path / "devices.json"
    path.write_text(json.dumps([r.as_dict() for r in rows]))
    assert read_registry_file(path) == rows
    assert parse_csv(write_registry_csv(rows)) == rows


SAMPLES = Path(os.environ.get("TWIN_SAMPLE_DIR", Path(__file__).parents[3] / "../shared/ifc"))


@pytest.mark.samples
@pytest.mark.parametrize(
    "name",
    [
        "3rooms_Heater_AirTerminal_Table_with_SB.ifc",
        "b03_heating_with_building_blenderBIM.ifc",
        "Duplex_Electrical_20121207.ifc",
    ],
)
def test_template_devices_auto_bind_to_real_models(name, tmp_path):
    from dataclasses import replace

    from twin.buildings.ingest import load_building
    from twin.demo.simulator import template_rows

    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"{path} not found")
    building = load_building([path])
    rows = [replace(r, global_id="") for r in template_rows(building)]  # force auto-binding
    report = bind("b", building, rows)
    assert len(report.devices) >= len(building.equipment)
    assert not report.unbound_devices
    assert not report.unbound_equipment
