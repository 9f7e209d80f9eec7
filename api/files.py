"""Files in and out of routes: the OpenAPI entry of a route that answers a file
(exports, reports, calendars, PDFs) and one way to build that answer; the
OpenAPI body of a route that reads a multipart upload itself.

Large answers that clients fetch again (the scene, floor plans) go through
:func:`api.caching.file_response` instead, for their ``ETag`` and gzip.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Response

from api.schemas.media import file_responses


def file_route(
    router: APIRouter, path: str, media_type: str, description: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``router.get(path)`` for a route answering a ``media_type`` file, documented as such."""
    return router.get(
        path, response_class=Response, responses=file_responses(media_type, description)
    )


def multipart_body(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    """The ``openapi_extra`` of a route that reads its ``multipart/form-data`` body
    itself (after its permission checks), describing the form's fields."""
    schema = {"type": "object", "required": required, "properties": properties}
    content = {"multipart/form-data": {"schema": schema}}
    return {"requestBody": {"required": True, "content": content}}


def file_answer(body: bytes, media_type: str, *, filename: str | None = None) -> Response:
    """The file as an answer; with ``filename``, offered for download under that name."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'} if filename else None
    return Response(body, media_type=media_type, headers=headers)
