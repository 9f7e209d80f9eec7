"""Property sets, quantities, types and classifications of IFC elements, read once.

Two readers share one walk of a file's relations:

* :class:`PropertyIndex` answers the twin's readers (spaces, equipment,
  doors) element by element. ``ifcopenshell.util.element.get_psets`` climbs
  each element's relations and re-reads its type's property sets for every
  occurrence; on the 2,000-room demo building (9,000 equipment sharing a few
  dozen types) that was most of the equipment pass. The index walks each
  relation class once, on first use, and converts each property definition
  once, however many elements share it. Values are in the file's units.
* :func:`read_element_properties` gives every product's full record for a BIM
  viewer's properties panel: property sets, quantities, type, classification.
  It is read once per building (the twin caches the result next to its other
  artifacts), not while navigating. Property values are plain JSON values in
  the file's own units, as the authoring tool wrote them (a property's unit is
  rarely declared). Quantities are converted to SI at this boundary — length
  in m, area in m², volume in m³ — and carry their unit.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import ifcopenshell
import ifcopenshell.util.classification as classification
import ifcopenshell.util.element
import ifcopenshell.util.unit

from ifc_models.source import OpenedModel, open_model
from ifc_models.structure import StructureLookups

#: Property and quantity names that carry a room's floor area in the tools we
#: meet: IFC's own quantity sets, Revit's dimensions and the GSA area set.
AREA_PROPERTY_NAMES = frozenset(
    {"NetFloorArea", "GrossFloorArea", "Area", "GSA BIM Area", "NetArea", "GrossArea"}
)

Properties = dict[str, dict[str, Any]]
_DROP = object()

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


class PropertyIndex:
    """Types, property sets and classifications of one model's elements.

    The relations are read on the first question (a file nobody asks about
    costs nothing); each property definition is converted to plain values
    once. Values are in the file's units, as the model wrote them.

    Examples
    --------
    >>> index = PropertyIndex(model)  # doctest: +SKIP
    >>> index.properties(space)["Qto_SpaceBaseQuantities"]["NetFloorArea"]  # doctest: +SKIP
    12.0
    """

    def __init__(self, model: ifcopenshell.file) -> None:
        self._model = model
        self._types: dict[int, ifcopenshell.entity_instance] | None = None
        self._definitions: dict[int, list[ifcopenshell.entity_instance]] = {}
        self._classified: set[int] = set()
        self._converted: dict[int, tuple[str, dict[str, Any]]] = {}

    def _read_relations(self) -> dict[int, ifcopenshell.entity_instance]:
        if self._types is None:
            types: dict[int, ifcopenshell.entity_instance] = {}
            for rel in self._model.by_type("IfcRelDefinesByType"):
                for obj in rel.RelatedObjects or ():
                    types[obj.id()] = rel.RelatingType
            definitions: dict[int, list[ifcopenshell.entity_instance]] = defaultdict(list)
            for rel in self._model.by_type("IfcRelDefinesByProperties"):
                definition = rel.RelatingPropertyDefinition
                # IFC4's IfcPropertySetDefinitionSet wraps a list of definitions.
                members = (
                    definition.wrappedValue
                    if definition.is_a("IfcPropertySetDefinitionSet")
                    else (definition,)
                )
                for obj in rel.RelatedObjects or ():
                    definitions[obj.id()].extend(members)
            for rel in self._model.by_type("IfcRelAssociatesClassification"):
                self._classified.update(obj.id() for obj in rel.RelatedObjects or ())
            self._definitions = definitions
            self._types = types
        return self._types

    def type_of(self, element: ifcopenshell.entity_instance) -> ifcopenshell.entity_instance | None:
        """The element's type object (IfcRelDefinesByType), or ``None``."""
        return self._read_relations().get(element.id())

    def definitions(
        self, element: ifcopenshell.entity_instance
    ) -> list[ifcopenshell.entity_instance]:
        """The element's property definitions: its type's first, then its own
        (so that, merged in this order, the occurrence's values override)."""
        element_type = self.type_of(element)
        inherited = list(element_type.HasPropertySets or ()) if element_type is not None else []
        return inherited + self._definitions.get(element.id(), [])

    def properties(self, element: ifcopenshell.entity_instance) -> Properties:
        """Property and quantity sets as plain JSON-ready values (in the file's units).

        Type values are inherited, the occurrence's own override them. Entity
        references, non-finite numbers and ifcopenshell's internal ``id`` keys
        are dropped, and so are sets left empty.
        """
        merged: dict[str, dict[str, Any]] = {}
        for definition in self.definitions(element):
            self._merge(merged, definition)
        result: Properties = {}
        for set_name, values in merged.items():
            plain = {k: v for k, v in values.items() if v is not _DROP}
            if plain:
                result[set_name] = plain
        return result

    def _merge(self, merged: dict[str, dict[str, Any]], definition: Any) -> None:
        key = definition.id()
        if key not in self._converted:
            values = ifcopenshell.util.element.get_property_definition(definition)
            self._converted[key] = (
                definition.Name,
                {k: _plain(v) for k, v in values.items() if k != "id"},
            )
        name, values = self._converted[key]
        merged.setdefault(name, {}).update(values)

    def predefined_type(self, element: ifcopenshell.entity_instance) -> str:
        """The predefined type, the type object's first, a user-defined one by its name."""
        for source in (self.type_of(element), element):
            if source is None:
                continue
            value = getattr(source, "PredefinedType", None)
            if value == "USERDEFINED" or not value:
                value = (
                    getattr(source, "ElementType", None) or getattr(source, "ProcessType", None)
                    if source is not element
                    else getattr(source, "ObjectType", None)
                )
            if source is element or (value and value != "NOTDEFINED"):
                return str(value or "")
        return ""

    def classifications(self, element: ifcopenshell.entity_instance) -> tuple[str, ...]:
        """Classification references of an element (and its type), as ``"code name"`` strings."""
        element_type = self.type_of(element)
        if element.id() not in self._classified and (
            element_type is None or element_type.id() not in self._classified
        ):
            return ()
        codes = []
        for reference in classification.get_references(element):
            code = getattr(reference, "Identification", None) or getattr(
                reference, "ItemReference", None
            )
            text = " ".join(str(part) for part in (code, reference.Name) if part)
            if text:
                codes.append(text)
        return tuple(sorted(set(codes)))


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
    index = PropertyIndex(model)
    lookups = StructureLookups(model, opened.length_scale_m)
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

    for product in model.by_type("IfcProduct"):
        if product.is_a("IfcOpeningElement") or product.is_a("IfcVirtualElement"):
            continue
        type_entity = index.type_of(product)
        property_sets: dict[str, dict[str, Any]] = {}
        quantities: dict[str, dict[str, Any]] = {}
        # The type's sets first, so the occurrence's own values override them.
        for item in index.definitions(product):
            found = definition(item)
            if found is None:
                continue
            kind, values = found
            target = property_sets if kind == "pset" else quantities
            target.setdefault(item.Name or "", {}).update(values)
        storey = lookups.storey_of(product)
        yield (
            product.GlobalId,
            {
                "global_id": product.GlobalId,
                "ifc_class": product.is_a(),
                "name": product.Name or "",
                "description": getattr(product, "Description", None) or "",
                "object_type": getattr(product, "ObjectType", None) or "",
                "tag": getattr(product, "Tag", None) or "",
                "predefined_type": index.predefined_type(product),
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
                "classifications": list(index.classifications(product)),
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
                value = _plain_value(None if nominal is None else nominal.wrappedValue)
            elif prop.is_a("IfcPropertyEnumeratedValue"):
                value = _plain_value([v.wrappedValue for v in prop.EnumerationValues or ()])
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
            raw = _plain_value(quantity[3])
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


def _plain_value(value: Any) -> Any:
    """An IFC value as a JSON-ready value; ``None`` for what JSON cannot hold
    (entity references, NaN)."""
    plain = _plain(value)
    return None if plain is _DROP else plain


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else _DROP
    if isinstance(value, (list, tuple)):
        items = [_plain(item) for item in value]
        return [item for item in items if item is not _DROP]
    return _DROP


def model_areas(
    properties: Mapping[str, Mapping[str, Any]], area_scale_m2: float
) -> dict[str, float]:
    """Floor-area values the authoring tool wrote, as ``{"Set.Property": m²}``."""
    return {
        f"{set_name}.{name}": float(value) * area_scale_m2
        for set_name, values in properties.items()
        for name, value in values.items()
        if name in AREA_PROPERTY_NAMES
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
    }
