"""Domain errors → RFC 9457 problem details, in this one place.

Every problem is ``application/problem+json`` with a stable ``type`` URI
(relative to the service, ``/problems/<slug>``), a ``title``, the HTTP
``status`` and the error's message as ``detail``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from twin.devices.errors import (
    AlarmTransitionError,
    DeviceError,
    MalformedPayloadError,
    RegistryFileError,
    UnknownAlarmError,
    UnknownDeviceError,
    UnknownWorkOrderError,
    WorkOrderTransitionError,
)
from twin.registry import BadBuildingIdError, RegistryError, UnknownBuildingError

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"

#: Error class → (HTTP status, type slug, title). The most specific class wins
#: (looked up along the exception's MRO).
PROBLEMS: dict[type[Exception], tuple[int, str, str]] = {
    UnknownDeviceError: (404, "unknown-device", "Unknown device"),
    UnknownAlarmError: (404, "unknown-alarm", "Unknown alarm"),
    UnknownWorkOrderError: (404, "unknown-work-order", "Unknown work order"),
    UnknownBuildingError: (404, "unknown-building", "Unknown building"),
    AlarmTransitionError: (409, "alarm-transition", "Alarm state does not allow this"),
    WorkOrderTransitionError: (409, "work-order-transition", "Work order status step not allowed"),
    MalformedPayloadError: (400, "malformed-payload", "Malformed request body"),
    RegistryFileError: (422, "bad-registry", "Bad device registry"),
    BadBuildingIdError: (422, "bad-building-id", "Bad building id"),
    DeviceError: (400, "device-error", "Device request failed"),
    RegistryError: (400, "building-error", "Building request failed"),
}


def problem(status: int, slug: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    """A problem-details response."""
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def _lookup(exc: Exception) -> tuple[int, str, str]:
    for cls in type(exc).__mro__:
        if cls in PROBLEMS:
            return PROBLEMS[cls]
    return 500, "internal", "Internal error"


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    status, slug, title = _lookup(exc)
    extra: dict[str, Any] = {}
    if isinstance(exc, RegistryFileError) and exc.errors:
        extra["errors"] = [{"row": row, "message": message} for row, message in exc.errors]
    return problem(status, slug, title, str(exc), **extra)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    return problem(422, "validation", "Invalid request", "the request is not valid", errors=errors)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(DeviceError, _domain_error)
    app.add_exception_handler(RegistryError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
