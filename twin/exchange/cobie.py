"""COBie 2.4: the handover workbook (XLSX) from the twin's records and live asset data.

The sheets a facility handover needs, with COBie 2.4's column headers in its
order (:data:`SHEETS`): Contact, Facility, Floor, Space, Zone, Type,
Component, System, Document, Attribute. One Space row per room, one
Component row per piece of equipment and per lift; every row carries the IFC
GlobalId as ``ExtIdentifier`` and the IFC class as ``ExtObject``. A value the
twin does not know is ``n/a``, as COBie asks.

Where the model states them (``Pset_ManufacturerOccurrence``,
``Pset_ManufacturerTypeInformation`` or Revit's own property sets), serial
numbers, bar codes, installation dates, manufacturers and model numbers go
into Component and Type. The live twin adds the bound device's id as the
component's ``AssetIdentifier`` and, on the Attribute sheet, the device id,
its status and the latest reading of each point with its unit.

ifcopenshell ships no COBie writer in the wheel we use (its IfcCOBie lives in
the Blender add-on and reads IFC, not the twin), and only ``ifc_models`` may
read IFC: the sheets are therefore written from the twin's records, which
already hold areas in m², rooms and equipment location.

Examples
--------
>>> data = cobie_xlsx(building, devices=devices)  # doctest: +SKIP
>>> openpyxl.load_workbook(io.BytesIO(data))["Space"].max_row - 1 == len(building.spaces)
... # doctest: +SKIP

Over 400 lines: one function per COBie sheet, each short; the sheets share the
row helpers at the top, so they stay in one module.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from spatial.areas import model_area_for_comparison, usable_area
from spatial.records import Building, Equipment
from spatial.room_types import RoomTypeRules

if TYPE_CHECKING:
    from twin.devices.registry import Device
    from twin.devices.state import DeviceState

#: COBie's word for a value that is not known.
NA = "n/a"
#: The value of ``ExtSystem`` on every row.
EXT_SYSTEM = "bim-facility-twin"
#: Contact written when the caller names none.
DEFAULT_CONTACT = "facilities@localhost"
#: Digits of areas (m²) and lengths (m).
AREA_DIGITS = 2
LENGTH_DIGITS = 3

_EXT = ("ExtSystem", "ExtObject", "ExtIdentifier")
#: The sheets, in workbook order, with COBie 2.4's column headers.
SHEETS: Mapping[str, tuple[str, ...]] = {
    "Contact": (
        "Email", "CreatedBy", "CreatedOn", "Category", "Company", "Phone", *_EXT,
        "Department", "OrganizationCode", "GivenName", "FamilyName", "Street", "PostalBox",
        "Town", "StateRegion", "PostalCode", "Country",
    ),
    "Facility": (
        "Name", "CreatedBy", "CreatedOn", "Category", "ProjectName", "SiteName", "LinearUnits",
        "AreaUnits", "VolumeUnits", "CurrencyUnit", "AreaMeasurement", "ExternalSystem",
        "ExternalProjectObject", "ExternalProjectIdentifier", "ExternalSiteObject",
        "ExternalSiteIdentifier", "ExternalFacilityObject", "ExternalFacilityIdentifier",
        "Description", "ProjectDescription", "SiteDescription", "Phase",
    ),
    "Floor": (
        "Name", "CreatedBy", "CreatedOn", "Category", *_EXT, "Description", "Elevation", "Height",
    ),
    "Space": (
        "Name", "CreatedBy", "CreatedOn", "Category", "FloorName", "Description", *_EXT,
        "RoomTag", "UsableHeight", "GrossArea", "NetArea",
    ),
    "Zone": ("Name", "CreatedBy", "CreatedOn", "Category", "SpaceNames", *_EXT, "Description"),
    "Type": (
        "Name", "CreatedBy", "CreatedOn", "Category", "Description", "AssetType", "Manufacturer",
        "ModelNumber", "WarrantyGuarantorParts", "WarrantyDurationParts",
        "WarrantyGuarantorLabor", "WarrantyDurationLabor", "WarrantyDurationUnit", *_EXT,
        "ReplacementCost", "ExpectedLife", "DurationUnit", "WarrantyDescription",
        "NominalLength", "NominalWidth", "NominalHeight", "ModelReference", "Shape", "Size",
        "Color", "Finish", "Grade", "Material", "Constituents", "Features",
        "AccessibilityPerformance", "CodePerformance", "SustainabilityPerformance",
    ),
    "Component": (
        "Name", "CreatedBy", "CreatedOn", "TypeName", "Space", "Description", *_EXT,
        "SerialNumber", "InstallationDate", "WarrantyStartDate", "TagNumber", "BarCode",
        "AssetIdentifier",
    ),
    "System": (
        "Name", "CreatedBy", "CreatedOn", "Category", "ComponentNames", *_EXT, "Description",
    ),
    "Document": (
        "Name", "CreatedBy", "CreatedOn", "Category", "ApprovalBy", "Stage", "SheetName",
        "RowName", "Directory", "File", *_EXT, "Description", "Reference",
    ),
    "Attribute": (
        "Name", "CreatedBy", "CreatedOn", "Category", "SheetName", "RowName", "Value", "Unit",
        *_EXT, "Description", "AllowedValues",
    ),
}  # fmt: skip

#: Property names (in any property set) that carry a component's or type's asset data.
SERIAL_KEYS = ("SerialNumber",)
BARCODE_KEYS = ("BarCode",)
INSTALLED_KEYS = ("InstallationDate",)
MANUFACTURER_KEYS = ("Manufacturer",)
MODEL_KEYS = ("ModelLabel", "ModelNumber", "Model")
MODEL_REFERENCE_KEYS = ("ModelReference",)
#: Properties that name the system a component belongs to, with the system's category.
SYSTEM_KEYS: Mapping[str, str] = {
    "System Name": "Mechanical",
    "System Classification": "Mechanical",
    "Panel": "Electrical",
}
#: The twin's room types as COBie space categories (Chinese first, as the department reads).
SPACE_CATEGORIES: Mapping[str, str] = {
    "office": "办公室 Office",
    "meeting": "会议室 Meeting room",
    "reception": "接待室 Reception",
    "circulation": "交通空间 Circulation",
    "stair": "楼梯间 Stair",
    "lift": "电梯 Lift",
    "toilet": "卫生间 Toilet",
    "tea": "茶水间 Tea room",
    "storage": "库房 Storage",
    "it": "弱电机房 IT room",
    "plant": "设备用房 Plant room",
    "other": "其他 Other",
}


def _property(item: Equipment, keys: Sequence[str]) -> str:
    """The first non-empty value of a property named in ``keys``, in any set, else n/a."""
    for key in keys:
        for props in item.properties.values():
            value = props.get(key)
            if value not in (None, ""):
                return str(value)
    return NA


def _unique(names: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{GlobalId: name}`` with COBie's unique names: a repeated name gets its GlobalId."""
    pairs = list(names)
    counts: dict[str, int] = defaultdict(int)
    for _, name in pairs:
        counts[name] += 1
    return {gid: name if counts[name] == 1 else f"{name} ({gid})" for gid, name in pairs}


def type_name(item: Equipment) -> str:
    """The COBie Type of a piece of equipment: its IFC type's name, else its IFC class."""
    return item.type_name or item.ifc_class


def cobie_rows(
    building: Building,
    *,
    devices: Sequence[Device] = (),
    states: Mapping[str, DeviceState] | None = None,
    room_types: Mapping[str, str] | None = None,
    contact: str = DEFAULT_CONTACT,
    company: str = NA,
    created_on: datetime | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The COBie rows of each sheet, as ``{sheet: [{column: value}]}`` (missing = n/a).

    Parameters
    ----------
    building
        The building (areas m², lengths m).
    devices, states
        The building's devices and their live states (by device id): device
        ids become asset identifiers, states and latest readings attributes.
    room_types
        ``{space GlobalId: room type}`` (default: the twin's keyword rules).
    contact, company
        The e-mail and organisation of the handover's author (``CreatedBy``).
    created_on
        The time stamped on every row (default: now, UTC).
    """
    when = (created_on or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    base = {"CreatedBy": contact, "CreatedOn": when, "ExtSystem": EXT_SYSTEM}
    types = room_types or RoomTypeRules().classify_all(building.spaces)
    storeys = {s.global_id: s for s in building.storeys}
    for storey in building.storeys:
        for alias in storey.aliases:
            storeys[alias] = storey
    room_names = _unique(
        (s.global_id, s.name or s.long_name or s.global_id) for s in building.spaces
    )
    items = [*building.equipment]
    component_names = _unique(
        [(e.global_id, e.name or e.tag or e.global_id) for e in items]
        + [(link.global_id, link.name or link.global_id) for link in building.lifts]
    )
    by_element = {d.global_id: d for d in devices if d.global_id}

    rows: dict[str, list[dict[str, Any]]] = {sheet: [] for sheet in SHEETS}
    rows["Contact"].append(
        {**base, "Email": contact, "Category": "Facility Manager", "Company": company}
    )
    rows["Facility"].append(
        {
            **base,
            "Name": building.name,
            "Category": "Office building",
            "ProjectName": building.name,
            "SiteName": building.name,
            "LinearUnits": "meters",
            "AreaUnits": "square meters",
            "VolumeUnits": "cubic meters",
            "CurrencyUnit": "CNY",
            "AreaMeasurement": "usable area (使用面积): net floor area inside the walls",
            "ExternalSystem": EXT_SYSTEM,
            "ExternalFacilityObject": "IfcBuilding",
            "ExternalFacilityIdentifier": building.global_id,
            "Phase": "Operations",
        }
    )
    levels = sorted(building.storeys, key=lambda s: s.elevation_m)
    for index, storey in enumerate(levels):
        above = levels[index + 1].elevation_m if index + 1 < len(levels) else None
        rows["Floor"].append(
            {
                **base,
                "Name": storey.name,
                "Category": "Floor",
                "ExtObject": "IfcBuildingStorey",
                "ExtIdentifier": storey.global_id,
                "Elevation": round(storey.elevation_m, LENGTH_DIGITS),
                "Height": NA if above is None else round(above - storey.elevation_m, LENGTH_DIGITS),
            }
        )
    for space in building.spaces:
        area = usable_area(space)
        gross = next(
            (v for k, v in space.model_areas.items() if k.endswith("GrossFloorArea")), None
        )
        row = {
            **base,
            "Name": room_names[space.global_id],
            "Category": SPACE_CATEGORIES.get(types.get(space.global_id, "other"), "其他 Other"),
            "FloorName": storeys[space.storey_id].name if space.storey_id in storeys else NA,
            "Description": space.long_name or space.name or NA,
            "ExtObject": "IfcSpace",
            "ExtIdentifier": space.global_id,
            "RoomTag": space.name or NA,
            "UsableHeight": NA if space.height_m is None else round(space.height_m, LENGTH_DIGITS),
            "GrossArea": NA if gross is None else round(float(gross), AREA_DIGITS),
            "NetArea": NA if area.area_m2 is None else round(area.area_m2, AREA_DIGITS),
        }
        rows["Space"].append(row)
        compared = model_area_for_comparison(space)
        rows["Attribute"].append(
            _attribute(base, "Space", row["Name"], "UsableAreaSource", area.source, "", space)
        )
        if compared is not None:
            key, value = compared
            rows["Attribute"].append(
                _attribute(base, "Space", row["Name"], key, round(value, AREA_DIGITS), "m2", space)
            )
    for zone in building.zones:
        rows["Zone"].append(
            {
                **base,
                "Name": zone.name or zone.global_id,
                "Category": "Zone",
                "SpaceNames": ",".join(room_names[g] for g in zone.space_ids if g in room_names)
                or NA,
                "ExtObject": "IfcZone",
                "ExtIdentifier": zone.global_id,
            }
        )

    seen_types: dict[str, Equipment] = {}
    for item in items:
        seen_types.setdefault(type_name(item), item)
    for name, item in seen_types.items():
        rows["Type"].append(
            {
                **base,
                "Name": name,
                "Category": item.predefined_type or item.ifc_class,
                "Description": item.ifc_class,
                "AssetType": "Fixed",
                "Manufacturer": _property(item, MANUFACTURER_KEYS),
                "ModelNumber": _property(item, MODEL_KEYS),
                "ExtObject": f"{item.ifc_class}Type",
                "ExtIdentifier": name,
                "ModelReference": _property(item, MODEL_REFERENCE_KEYS),
            }
        )
    if building.lifts:
        rows["Type"].append(
            {**base, "Name": "Lift", "Category": "LIFT", "Description": "IfcTransportElement",
             "AssetType": "Fixed", "ExtObject": "IfcTransportElementType", "ExtIdentifier": "Lift"}
        )  # fmt: skip

    systems: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in items:
        name = component_names[item.global_id]
        device = by_element.get(item.global_id)
        space = room_names.get(item.space_id or "")
        if space is None and item.storey_id in storeys:
            space = storeys[item.storey_id].name
        rows["Component"].append(
            {
                **base,
                "Name": name,
                "TypeName": type_name(item),
                "Space": space or NA,
                "Description": item.name or item.ifc_class,
                "ExtObject": item.ifc_class,
                "ExtIdentifier": item.global_id,
                "SerialNumber": _property(item, SERIAL_KEYS),
                "InstallationDate": _property(item, INSTALLED_KEYS),
                "TagNumber": item.tag or NA,
                "BarCode": _property(item, BARCODE_KEYS),
                "AssetIdentifier": device.device_id if device else (item.tag or NA),
            }
        )
        for key, category in SYSTEM_KEYS.items():
            value = _property(item, (key,))
            if value != NA:
                systems[(category, value)].append(name)
        for pset, props in sorted(item.properties.items()):
            for key, value in sorted(props.items()):
                if isinstance(value, (str, int, float, bool)) and value != "":
                    rows["Attribute"].append(
                        _attribute(base, "Component", name, key, value, "", item, pset)
                    )
    for link in building.lifts:
        device = by_element.get(link.global_id)
        rows["Component"].append(
            {
                **base,
                "Name": component_names[link.global_id],
                "TypeName": "Lift",
                "Space": ",".join(storeys[s].name for s in link.storey_ids if s in storeys) or NA,
                "Description": link.name or "lift",
                "ExtObject": link.ifc_class or "IfcTransportElement",
                "ExtIdentifier": link.global_id,
                "AssetIdentifier": device.device_id if device else NA,
            }
        )
    for (category, value), members in sorted(systems.items()):
        rows["System"].append(
            {
                **base,
                "Name": value if category == "Mechanical" else f"Panel {value}",
                "Category": category,
                "ComponentNames": ",".join(members),
                "ExtObject": "IfcSystem",
                "ExtIdentifier": f"{category}:{value}",
            }
        )
    for source in building.sources:
        rows["Document"].append(
            {
                **base,
                "Name": source.name,
                "Category": "Model",
                "Stage": "As built",
                "SheetName": "Facility",
                "RowName": building.name,
                "File": source.name,
                "ExtObject": "IfcDocumentInformation",
                "ExtIdentifier": source.name,
                "Description": f"{source.schema} model, lengths in {source.length_unit}",
            }
        )

    live = states or {}
    for device in devices:
        name = component_names.get(device.global_id or "") or room_names.get(device.global_id or "")
        if name is None:
            continue
        sheet = "Component" if device.global_id in component_names else "Space"
        rows["Attribute"].append(
            _attribute(base, sheet, name, "DeviceId", device.device_id, "", None, "Twin")
        )
        state = live.get(device.device_id)
        if state is None:
            continue
        rows["Attribute"].append(
            _attribute(base, sheet, name, "DeviceStatus", state.status, "", None, "Twin")
        )
        for point, reading in sorted(state.points.items()):
            rows["Attribute"].append(
                _attribute(
                    base, sheet, name, f"{device.device_id}.{point}", reading.value,
                    reading.unit, None, "Twin", reading.ts.isoformat(),
                )
            )  # fmt: skip
    return rows


def _attribute(
    base: Mapping[str, Any],
    sheet: str,
    row: str,
    name: str,
    value: Any,
    unit: str,
    element: Any,
    category: str = "Twin",
    description: str = "",
) -> dict[str, Any]:
    return {
        **base,
        "Name": name,
        "Category": category,
        "SheetName": sheet,
        "RowName": row,
        "Value": value if not isinstance(value, bool) else str(value).lower(),
        "Unit": unit or NA,
        "ExtObject": "IfcPropertySingleValue" if element is not None else "Twin",
        "ExtIdentifier": getattr(element, "global_id", None) or row,
        "Description": description or NA,
    }


def cobie_xlsx(building: Building, **options: Any) -> bytes:
    """The COBie 2.4 workbook (XLSX bytes) of :func:`cobie_rows`, one sheet each.

    Header rows are bold and frozen; unknown values are ``n/a``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = cobie_rows(building, **options)
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for sheet, headers in SHEETS.items():
        page = book.create_sheet(sheet)
        page.append(list(headers))
        for cell in page[1]:
            cell.font = bold
        page.freeze_panes = "A2"
        for row in rows[sheet]:
            page.append([_cell(row.get(h, NA)) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or value == "":
        return NA
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XLSX cannot hold
    return value
