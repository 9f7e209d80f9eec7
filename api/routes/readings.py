"""``POST /api/v1/readings``: a batch of device readings; rejection counters."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.deps import DevicesDep
from api.schemas.devices import IngestAnswer, ReadingsBatch, RejectionsOut
from api.security import ForbiddenError, PrincipalDep
from twin.devices.errors import MalformedPayloadError
from twin.devices.pipeline import MALFORMED, NOT_JSON
from twin.devices.service import DeviceService

router = APIRouter(tags=["readings"])


def _ingest(service: DeviceService, body: bytes, building_id: str | None) -> Any:
    # Parsing and checking thousands of readings is CPU work: off the event loop.
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        service.count_rejection(NOT_JSON)
        raise MalformedPayloadError("the body is not JSON") from None
    items = document.get("readings") if isinstance(document, dict) else None
    if not isinstance(items, list):
        service.count_rejection(MALFORMED)
        raise MalformedPayloadError('the body must be {"readings": [...]}')
    return service.ingest(items, building_id=building_id)


@router.post(
    "/readings",
    response_model=IngestAnswer,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": ReadingsBatch.model_json_schema(
                        ref_template="#/components/schemas/{model}"
                    )
                }
            },
        }
    },
)
async def post_readings(
    request: Request,
    service: DevicesDep,
    principal: PrincipalDep,
    building: str | None = None,
) -> IngestAnswer:
    """Ingest a batch of readings (hundreds to thousands).

    Each reading is accepted or rejected on its own (unknown device or point,
    value out of range, time from the future or out of order, duplicate,
    malformed); the answer counts both. It is sent once the accepted readings
    are stored. With ``building`` (implied for a key scoped to one building),
    readings of other buildings' devices are rejected.
    """
    if building is None and principal.buildings:
        if len(principal.buildings) != 1:
            raise ForbiddenError("a key for several buildings must name one: ?building=ID")
        (building,) = principal.buildings
    report = await run_in_threadpool(_ingest, service, await request.body(), building)
    if report.durable is not None:
        await asyncio.wrap_future(report.durable)
    return IngestAnswer(**report.as_dict())


@router.get("/readings/rejections")
def get_rejections(service: DevicesDep) -> RejectionsOut:
    """Readings rejected per reason since the service started, and the accepted count."""
    return RejectionsOut(accepted=service.counters.accepted, rejected=service.rejections())
