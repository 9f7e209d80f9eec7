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
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


@router.get(
    "/buildings/{building_id}/cobie.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "A COBie 2.4 workbook."}},
)
async def get_cobie(
    building_id: str,
    queries: QueriesDep,
    _principal: DevicesRead,
    contact: Annotated[
        str | None,
        Query(pattern=r"^[^@\s]+@[^@\s]+$", description="e-mail of the handover's author"),
    ] = None,
) -> Response:
    """The COBie 2.4 handover workbook: Contact, Facility, Floor, Space (one row per room),
    Zone, Type, Component (one row per piece of equipment and lift, with tags, serial
    numbers and the bound device's id), System, Document and Attribute (model properties,
    device status and latest readings)."""
    options = {"contact": contact} if contact else {}
    body = await run_in_threadpool(lambda: Exchanges(queries).cobie_xlsx(building_id, **options))
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{building_id}-cobie.xlsx"'},
    )
