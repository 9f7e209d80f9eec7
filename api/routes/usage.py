"""Space usage: rooms and usable area grouped by storey, type, zone or department."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.errors import problem_responses
from api.schemas.usage import UsageOut
from api.security import UsageRead

router = APIRouter(tags=["usage"], responses=problem_responses(400, 401, 403, 404, 422, 503))


@router.get("/buildings/{building_id}/usage")
async def get_usage(
    building_id: str,
    queries: QueriesDep,
    _: UsageRead,
    by: Literal["storey", "type", "zone", "department", "building"] = "storey",
    on: Annotated[date | None, Query(alias="date", description="occupancy on (today)")] = None,
) -> UsageOut:
    """Rooms, usable area (m²) and occupancy grouped as asked."""
    report = await run_in_threadpool(lambda: queries.usage(building_id, by=by, on_date=on))
    return UsageOut.model_validate(report)
