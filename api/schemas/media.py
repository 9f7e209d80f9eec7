"""Media types of the files the API serves (exports, reports, plans, the scene)."""

from __future__ import annotations

from typing import Any

#: Media type of each allocation export format.
EXPORT_MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
XLSX = EXPORT_MEDIA_TYPES["xlsx"]

#: Media type of each floor-plan format.
PLAN_MEDIA_TYPES: dict[str, str] = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "dxf": "image/vnd.dxf",
}

#: The 3D scene.
GLB = "model/gltf-binary"

#: Calendars (RFC 5545), Brick graphs, BCF archives.
ICS = "text/calendar; charset=utf-8"
TURTLE = "text/turtle"
BCF_ZIP = "application/octet-stream"
PDF = PLAN_MEDIA_TYPES["pdf"]


def file_responses(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` entry of a route answering a file of ``media_type``."""
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {200: {"content": content, "description": description}}
