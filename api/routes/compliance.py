"""Office-space compliance of a building against the standard (JSON or XLSX)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.errors import problem_responses
from api.security import ComplianceRead
from twin.housing.operations import MEDIA_TYPES, Housing

router = APIRouter(tags=["compliance"], responses=problem_responses(400, 401, 403, 404, 422, 503))


class ComplianceOut(BaseModel):
    """The ``twin compliance --json`` report. Without personal-data permission,
    ``persons`` and ``leavers`` are empty and rooms list no occupants (counts and
    departments remain)."""

    date: str
    standard: dict[str, Any]
    summary: dict[str, float | int]
    rooms: list[dict[str, Any]]
    persons: list[dict[str, Any]]
    departments: list[dict[str, Any]]
    organisations: list[dict[str, Any]]
    vacant_rooms: list[dict[str, Any]]
    leavers: list[dict[str, Any]]
    warnings: list[str] = Field(description="rooms not judged and why")


@router.get(
    "/buildings/{building_id}/compliance",
    response_model=ComplianceOut,
    responses={200: {"content": {MEDIA_TYPES["xlsx"]: {}}}},
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
            return Response(body, media_type=MEDIA_TYPES["xlsx"])
    return await run_in_threadpool(
        lambda: housing.compliance(building_id, on_date=on, personal=principal.personal)
    )
