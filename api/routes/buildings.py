"""Buildings: list, summary, 3D scene, storeys; upload (jobs), replace and delete."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.caching import CONDITIONAL_RESPONSES, ETAG_HEADERS, file_response
from api.deps import JobsDep, QueriesDep, SettingsDep, TwinDep
from api.errors import problem_responses
from api.files import multipart_body
from api.schemas.buildings import (
    BuildingOut,
    BuildingSummary,
    JobAccepted,
    JobOut,
    StoreyOut,
    job_out,
)
from api.schemas.media import GLB
from api.security import BuildingsRead, BuildingsWrite
from twin.buildings.registry import BUILDING_ID_PATTERN, check_building_id
from twin.buildings.uploads import (
    UploadTooLargeError,
    display_name,
    sniff_upload,
)

router = APIRouter(tags=["buildings"], responses=problem_responses(400, 401, 403, 422))

BuildingId = Annotated[str, Field(pattern=BUILDING_ID_PATTERN.pattern)]
#: Bytes streamed per read from an uploaded file.
UPLOAD_CHUNK = 1024 * 1024


@router.get("/buildings")
def list_buildings(queries: QueriesDep, principal: BuildingsRead) -> list[BuildingOut]:
    """Registered buildings the key may see, with their load state."""
    allowed = principal.buildings or None
    return [BuildingOut.model_validate(b) for b in queries.buildings(allowed)]


@router.get("/buildings/{building_id}", responses=problem_responses(404, 503))
async def get_building(building_id: str, queries: QueriesDep, _: BuildingsRead) -> BuildingSummary:
    """What was read from the building's model: counts, area, navigation, warnings."""
    return BuildingSummary.model_validate(await run_in_threadpool(queries.summary, building_id))


@router.get(
    "/buildings/{building_id}/scene.glb",
    response_class=Response,
    responses={
        200: {
            "content": {GLB: {"schema": {"type": "string", "format": "binary"}}},
            "description": "GLB (gzip-compressed when the client accepts it)",
            "headers": ETAG_HEADERS,
        },
        **CONDITIONAL_RESPONSES,
        **problem_responses(404, 503),
    },
)
async def get_scene(
    building_id: str, request: Request, queries: QueriesDep, _: BuildingsRead
) -> Response:
    """The 3D scene (binary glTF, Y up, metres): one node per element named by GlobalId,
    grouped by storey. Send its ``ETag`` back in ``If-None-Match`` to get ``304`` while
    the model is unchanged."""
    scene = await run_in_threadpool(queries.scene, building_id)
    return await run_in_threadpool(
        lambda: file_response(request, scene.glb, media_type=GLB, sha256=scene.sha256)
    )


@router.get("/buildings/{building_id}/storeys", responses=problem_responses(404, 503))
async def list_storeys(building_id: str, queries: QueriesDep, _: BuildingsRead) -> list[StoreyOut]:
    """Storeys, bottom to top as modelled, with their number of rooms."""
    storeys = await run_in_threadpool(queries.storeys, building_id)
    return [StoreyOut.model_validate(s) for s in storeys]


@router.post(
    "/buildings",
    status_code=202,
    responses=problem_responses(400, 413, 415, 422),
    openapi_extra=multipart_body(
        ["id", "files"],
        {
            "id": {"type": "string", "pattern": BUILDING_ID_PATTERN.pattern},
            "files": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "format": "binary"},
            },
        },
    ),
)
async def upload_building(
    request: Request,
    response: Response,
    jobs: JobsDep,
    settings: SettingsDep,
    principal: BuildingsWrite,
) -> JobAccepted:
    """Upload one or more IFC files (``.ifc`` STEP text or ``.ifczip``) as building ``id``.

    The content is checked (not the file names); ingestion runs in the
    background and ``status_url`` shows its progress. The building's previous
    version stays served until the new one is read, then is swapped at once;
    a failed read leaves it untouched.

    ```sh
    curl -H "Authorization: Bearer $KEY" -F id=hq -F files=@office.ifc \\
         http://127.0.0.1:8000/api/v1/buildings
    ```
    """
    # The request guard (api.guard) has refused a body beyond the limit as it streamed.
    limit = int(settings.max_upload_mb * 1024 * 1024)
    form = await request.form(max_files=20, max_fields=10, max_part_size=1024 * 1024)
    building_id = form.get("id")
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
    folder = jobs.new_folder()
    try:
        if not isinstance(building_id, str):
            raise _missing("id", "the building id (form field 'id') is required")
        principal.check_building(building_id)
        check_building_id(building_id)
        if not files:
            raise _missing("files", "at least one file (form field 'files') is required")
        stored = await _store(files, folder, limit, settings)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        await form.close()
    job = jobs.submit(building_id, stored, folder=folder, actor=principal.name)
    status_url = str(request.url_for("get_job", job_id=job.id).path)
    response.headers["Location"] = status_url
    return JobAccepted(job_id=job.id, status_url=status_url)


async def _store(
    files: list[UploadFile], folder: Path, limit: int, settings: Any
) -> list[tuple[str, Path]]:
    """Copy the uploads under generated names, counting bytes against ``limit``;
    sniff each by content."""
    total = 0
    stored = []
    max_unzipped = int(limit * settings.max_unzip_factor)
    for index, upload in enumerate(files):
        target = folder / f"{index}.upload"
        with target.open("wb") as out:
            while chunk := await upload.read(UPLOAD_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise UploadTooLargeError(
                        f"the upload exceeds {settings.max_upload_mb:g} MB (TWIN_MAX_UPLOAD_MB)"
                    )
                out.write(chunk)
        name = display_name(upload.filename, index)
        try:
            await run_in_threadpool(sniff_upload, target, max_unzipped_bytes=max_unzipped)
        except Exception as exc:
            # Name the client's file, never the server's path.
            raise type(exc)(f"{name}: {exc}") from None
        stored.append((name, target))
    return stored


def _missing(field: str, message: str) -> Exception:
    from fastapi.exceptions import RequestValidationError

    return RequestValidationError(
        [{"loc": ("body", field), "msg": message, "type": "missing", "input": None}]
    )


@router.get("/jobs/{job_id}", name="get_job", responses=problem_responses(404))
def get_job(job_id: str, jobs: JobsDep, principal: BuildingsWrite) -> JobOut:
    """An upload job's state and progress; ``error`` says why it failed."""
    job = jobs.get(job_id)
    principal.check_building(job.building_id)
    return job_out(job)


@router.delete("/buildings/{building_id}", status_code=204, responses=problem_responses(404))
async def delete_building(building_id: str, twin: TwinDep, _: BuildingsWrite) -> Response:
    """Unregister a building and remove its files (devices and allocations are kept)."""
    await run_in_threadpool(twin.buildings.delete, building_id)
    return Response(status_code=204)
