"""Every product's full properties: property sets, quantities, type, classification.

What a BIM viewer's properties panel shows for a picked element. Read once per
building from its IFC files (the twin caches the result next to its other
artifacts), not while navigating: a model's relationships are walked once,
so a property set shared by many elements (a door type's) is converted once.

Property values are plain JSON values in the file's own units, as the
authoring tool wrote them (a property's unit is rarely declared). Quantities
are converted to SI at this boundary — length in m, area in m², volume in
m³ — and carry their unit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import ifcopenshell
import ifcopenshell.util.element
import ifcopenshell.util.unit

from ifc_models.source import OpenedModel, open_model
from ifc_models.structure import classification_codes, plain_value, storey_of

log = logging.getLogger(__name__)

#: Quantity entities → (unit type whose scale converts them, SI unit written out).
QUANTITY_UNITS: dict[str, tuple[str | None, str]] = {
    "IfcQuantityLength": ("LENGTHUNIT", "m"),
    "IfcQuantityArea": ("AREAUNIT", "m²"),
    "IfcQuantityVolume": ("VOLUMEUNIT", "m³"),
    # Mass and time are left as written: every model we met uses kg and s.
    "IfcQuantityWeight": (None, "kg"),
    "IfcQuantityCount": (None, ""),
    "IfcQuantityTime": (None, "s"),
}


def read_element_properties(paths: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """Full properties of every product of a building's files, by GlobalId.

    Each value is ``{global_id, ifc_class, name, description, object_type,
    tag, predefined_type, storey, type, property_sets, quantities,
    classifications}``: ``type`` is ``{global_id, ifc_class, name}`` or
    ``None``; ``property_sets`` maps a set name to ``{property: value}``
    (values inherited from the type, the occurrence's own overriding them);
    ``quantities`` maps a quantity set to ``{quantity: {"value", "unit"}}``
    in SI units. The first file that holds a GlobalId wins (federation).

    Raises
    ------
    ifc_models.errors.IfcModelError
        When a file cannot be read.

    Examples
    --------
    >>> found = read_element_properties([Path("Office_A_20110811.ifc")])  # doctest: +SKIP
    >>> sorted(found["2N3oFtM8X6lO2dN1$77x1u"]["property_sets"])[:1]  # doctest: +SKIP
    ['PSet_Revit_Constraints']
    """
    result: dict[str, dict[str, Any]] = {}
    for path in paths:
        for global_id, record in _file_properties(open_model(Path(path))):
            result.setdefault(global_id, record)
    return result


def _file_properties(opened: OpenedModel) -> Iterator[tuple[str, dict[str, Any]]]:
    model = opened.model
    scales = {
        unit: _unit_scale(model, unit) for unit, _ in QUANTITY_UNITS.values() if unit is not None
    }
    converted: dict[int, tuple[str, dict[str, Any]] | None] = {}

    def definition(item: ifcopenshell.entity_instance) -> tuple[str, dict[str, Any]] | None:
        # One conversion per definition, however many elements share it.
        key = item.id()
        if key not in converted:
            converted[key] = _definition(item, scales)
        return converted[key]

    by_object: dict[int, list[tuple[str, str, dict[str, Any]]]] = {}
    for rel in model.by_type("IfcRelDefinesByProperties"):
        found = definition(rel.RelatingPropertyDefinition)
        if found is None:
            continue
        name = rel.RelatingPropertyDefinition.Name or ""
        for related in rel.RelatedObjects or ():
            by_object.setdefault(related.id(), []).append((name, *found))
    for product in model.by_type("IfcProduct"):
        if product.is_a("IfcOpeningElement") or product.is_a("IfcVirtualElement"):
            continue
        type_entity = ifcopenshell.util.element.get_type(product)
        property_sets: dict[str, dict[str, Any]] = {}
        quantities: dict[str, dict[str, Any]] = {}
        # The type's sets first, so the occurrence's own values override them.
        sets = [
            (item.Name or "", *found)
            for item in (getattr(type_entity, "HasPropertySets", None) or ())
            if (found := definition(item)) is not None
        ]
        sets += by_object.get(product.id(), [])
        for name, kind, values in sets:
            target = property_sets if kind == "pset" else quantities
            target.setdefault(name, {}).update(values)
        storey = storey_of(product)
        yield (
            product.GlobalId,
            {
                "global_id": product.GlobalId,
                "ifc_class": product.is_a(),
                "name": product.Name or "",
                "description": getattr(product, "Description", None) or "",
                "object_type": getattr(product, "ObjectType", None) or "",
                "tag": getattr(product, "Tag", None) or "",
                "predefined_type": str(
                    ifcopenshell.util.element.get_predefined_type(product) or ""
                ),
                "storey": None if storey is None else (storey.Name or storey.GlobalId),
                "type": None
                if type_entity is None
                else {
                    "global_id": type_entity.GlobalId,
                    "ifc_class": type_entity.is_a(),
                    "name": type_entity.Name or "",
                },
                "property_sets": property_sets,
                "quantities": quantities,
                "classifications": list(classification_codes(product)),
            },
        )


def _definition(
    item: ifcopenshell.entity_instance, scales: dict[str, float]
) -> tuple[str, dict[str, Any]] | None:
    """A property set as ``("pset", {name: value})`` or a quantity set as
    ``("qto", {name: {value, unit}})``; ``None`` for other definitions."""
    if item.is_a("IfcPropertySet"):
        values: dict[str, Any] = {}
        for prop in item.HasProperties or ():
            if prop.is_a("IfcPropertySingleValue"):
                nominal = prop.NominalValue
                value = plain_value(None if nominal is None else nominal.wrappedValue)
            elif prop.is_a("IfcPropertyEnumeratedValue"):
                value = plain_value([v.wrappedValue for v in prop.EnumerationValues or ()])
            else:
                continue
            if value is not None:
                values[prop.Name] = value
        return "pset", values
    if item.is_a("IfcElementQuantity"):
        quantities: dict[str, Any] = {}
        for quantity in item.Quantities or ():
            unit = next((u for cls, u in QUANTITY_UNITS.items() if quantity.is_a(cls)), None)
            if unit is None:
                continue
            raw = plain_value(quantity[3])
            if not isinstance(raw, (int, float)) or isinstance(raw, bool):
                continue
            scale = scales.get(unit[0], 1.0) if unit[0] else 1.0
            quantities[quantity.Name] = {"value": float(raw) * scale, "unit": unit[1]}
        return "qto", quantities
    return None


def _unit_scale(model: ifcopenshell.file, unit_type: str) -> float:
    # A quantity type without a declared project unit is in SI (IFC's default).
    if ifcopenshell.util.unit.get_project_unit(model, unit_type) is None:
        if unit_type == "AREAUNIT":
            return float(ifcopenshell.util.unit.calculate_unit_scale(model, "LENGTHUNIT")) ** 2
        if unit_type == "VOLUMEUNIT":
            return float(ifcopenshell.util.unit.calculate_unit_scale(model, "LENGTHUNIT")) ** 3
        return 1.0
    return float(ifcopenshell.util.unit.calculate_unit_scale(model, unit_type))
