"""COBie 2.4: the handover workbook of real models opens with COBie's sheets and headers."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import openpyxl
import pytest

from tests.conftest import sample_dir
from twin.buildings.ingest import ingest
from twin.demo.simulator import template_rows
from twin.devices.registry import bind
from twin.devices.state import DeviceState, PointState
from twin.exchange.cobie import NA, SHEETS, cobie_xlsx

#: The handover sheets the issue names, in order.
HANDOVER = (
    "Contact", "Facility", "Floor", "Space", "Zone", "Type", "Component", "System", "Document",
    "Attribute",
)  # fmt: skip


def _sheet(book, name: str) -> list[dict]:  # type: ignore[no-untyped-def]
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


@pytest.mark.samples
@pytest.mark.parametrize(
    "files",
    [
        ("Office_A_20110811.ifc",),
        ("Duplex_A_20110907.ifc", "Duplex_Electrical_20121207.ifc"),
        ("3rooms_Heater_AirTerminal_Table_with_SB.ifc",),
    ],
    ids=["office_a", "duplex_federated", "3rooms"],
)
def test_cobie_of_a_real_model_has_a_space_per_room_and_a_component_per_equipment(
    files, tmp_path
) -> None:
    building = ingest([sample_dir() / f for f in files], cache_dir=tmp_path).building
    devices = bind("b", building, template_rows(building)).devices
    data = cobie_xlsx(building, devices=devices, contact="fm@example.org")
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert tuple(book.sheetnames) == HANDOVER
    for name in HANDOVER:
        header = next(book[name].iter_rows(max_row=1, values_only=True))
        assert header == SHEETS[name], name
    spaces = _sheet(book, "Space")
    assert sorted(r["ExtIdentifier"] for r in spaces) == sorted(
        s.global_id for s in building.spaces
    )
    assert len({r["Name"] for r in spaces}) == len(spaces)  # COBie names are keys
    components = _sheet(book, "Component")
    elements = [e.global_id for e in building.equipment] + [x.global_id for x in building.lifts]
    assert sorted(r["ExtIdentifier"] for r in components) == sorted(elements)
    # Every reference resolves: component types and spaces, floors of spaces, the author.
    types = {r["Name"] for r in _sheet(book, "Type")}
    floors = {r["Name"] for r in _sheet(book, "Floor")}
    names = {r["Name"] for r in spaces} | floors
    for row in components:
        assert row["TypeName"] in types
        assert all(part in names for part in row["Space"].split(",")) or row["Space"] == NA
    assert {r["FloorName"] for r in spaces} <= floors
    assert {r["Email"] for r in _sheet(book, "Contact")} == {"fm@example.org"}
    by_element = {d.global_id: d.device_id for d in devices}
    for row in components:
        assert row["AssetIdentifier"] == by_element.get(
            row["ExtIdentifier"], row["AssetIdentifier"]
        )
    areas = {r["ExtIdentifier"]: r["NetArea"] for r in spaces}
    for space in building.spaces:
        if space.footprint is not None:
            assert areas[space.global_id] == pytest.approx(space.footprint.area, abs=0.01)


@pytest.mark.samples
def test_serial_numbers_systems_and_live_readings_come_through(tmp_path) -> None:
    files = ("Duplex_A_20110907.ifc", "Duplex_Electrical_20121207.ifc")
    building = ingest([sample_dir() / f for f in files], cache_dir=tmp_path).building
    devices = bind("b", building, template_rows(building)).devices
    device = devices[0]
    at = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    state = DeviceState(
        device.device_id, "b", device.global_id, "alarm", "fault",
        {"fault": PointState(True, "bool", at, "alarm")}, at,
    )  # fmt: skip
    data = cobie_xlsx(building, devices=devices, states={device.device_id: state})
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    serials = [r["SerialNumber"] for r in _sheet(book, "Component")]
    assert len(serials) == len(building.equipment)
    systems = _sheet(book, "System")
    assert any(r["Category"] == "Electrical" for r in systems)
    component_names = {r["Name"] for r in _sheet(book, "Component")}
    for row in systems:
        assert set(row["ComponentNames"].split(",")) <= component_names
    attributes = _sheet(book, "Attribute")
    live = [r for r in attributes if r["Name"] == "DeviceStatus"]
    assert [r["Value"] for r in live] == ["alarm"]
    assert any(
        r["Name"] == f"{device.device_id}.fault" and r["Value"] == "true" for r in attributes
    )
