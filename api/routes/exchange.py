"""Building-data standards: Brick (Turtle), COBie (XLSX), BCF work orders (zip)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.errors import problem_responses
from api.security import DevicesRead
from twin.exchange.registered import Exchanges

router = APIRouter(tags=["exchange"], responses=problem_responses(400, 401, 403, 404, 422, 503))

TURTLE = "text/turtle"


@router.get(
    "/buildings/{building_id}/brick.ttl",
    response_class=Response,
    responses={200: {"content": {TURTLE: {}}, "description": "A Brick 1.4 graph (Turtle)."}},
)
async def get_brick(
    building_id: str,
    queries: QueriesDep,
    _principal: DevicesRead,
    validate: Annotated[bool, Query(description="run SHACL validation first (seconds)")] = False,
) -> Response:
    """The building as a Brick graph: RealEstateCore site, building, levels and rooms
    (GlobalIds, usable areas), Brick equipment and the devices' points with QUDT units
    and timeseries ids ``<device_id>/<point>``."""
    body = await run_in_threadpool(
        lambda: Exchanges(queries).brick_turtle(building_id, validate=validate)
    )
    return Response(body, media_type=TURTLE)
