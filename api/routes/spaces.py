"""Rooms (filter, detail), elements by GlobalId, and search."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.errors import problem_responses
from api.security import BuildingsRead

router = APIRouter(tags=["spaces"], responses=problem_responses(401, 403, 404, 503))


class SpaceOut(BaseModel):
    """A room. ``area_m2`` is its usable area (m²) from ``area_source``."""

    global_id: str
    name: str = Field(description="room number (IfcSpace.Name)")
    long_name: str = Field(description="room name (IfcSpace.LongName)")
    storey_id: str
    storey: str
    room_type: str
    area_m2: float | None
    area_source: str


class EquipmentOut(BaseModel):
    global_id: str
    ifc_class: str
    name: str
    tag: str
    storey: str | None
    space_id: str | None
    centre: list[float] | None = Field(description="world metres [x, y, z]")


class DeviceRef(BaseModel):
    device_id: str
    global_id: str | None
    status: str | None = Field(description="normal, warning, alarm or offline")


class OccupantOut(BaseModel):
    """Personal data: only for keys allowed to see it."""

    person_id: str
    name: str
    department: str
    rank: str
    valid_from: date
    valid_to: date | None


class OccupancyOut(BaseModel):
    date: date
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
    model_areas: dict[str, float]
    equipment: list[EquipmentOut]
    devices: list[DeviceRef]
    occupancy: OccupancyOut


class ElementDevice(BaseModel):
    device_id: str
    status: str


class ElementOut(BaseModel):
    """Any element by GlobalId: storey, space, door, stair, ramp, lift, equipment, zone."""

    global_id: str
    kind: str
    name: str
    storey: str | None
    space_id: str | None
    ifc_class: str | None
    properties: dict[str, Any]
    devices: list[ElementDevice]


class SearchHit(BaseModel):
    kind: str
    global_id: str
    name: str
    storey: str | None


@router.get("/buildings/{building_id}/spaces")
async def list_spaces(
    building_id: str,
    queries: QueriesDep,
    _: BuildingsRead,
    storey: Annotated[str | None, Query(description="storey GlobalId or name")] = None,
    type: Annotated[str | None, Query(description="room type, e.g. office")] = None,
    name: Annotated[str | None, Query(description="part of the room number or name")] = None,
) -> list[SpaceOut]:
    """Rooms, filtered by storey, room type and name."""
    rows = await run_in_threadpool(
        lambda: queries.spaces(building_id, storey=storey, room_type=type, name=name)
    )
    return [SpaceOut(**r) for r in rows]


@router.get("/buildings/{building_id}/spaces/{global_id}")
async def get_space(
    building_id: str,
    global_id: str,
    queries: QueriesDep,
    principal: BuildingsRead,
    on: Annotated[date | None, Query(alias="date", description="occupancy on (today)")] = None,
) -> SpaceDetail:
    """A room: usable area, type, outline, equipment, devices with live status, and
    occupancy (names and person ids only for keys that may see personal data)."""
    data = await run_in_threadpool(
        lambda: queries.space_detail(
            building_id, global_id, personal=principal.personal, on_date=on
        )
    )
    return SpaceDetail.model_validate(data)


@router.get("/buildings/{building_id}/elements/{global_id}")
async def get_element(
    building_id: str, global_id: str, queries: QueriesDep, _: BuildingsRead
) -> ElementOut:
    """Any element by GlobalId, with its properties and bound devices."""
    data = await run_in_threadpool(queries.element, building_id, global_id)
    return ElementOut.model_validate(data)


@router.get("/buildings/{building_id}/search")
async def search(
    building_id: str,
    queries: QueriesDep,
    _: BuildingsRead,
    q: Annotated[str, Query(min_length=1, max_length=200, description="text to find")],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[SearchHit]:
    """Rooms, equipment, doors and storeys whose number, name, tag or GlobalId contains
    ``q``."""
    hits = await run_in_threadpool(lambda: queries.search(building_id, q, limit=limit))
    return [SearchHit(**h) for h in hits]
