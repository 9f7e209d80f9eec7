"""Office-space compliance of a building against the standard (JSON or XLSX)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.errors import problem_responses
from api.schemas.housing import ComplianceOut
from api.schemas.media import XLSX
from api.security import ComplianceRead
from twin.housing.operations import Housing

router = APIRouter(tags=["compliance"], responses=problem_responses(400, 401, 403, 404, 422, 503))


@router.get(
    "/buildings/{building_id}/compliance",
    response_model=ComplianceOut,
    responses={200: {"content": {XLSX: {}}}},
)
async def get_compliance(
    request: Request,
    building_id: str,
    queries: QueriesDep,
    principal: ComplianceRead,
    on: Annotated[date | None, Query(alias="date", description="check on (today)")] = None,
    format: Literal["json", "xlsx"] = "json",
) -> Any:
    """Each office, person, department and organisation against the per-rank usable-area
    limits of the standard (the 2014 national standard by default)."""
    housing = Housing(queries)
    if format == "xlsx":
        if not principal.personal:
            format = "json"
        else:
            plan_url = str(
                request.url_for("get_plan", building_id=building_id, storey="x", fmt="pdf")
            )
            plan_url = plan_url.rsplit("/", 1)[0]
            body = await run_in_threadpool(
                lambda: housing.compliance_xlsx(building_id, on_date=on, plan_url=plan_url)
            )
            return Response(body, media_type=XLSX)
    report = await run_in_threadpool(
        lambda: housing.compliance(building_id, on_date=on, personal=principal.personal)
    )
    return ComplianceOut.model_validate(report)
