"""Building-data standards: Brick (Turtle), COBie (XLSX), BCF work orders (zip)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.errors import problem_responses
from api.files import file_answer, file_route
from api.schemas.exchange import BcfImportOut
from api.schemas.media import BCF_ZIP, TURTLE, XLSX
from api.security import DevicesRead, WorkOrdersRead, WorkOrdersWrite
from twin.exchange.bcf import MAX_ARCHIVE_BYTES
from twin.exchange.errors import BcfError
from twin.exchange.registered import Exchanges

router = APIRouter(tags=["exchange"], responses=problem_responses(400, 401, 403, 404, 422, 503))


@file_route(router, "/buildings/{building_id}/brick.ttl", TURTLE, "A Brick 1.4 graph (Turtle).")
async def export_brick(
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
    return file_answer(body, TURTLE)


@file_route(router, "/buildings/{building_id}/cobie.xlsx", XLSX, "A COBie 2.4 workbook.")
async def export_cobie(
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
    return file_answer(body, XLSX, filename=f"{building_id}-cobie.xlsx")


@file_route(router, "/work-orders/export.bcf", BCF_ZIP, "A BCF 2.1 archive (zip).")
async def export_bcf(
    building: str,
    queries: QueriesDep,
    principal: WorkOrdersRead,
    status: Literal["open", "in_progress", "done", "active"] | None = None,
) -> Response:
    """The building's work orders as BCF 2.1 topics (``status=active``: not done), each
    with a viewpoint whose camera looks at the equipment, selected by its GlobalId."""
    principal.check_building(building)
    body = await run_in_threadpool(lambda: Exchanges(queries).bcf_export(building, status=status))
    return file_answer(body, BCF_ZIP, filename=f"{building}-work-orders.bcf")


@router.post("/work-orders/import-bcf", responses=problem_responses(422))
async def import_bcf(
    building: str,
    queries: QueriesDep,
    principal: WorkOrdersWrite,
    file: Annotated[UploadFile, File(description="A BCF 2.1 archive (.bcf/.bcfzip)")],
) -> BcfImportOut:
    """BCF topics as work orders, all or none: a topic with a work order's GUID updates
    it (status moved on, comments added as notes), others become new work orders. A bad
    archive is a 422 problem whose ``errors`` list every problem."""
    principal.check_building(building)
    content = await file.read(MAX_ARCHIVE_BYTES + 1)
    if len(content) > MAX_ARCHIVE_BYTES:
        raise BcfError(f"the archive exceeds {MAX_ARCHIVE_BYTES // 2**20} MB")
    report, stored = await run_in_threadpool(
        lambda: Exchanges(queries).bcf_import(building, content, by=principal.name)
    )
    await asyncio.wrap_future(stored)
    return BcfImportOut.model_validate(report)
