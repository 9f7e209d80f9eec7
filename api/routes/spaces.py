"""Rooms (filter, detail), elements by GlobalId, and search."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.errors import problem_responses
from api.schemas.spaces import ElementOut, SearchHit, SpaceDetail, SpaceOut
from api.security import BuildingsRead

router = APIRouter(tags=["spaces"], responses=problem_responses(400, 401, 403, 404, 422, 503))


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
    return [SpaceOut.model_validate(r) for r in rows]


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
    detail = await run_in_threadpool(
        lambda: queries.space_detail(
            building_id, global_id, personal=principal.personal, on_date=on
        )
    )
    return SpaceDetail.model_validate(detail)


@router.get("/buildings/{building_id}/elements/{global_id}")
async def get_element(
    building_id: str, global_id: str, queries: QueriesDep, _: BuildingsRead
) -> ElementOut:
    """Any element by GlobalId, with its properties and bound devices."""
    return ElementOut.model_validate(
        await run_in_threadpool(queries.element, building_id, global_id)
    )


@router.get("/buildings/{building_id}/search")
async def search_building(
    building_id: str,
    queries: QueriesDep,
    _: BuildingsRead,
    q: Annotated[str, Query(min_length=1, max_length=200, description="text to find")],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[SearchHit]:
    """Rooms, equipment, doors and storeys whose number, name, tag or GlobalId contains
    ``q``."""
    hits = await run_in_threadpool(lambda: queries.search(building_id, q, limit=limit))
    return [SearchHit.model_validate(h) for h in hits]
