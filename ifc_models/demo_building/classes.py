"""Which IFC classes and predefined types the demo building uses, per schema.

IFC4 has a dedicated occurrence class per kind of distribution element
(``IfcSensor``, ``IfcUnitaryEquipment``...). IFC2X3 only has the generic
occurrence classes; the kind lives on the type object (``IfcSensorType`` on
an ``IfcDistributionControlElement``), which is how IFC2X3 authoring tools
export them. Neither schema has a fan-coil enumeration for unitary equipment,
so fan coils are ``USERDEFINED`` with ``FANCOIL`` as the user-defined type.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EquipmentClass:
    occurrence: str
    type_class: str
    predefined_type: str  # on the type; "USERDEFINED" uses ``user_type``
    user_type: str | None = None


_IFC4 = {
    "ahu": EquipmentClass("IfcUnitaryEquipment", "IfcUnitaryEquipmentType", "AIRHANDLER"),
    "fcu": EquipmentClass(
        "IfcUnitaryEquipment", "IfcUnitaryEquipmentType", "USERDEFINED", "FANCOIL"
    ),
    "temp": EquipmentClass("IfcSensor", "IfcSensorType", "TEMPERATURESENSOR"),
    "co2": EquipmentClass("IfcSensor", "IfcSensorType", "CO2SENSOR"),
    "occ": EquipmentClass("IfcSensor", "IfcSensorType", "MOVEMENTSENSOR"),
    "leak": EquipmentClass("IfcSensor", "IfcSensorType", "MOISTURESENSOR"),
    "meter": EquipmentClass("IfcFlowMeter", "IfcFlowMeterType", "ENERGYMETER"),
    "light": EquipmentClass("IfcLightFixture", "IfcLightFixtureType", "POINTSOURCE"),
    "lift_ctrl": EquipmentClass("IfcController", "IfcControllerType", "PROGRAMMABLE"),
}

_IFC2X3 = {
    "ahu": EquipmentClass("IfcEnergyConversionDevice", "IfcUnitaryEquipmentType", "AIRHANDLER"),
    "fcu": EquipmentClass(
        "IfcEnergyConversionDevice", "IfcUnitaryEquipmentType", "USERDEFINED", "FANCOIL"
    ),
    "temp": EquipmentClass("IfcDistributionControlElement", "IfcSensorType", "TEMPERATURESENSOR"),
    "co2": EquipmentClass("IfcDistributionControlElement", "IfcSensorType", "CO2SENSOR"),
    "occ": EquipmentClass("IfcDistributionControlElement", "IfcSensorType", "MOVEMENTSENSOR"),
    "leak": EquipmentClass("IfcDistributionControlElement", "IfcSensorType", "MOISTURESENSOR"),
    "meter": EquipmentClass("IfcFlowController", "IfcFlowMeterType", "ELECTRICMETER"),
    "light": EquipmentClass("IfcFlowTerminal", "IfcLightFixtureType", "POINTSOURCE"),
    # IFC2X3 controllers have no programmable kind.
    "lift_ctrl": EquipmentClass(
        "IfcDistributionControlElement", "IfcControllerType", "USERDEFINED", "PROGRAMMABLE"
    ),
}


def equipment_classes(schema: str) -> dict[str, EquipmentClass]:
    """Equipment kind (see ``layout.EQUIPMENT_KINDS``) to its IFC classes."""
    return _IFC2X3 if schema == "IFC2X3" else _IFC4
