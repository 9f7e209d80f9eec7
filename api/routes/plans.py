"""Floor plans of a storey as SVG, PNG, PDF or DXF, coloured by type, compliance,
occupancy or live status."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.errors import problem_responses
from api.security import BuildingsRead
from twin.housing.plans.registered import PLAN_MEDIA_TYPES, FloorPlans, PlanColour, PlanFormat

router = APIRouter(tags=["plans"], responses=problem_responses(400, 401, 403, 404, 422, 503))

#: The largest PNG a client may ask for, in pixels across.
MAX_PNG_WIDTH_PX = 6000


@router.get(
    "/buildings/{building_id}/plans/{storey}.{fmt}",
    response_class=Response,
    responses={
        200: {
            "content": {media: {} for media in PLAN_MEDIA_TYPES.values()},
            "description": "The plan (A3 landscape); `all.pdf` is every storey with a cover.",
        }
    },
)
async def get_plan(
    building_id: str,
    storey: str,
    fmt: PlanFormat,
    queries: QueriesDep,
    _principal: BuildingsRead,
    colour: PlanColour = "type",
    on: Annotated[date | None, Query(alias="date", description="allocations on (today)")] = None,
    width: Annotated[int, Query(ge=200, le=MAX_PNG_WIDTH_PX, description="PNG width, px")] = 2000,
) -> Response:
    """A storey's floor plan (name or GlobalId; ``all`` with ``.pdf`` for every storey).
    Labels carry room numbers, names, areas and departments, never occupants' names."""
    body = await run_in_threadpool(
        lambda: FloorPlans(queries).render(
            building_id, storey, fmt, colour=colour, on_date=on, width_px=width
        )
    )
    return Response(body, media_type=PLAN_MEDIA_TYPES[fmt])
