"""Office allocations of a building: import (CSV/XLSX/JSON), export, history."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.errors import problem_responses
from api.schemas.housing import AllocationOut, ImportOut
from api.schemas.media import EXPORT_MEDIA_TYPES
from api.security import AllocationsRead, AllocationsWrite
from twin.housing.allocations.errors import AllocationFileError
from twin.housing.operations import Housing

router = APIRouter(tags=["allocations"], responses=problem_responses(400, 401, 403, 404, 422, 503))

#: Largest allocation file accepted, bytes.
MAX_ALLOCATION_FILE = 20 * 1024 * 1024


def _housing(queries: QueriesDep) -> Housing:
    return Housing(queries)


@router.post(
    "/buildings/{building_id}/allocations",
    responses=problem_responses(422),
)
async def import_allocations(
    building_id: str,
    queries: QueriesDep,
    principal: AllocationsWrite,
    file: Annotated[UploadFile, File(description="CSV (UTF-8), XLSX or JSON allocation file")],
    dry_run: Annotated[bool, Form(description="check and show changes; apply nothing")] = False,
    level: Annotated[
        Literal["central", "provincial", "municipal", "county", "township"] | None,
        Form(description="organ level for rows that do not name one"),
    ] = None,
) -> ImportOut:
    """Import allocations as one transaction: every row, or none. A bad file is a 422
    problem whose ``errors`` list every bad row (row, column, value, message).

    ```sh
    curl -H "Authorization: Bearer $KEY" -F file=@allocations.csv -F dry_run=true \\
         http://127.0.0.1:8000/api/v1/buildings/demo/allocations
    ```
    """
    content = await file.read(MAX_ALLOCATION_FILE + 1)
    if len(content) > MAX_ALLOCATION_FILE:
        raise AllocationFileError(f"the file exceeds {MAX_ALLOCATION_FILE // 2**20} MB")
    result = await run_in_threadpool(
        lambda: _housing(queries).import_allocations(
            building_id, content, actor=principal.name, level=level, dry_run=dry_run
        )
    )
    return ImportOut.model_validate(result)


@router.get(
    "/buildings/{building_id}/allocations",
    responses={
        200: {
            "content": {
                "application/json": {},
                "text/csv": {},
                EXPORT_MEDIA_TYPES["xlsx"]: {},
            },
            "description": "the records as JSON, CSV or XLSX",
        }
    },
    response_model=None,
)
async def export_allocations(
    building_id: str,
    queries: QueriesDep,
    principal: AllocationsRead,
    format: Literal["json", "csv", "xlsx"] = "json",
    on: Annotated[date | None, Query(alias="date", description="only records valid then")] = None,
) -> Response:
    """Every record (history included) or those valid on ``date``, as a file."""
    body = await run_in_threadpool(
        lambda: _housing(queries).export(
            building_id, format, on_date=on, personal=principal.personal
        )
    )
    return Response(
        body,
        media_type=EXPORT_MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="allocations-{building_id}.{format}"'
        },
    )


@router.get("/buildings/{building_id}/allocations/history")
async def get_allocation_history(
    building_id: str,
    queries: QueriesDep,
    principal: AllocationsRead,
    request: Request,
    person_id: Annotated[str | None, Query(max_length=100)] = None,
    room: Annotated[str | None, Query(max_length=200, description="GlobalId or number")] = None,
) -> list[AllocationOut]:
    """Records of a person and/or a room, oldest first."""
    found = await run_in_threadpool(
        lambda: _housing(queries).history(
            building_id, person_id=person_id, room=room, personal=principal.personal
        )
    )
    return [AllocationOut.model_validate(a) for a in found]
