"""Full element properties: sets, quantities in SI, type inheritance, classification."""

from __future__ import annotations

from pathlib import Path

import ifcopenshell
import ifcopenshell.api
import pytest

from ifc_models.properties import read_element_properties
from tests.conftest import sample_dir
from tests.ifc_models.builders import build_two_rooms


def _door_with_type(path: Path, door_id: str, schema: str) -> None:
    """Give the door a type with a property set, its own override, a quantity and a code."""
    f = ifcopenshell.open(str(path))
    door = f.by_guid(door_id)
    door_type = ifcopenshell.api.run(
        "root.create_entity",
        f,
        ifc_class="IfcDoorStyle" if schema == "IFC2X3" else "IfcDoorType",
        name="D90 fire door",
    )
    ifcopenshell.api.run("type.assign_type", f, related_objects=[door], relating_type=door_type)
    typed = ifcopenshell.api.run("pset.add_pset", f, product=door_type, name="Pset_DoorCommon")
    ifcopenshell.api.run(
        "pset.edit_pset", f, pset=typed, properties={"FireRating": "EI30", "IsExternal": False}
    )
    own = ifcopenshell.api.run("pset.add_pset", f, product=door, name="Pset_DoorCommon")
    ifcopenshell.api.run("pset.edit_pset", f, pset=own, properties={"IsExternal": True})
    qto = ifcopenshell.api.run("pset.add_qto", f, product=door, name="Qto_DoorBaseQuantities")
    ifcopenshell.api.run("pset.edit_qto", f, qto=qto, properties={"Width": 900.0, "Area": 1.89})
    system = ifcopenshell.api.run("classification.add_classification", f, classification="GB/T")
    ifcopenshell.api.run(
        "classification.add_reference",
        f,
        products=[door],
        identification="30-01.10",
        name="防火门",
        classification=system,
    )
    f.write(str(path))


@pytest.mark.parametrize("schema", ["IFC4", "IFC2X3"])
def test_a_door_has_its_type_sets_overrides_quantities_in_metres_and_codes(tmp_path, schema):
    built = build_two_rooms(tmp_path / "m.ifc", schema=schema, units="mm")
    _door_with_type(built.path, built.interior_door, schema)
    door = read_element_properties([built.path])[built.interior_door]
    assert door["ifc_class"] == "IfcDoor"
    assert door["storey"] == "Level 0"
    assert door["type"]["name"] == "D90 fire door"
    # The type's value is inherited; the occurrence's own overrides it.
    assert door["property_sets"]["Pset_DoorCommon"] == {"FireRating": "EI30", "IsExternal": True}
    # 900 mm in a millimetre model is 0.9 m.
    width = door["quantities"]["Qto_DoorBaseQuantities"]["Width"]
    assert width == {"value": pytest.approx(0.9), "unit": "m"}
    assert door["classifications"] == ["30-01.10 防火门"]


def test_openings_are_not_elements_of_their_own(tmp_path):
    built = build_two_rooms(tmp_path / "m.ifc")
    classes = {r["ifc_class"] for r in read_element_properties([built.path]).values()}
    assert "IfcOpeningElement" not in classes
    assert {"IfcDoor", "IfcSpace", "IfcWall"} <= classes


def test_every_door_of_office_a_has_its_revit_property_sets():
    office_a = sample_dir() / "Office_A_20110811.ifc"
    if not office_a.is_file():
        pytest.skip("Office_A is not in the sample folder")
    doors = [r for r in read_element_properties([office_a]).values() if r["ifc_class"] == "IfcDoor"]
    assert len(doors) == 102
    assert all("Pset_DoorCommon" in d["property_sets"] for d in doors)
    assert all(d["type"] is not None for d in doors)
