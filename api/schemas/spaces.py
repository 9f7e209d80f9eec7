"""Rooms, elements by GlobalId, and search hits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ConfigDict, Field

from api.schemas.common import Out

ElementKindField = Field(
    description="storey, space, door, stair, ramp, lift, equipment or zone",
)


class SpaceOut(Out):
    """A room. ``area_m2`` is its usable area (m²) from ``area_source``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "global_id": "2O2Fr$t4X7Zf8NOew3FLOH",
                    "name": "0312",
                    "long_name": "局长办公室",
                    "storey_id": "3cUkl32yn9qRSPvBJVyWYp",
                    "storey": "F03",
                    "room_type": "office",
                    "area_m2": 17.8,
                    "area_source": "footprint",
                }
            ]
        }
    )

    global_id: str
    name: str = Field(description="room number (IfcSpace.Name)")
    long_name: str = Field(description="room name (IfcSpace.LongName)")
    storey_id: str
    storey: str
    room_type: str
    area_m2: float | None = Field(description="usable area, m²")
    area_source: str = Field(description="footprint, model_net_floor_area or none")


class EquipmentOut(Out):
    global_id: str
    ifc_class: str
    name: str
    tag: str
    storey: str | None
    space_id: str | None
    centre: list[float] | None = Field(description="world metres [x, y, z]")


class DeviceRef(Out):
    """A device bound to the element or room, with its live status."""

    device_id: str
    global_id: str | None
    status: str = Field(description="normal, warning, alarm or offline")


class OccupantOut(Out):
    """Personal data: only for keys allowed to see it."""

    person_id: str
    name: str
    department: str
    rank: str
    valid_from: dt.date
    valid_to: dt.date | None


class OccupancyOut(Out):
    date: dt.date
    count: int
    departments: list[str]
    occupants: list[OccupantOut] | None = Field(
        description="null unless the key may see personal data"
    )


class SpaceDetail(SpaceOut):
    """A room with its outline, equipment, devices and occupancy."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "global_id": "2O2Fr$t4X7Zf8NOew3FLOH",
                    "name": "0312",
                    "long_name": "局长办公室",
                    "storey_id": "3cUkl32yn9qRSPvBJVyWYp",
                    "storey": "F03",
                    "room_type": "office",
                    "area_m2": 17.8,
                    "area_source": "footprint",
                    "zones": [],
                    "height_m": 3.0,
                    "floor_z_m": 7.2,
                    "footprint": [[[0, 0], [4, 0], [4, 4.45], [0, 4.45], [0, 0]]],
                    "model_areas": {},
                    "equipment": [],
                    "devices": [],
                    "occupancy": {
                        "date": "2026-01-05",
                        "count": 1,
                        "departments": ["办公室"],
                        "occupants": None,
                    },
                }
            ]
        }
    )

    zones: list[str]
    height_m: float | None
    floor_z_m: float | None
    footprint: list[list[list[float]]] | None = Field(
        description="exterior rings [[x, y], ...], world metres"
    )
    model_areas: dict[str, float] = Field(description="the model's own area quantities, m²")
    equipment: list[EquipmentOut]
    devices: list[DeviceRef]
    occupancy: OccupancyOut


class ElementOut(Out):
    """Any element by GlobalId: storey, space, door, stair, ramp, lift, equipment, zone.

    ``tag`` and ``centre`` are set for equipment only."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "global_id": "1kTvXnbbzCWw8lcMd1dR4o",
                    "kind": "equipment",
                    "name": "FCU-0312",
                    "storey": "F03",
                    "space_id": "2O2Fr$t4X7Zf8NOew3FLOH",
                    "ifc_class": "IfcUnitaryEquipment",
                    "properties": {"Pset_ManufacturerTypeInformation": {"Manufacturer": "ACME"}},
                    "devices": [
                        {
                            "device_id": "FCU-0312",
                            "global_id": "1kTvXnbbzCWw8lcMd1dR4o",
                            "status": "normal",
                        }
                    ],
                    "tag": "FCU-0312",
                    "centre": [12.5, 4.2, 10.1],
                }
            ]
        }
    )

    global_id: str
    kind: str = ElementKindField
    name: str
    storey: str | None
    space_id: str | None
    ifc_class: str | None
    properties: dict[str, Any] = Field(description="JSON values: property sets, or door/link facts")
    devices: list[DeviceRef]
    tag: str | None = None
    centre: list[float] | None = Field(None, description="world metres [x, y, z]")


class SearchHit(Out):
    kind: str = ElementKindField
    global_id: str
    name: str
    storey: str | None
