"""Floor plans of a storey as SVG, PNG, PDF or DXF, coloured by type, compliance,
occupancy or live status."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.caching import CONDITIONAL_RESPONSES, ETAG_HEADERS, file_response
from api.deps import QueriesDep
from api.errors import problem_responses
from api.schemas.media import PLAN_MEDIA_TYPES
from api.security import BuildingsRead
from twin.housing.plans.registered import FloorPlans, PlanColour, PlanFormat

router = APIRouter(tags=["plans"], responses=problem_responses(400, 401, 403, 404, 422, 503))

#: The largest PNG a client may ask for, in pixels across.
MAX_PNG_WIDTH_PX = 6000


@router.get(
    "/buildings/{building_id}/plans/{storey}.{fmt}",
    response_class=Response,
    responses={
        200: {
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in PLAN_MEDIA_TYPES.values()
            },
            "description": "The plan (A3 landscape); `all.pdf` is every storey with a cover.",
            "headers": ETAG_HEADERS,
        },
        **CONDITIONAL_RESPONSES,
    },
)
async def get_plan(
    request: Request,
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
    Labels carry room numbers, names, areas and departments, never occupants' names.
    Sent with an ``ETag`` (``304`` on ``If-None-Match``), gzip-compressed when accepted."""
    body = await run_in_threadpool(
        lambda: FloorPlans(queries).render(
            building_id, storey, fmt, colour=colour, on_date=on, width_px=width
        )
    )
    return await run_in_threadpool(
        lambda: file_response(request, body, media_type=PLAN_MEDIA_TYPES[fmt])
    )
