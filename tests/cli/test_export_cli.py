"""``twin export brick|cobie``: files from IFC models, devices bound from a registry file."""

from __future__ import annotations

import rdflib

from tests.cli.runner import run_twin
from tests.conftest import sample_dir
from twin.buildings.ingest import ingest
from twin.demo.simulator import template_rows
from twin.devices.registry import write_registry_csv
from twin.exchange import brick

MODEL = sample_dir() / "3rooms_Heater_AirTerminal_Table_with_SB.ifc"


def test_brick_export_binds_a_registry_and_validates(tmp_path) -> None:
    building = ingest([MODEL]).building
    registry = tmp_path / "devices.csv"
    registry.write_text(write_registry_csv(template_rows(building)), "utf-8")
    out = tmp_path / "3rooms.ttl"
    result = run_twin(
        "export", "brick", str(MODEL), "--devices", str(registry), "--validate", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "SHACL-valid" in result.output
    graph = rdflib.Graph().parse(out, format="turtle")
    ids = {str(o) for o in graph.objects(None, rdflib.URIRef(brick.REF_NS + "ifcGlobalID"))}
    assert {s.global_id for s in building.spaces} <= ids


def test_a_misspelt_class_in_the_registry_exits_2_naming_the_closest(tmp_path) -> None:
    registry = tmp_path / "devices.csv"
    registry.write_text(
        "device_id,global_id,point,brick_class,unit\nTS-1,,temp,Zone_Air_Temp_Sensor,degC\n"
    )
    out = tmp_path / "x.ttl"
    result = run_twin("export", "brick", str(MODEL), "--devices", str(registry), "--out", str(out))
    assert result.exit_code == 2
    assert "Zone_Air_Temperature_Sensor" in result.stderr
    assert not out.exists()


def test_the_format_comes_from_the_suffix(tmp_path) -> None:
    result = run_twin("export", "brick", str(MODEL), "--out", str(tmp_path / "x.json"))
    assert result.exit_code == 2
    assert ".ttl" in result.stderr


def test_cobie_export_writes_the_workbook(tmp_path) -> None:
    import openpyxl

    building = ingest([MODEL]).building
    out = tmp_path / "3rooms.xlsx"
    result = run_twin("export", "cobie", str(MODEL), "--out", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out, read_only=True)
    assert book["Space"].max_row == 1 + len(building.spaces)
    assert book["Component"].max_row == 1 + len(building.equipment) + len(building.lifts)
