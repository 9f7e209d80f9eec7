"""Office allocations of a building: import (CSV/XLSX/JSON), export, history."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import QueriesDep
from api.errors import problem_responses
from api.files import file_answer, multipart_body
from api.schemas.housing import AllocationOut, ImportOut
from api.schemas.media import EXPORT_MEDIA_TYPES
from api.security import AllocationsRead, AllocationsWrite
from twin.housing.allocations.errors import AllocationFileError
from twin.housing.allocations.parse import MAX_FILE_BYTES
from twin.housing.operations import Housing

router = APIRouter(tags=["allocations"], responses=problem_responses(400, 401, 403, 404, 422, 503))


def _housing(queries: QueriesDep) -> Housing:
    return Housing(queries)


ORGAN_LEVEL_CHOICES = ("central", "provincial", "municipal", "county", "township")
#: Form values read as true / false for ``dry_run``.
TRUE_FORM = frozenset({"true", "1", "yes", "on"})
FALSE_FORM = frozenset({"false", "0", "no", "off", ""})
#: Bytes streamed per read from the uploaded file.
READ_CHUNK = 1024 * 1024


@router.post(
    "/buildings/{building_id}/allocations",
    responses=problem_responses(413, 422),
    openapi_extra=multipart_body(
        ["file"],
        {
            "file": {
                "type": "string",
                "format": "binary",
                "description": "CSV (UTF-8), XLSX or JSON allocation file",
            },
            "dry_run": {
                "type": "boolean",
                "default": False,
                "description": "check and show changes; apply nothing",
            },
            "level": {
                "type": "string",
                "enum": list(ORGAN_LEVEL_CHOICES),
                "description": "organ level for rows that do not name one",
            },
        },
    ),
)
async def import_allocations(
    building_id: str,
    request: Request,
    queries: QueriesDep,
    principal: AllocationsWrite,
) -> ImportOut:
    """Import allocations as one transaction: every row, or none. A bad file is a 422
    problem whose ``errors`` list every bad row (row, column, value, message).

    The form is read only after the key's permission and building are checked.

    ```sh
    curl -H "Authorization: Bearer $KEY" -F file=@allocations.csv -F dry_run=true \\
         http://127.0.0.1:8000/api/v1/buildings/demo/allocations
    ```
    """
    form = await request.form(max_files=1, max_fields=5, max_part_size=64 * 1024)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise _invalid("file", "an allocation file (form field 'file') is required")
        dry_run = str(form.get("dry_run", "")).strip().casefold()
        if dry_run not in TRUE_FORM | FALSE_FORM:
            raise _invalid("dry_run", "dry_run is true or false")
        level = form.get("level")
        if level is not None and level not in ORGAN_LEVEL_CHOICES:
            raise _invalid("level", f"level is one of {', '.join(ORGAN_LEVEL_CHOICES)}")
        chunks: list[bytes] = []
        size = 0
        while chunk := await upload.read(READ_CHUNK):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                raise AllocationFileError(f"the file exceeds {MAX_FILE_BYTES // 2**20} MB")
        content = b"".join(chunks)
    finally:
        await form.close()
    result = await run_in_threadpool(
        lambda: _housing(queries).import_allocations(
            building_id,
            content,
            actor=principal.name,
            level=level if isinstance(level, str) else None,
            dry_run=dry_run in TRUE_FORM,
        )
    )
    return ImportOut.model_validate(result)


def _invalid(field: str, message: str) -> RequestValidationError:
    return RequestValidationError(
        [{"loc": ("body", field), "msg": message, "type": "value_error", "input": None}]
    )


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
    return file_answer(
        body, EXPORT_MEDIA_TYPES[format], filename=f"allocations-{building_id}.{format}"
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
