"""Routes that answer a file (exports, reports, calendars, PDFs): one decorator for
their OpenAPI entry and one way to build the answer.

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


def file_answer(body: bytes, media_type: str, *, filename: str | None = None) -> Response:
    """The file as an answer; with ``filename``, offered for download under that name."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'} if filename else None
    return Response(body, media_type=media_type, headers=headers)
