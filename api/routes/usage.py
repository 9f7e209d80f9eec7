"""Space usage: rooms and usable area grouped by storey, type, zone or department."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.errors import problem_responses
from api.security import UsageRead

router = APIRouter(tags=["usage"], responses=problem_responses(400, 401, 403, 404, 422, 503))


class UsageGroupOut(BaseModel):
    key: str
    rooms: int
    usable_area_m2: float
    area_by_type_m2: dict[str, float]
    rooms_by_type: dict[str, int]
    office_area_m2: float
    occupants: int | None
    capacity: int | None
    area_per_person_m2: float | None
    utilisation: float | None = Field(description="office occupants / office capacity, 0-1")
    vacant_rooms: int | None


class UsageRoomOut(BaseModel):
    global_id: str
    name: str
    long_name: str
    storey: str
    zones: list[str]
    room_type: str
    area_m2: float | None
    area_source: str
    occupants: int | None
    department: str | None
    capacity: int | None


class UsageOut(BaseModel):
    """Counts and departments only: no personal data."""

    building: str
    by: str
    total: UsageGroupOut | None
    groups: list[UsageGroupOut]
    rooms: list[UsageRoomOut]
    vacant: list[UsageRoomOut]


@router.get("/buildings/{building_id}/usage")
async def get_usage(
    building_id: str,
    queries: QueriesDep,
    _: UsageRead,
    by: Literal["storey", "type", "zone", "department", "building"] = "storey",
    on: Annotated[date | None, Query(alias="date", description="occupancy on (today)")] = None,
) -> UsageOut:
    """Rooms, usable area (m²) and occupancy grouped as asked."""
    data = await run_in_threadpool(lambda: queries.usage(building_id, by=by, on_date=on))
    return UsageOut.model_validate(data)
