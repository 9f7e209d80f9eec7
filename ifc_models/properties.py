"""Property sets, quantities, types and classifications of one file, read once.

``ifcopenshell.util.element.get_psets`` climbs each element's relations and
re-reads its type's property sets for every occurrence; on the 2,000-room demo
building (9,000 equipment sharing a few dozen types) that was most of the
equipment pass. :class:`PropertyIndex` walks each relation class once, on
first use, and converts each property definition once, however many elements
share it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import ifcopenshell
import ifcopenshell.util.classification as classification
import ifcopenshell.util.element

#: Property and quantity names that carry a room's floor area in the tools we
#: meet: IFC's own quantity sets, Revit's dimensions and the GSA area set.
AREA_PROPERTY_NAMES = frozenset(
    {"NetFloorArea", "GrossFloorArea", "Area", "GSA BIM Area", "NetArea", "GrossArea"}
)

Properties = dict[str, dict[str, Any]]
_DROP = object()


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

    def properties(self, element: ifcopenshell.entity_instance) -> Properties:
        """Property and quantity sets as plain JSON-ready values (in the file's units).

        Type values are inherited, the occurrence's own override them. Entity
        references, non-finite numbers and ifcopenshell's internal ``id`` keys
        are dropped, and so are sets left empty.
        """
        element_type = self.type_of(element)
        merged: dict[str, dict[str, Any]] = {}
        if element_type is not None:
            for definition in element_type.HasPropertySets or ():
                self._merge(merged, definition)
        for definition in self._definitions.get(element.id(), ()):
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
