"""``POST /api/v1/readings``: a batch of device readings; rejection counters."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.deps import DevicesDep
from api.metrics import audit_ahead
from api.schemas.devices import IngestAnswer, ReadingsBatch, RejectionsOut
from api.security import ForbiddenError, PrincipalDep
from twin.devices.ingestion import MAX_BATCH_READINGS, IngestReport

router = APIRouter(tags=["readings"])


def _batch_schema() -> dict[str, Any]:
    """The batch's JSON schema with its item inlined: the body is documented, not
    parsed by FastAPI, so ``ReadingIn`` is not among the document's components."""
    schema = ReadingsBatch.model_json_schema()
    item = schema.pop("$defs")["ReadingIn"]
    schema["properties"]["readings"]["items"] = item
    return schema


@router.post(
    "/readings",
    response_model=IngestAnswer,
    summary="Ingest a batch of readings",
    description=(
        f"At most {MAX_BATCH_READINGS:,} readings (a longer batch is a 413 problem and "
        "nothing of it is applied). Each reading is checked on its own (unknown device or "
        "point, value out of range, time from the future or out of order, duplicate, "
        "malformed): a bad one is rejected and listed in `errors` with its index and "
        "reason, the good ones are applied. The answer is sent once the accepted readings "
        "are stored. With `building` (implied for a key scoped to one building), readings "
        "of other buildings' devices are rejected."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _batch_schema()}},
        }
    },
)
async def post_readings(
    request: Request,
    service: DevicesDep,
    principal: PrincipalDep,
    building: str | None = None,
) -> IngestAnswer:
    if building is None and principal.buildings:
        if len(principal.buildings) != 1:
            raise ForbiddenError("a key for several buildings must name one: ?building=ID")
        (building,) = principal.buildings
    # Parsing and checking thousands of readings is CPU work: off the event loop.
    body = await request.body()

    def ingest() -> tuple[IngestReport, Future[None] | None]:
        report = service.ingest_body(body, building_id=building)
        return report, audit_ahead(request)  # in the readings' commit, as a rule

    report, audited = await run_in_threadpool(ingest)
    for durable in (report.durable, audited):
        if durable is not None:
            await asyncio.wrap_future(durable)
    return IngestAnswer(**report.as_dict())


@router.get("/readings/rejections")
def get_rejections(
    service: DevicesDep, principal: PrincipalDep, building: str | None = None
) -> RejectionsOut:
    """Readings accepted, and rejected per reason, since the service started: in total
    and ``by_building``, over the caller's buildings (or ``building``). Rejections that
    named no known building count only for keys of every building."""
    principal.check_building(building)
    buildings = {building} if building else principal.buildings or None
    return RejectionsOut.model_validate(service.counters.snapshot(buildings))
