"""Media types of the files the API serves (exports, reports, plans, the scene)."""

from __future__ import annotations

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
