"""Domain errors → RFC 9457 problem details, in this one place.

Every problem is ``application/problem+json`` with a stable ``type`` URI
(relative to the service, ``/problems/<slug>``), a ``title``, the HTTP
``status`` and the error's message as ``detail``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas.common import PROBLEM_MEDIA_TYPE, Problem
from api.security import AccessError, ForbiddenError, NotAuthenticatedError
from ifc_models.errors import ArchiveError, IfcModelError, ZipBombError
from spatial.errors import (
    AmbiguousPlaceError,
    NoRouteError,
    RoutingError,
    SpatialError,
    UnknownPlaceError,
)
from twin.access.keys import (
    BadKeyRequestError,
    DuplicateKeyError,
    KeyScopeError,
    KeyStoreError,
    UnknownKeyError,
)
from twin.buildings.errors import (
    BadQueryError,
    BuildingError,
    BuildingNotReadyError,
    QueryError,
    UnknownElementError,
    UnknownStoreyError,
)
from twin.buildings.registry import BadBuildingIdError, RegistryError, UnknownBuildingError
from twin.buildings.uploads import (
    UnknownJobError,
    UnsupportedContentError,
    UploadError,
    UploadTooLargeError,
)
from twin.devices.errors import (
    AlarmTransitionError,
    BatchTooLongError,
    DeviceError,
    MalformedPayloadError,
    PayloadTooDeepError,
    RegistryFileError,
    UnknownAlarmError,
    UnknownDeviceError,
    UnknownWorkOrderError,
    WorkOrderTransitionError,
)
from twin.energy.errors import EnergyError, EnergyQueryError, MeterConfigError
from twin.errors import TwinError
from twin.exchange.errors import BackendMissingError, BcfError, BrickValidationError, ExchangeError
from twin.housing.allocations.errors import (
    AllocationError,
    AllocationFileError,
    AllocationImportError,
)
from twin.housing.compliance.errors import ComplianceError
from twin.housing.errors import HousingError
from twin.housing.plans.errors import PlanError
from twin.housing.standards.errors import StandardError
from twin.meetings.errors import (
    BadBookingError,
    BookingClashError,
    BookingStateError,
    MeetingError,
    NotBookableError,
    OutsideOpeningHoursError,
    OverCapacityError,
    UnknownBookingError,
)
from twin.store.errors import BadCursorError, StoreError

log = logging.getLogger(__name__)

PROBLEM_BASE = "/problems/"

#: The one table: error class → (HTTP status, type slug, title). The most specific
#: class wins (looked up along the exception's MRO); each package's base is the
#: fallback of its narrow classes, ``TwinError`` the fallback of them all.
PROBLEMS: dict[type[Exception], tuple[int, str, str]] = {
    UnknownDeviceError: (404, "unknown-device", "Unknown device"),
    UnknownAlarmError: (404, "unknown-alarm", "Unknown alarm"),
    UnknownWorkOrderError: (404, "unknown-work-order", "Unknown work order"),
    UnknownBuildingError: (404, "unknown-building", "Unknown building"),
    AlarmTransitionError: (409, "alarm-transition", "Alarm state does not allow this"),
    WorkOrderTransitionError: (409, "work-order-transition", "Work order status step not allowed"),
    PayloadTooDeepError: (422, "payload-too-deep", "Request body nested too deeply"),
    MalformedPayloadError: (400, "malformed-payload", "Malformed request body"),
    BatchTooLongError: (413, "batch-too-long", "Too many readings in one batch"),
    RegistryFileError: (422, "bad-registry", "Bad device registry"),
    BadBuildingIdError: (422, "bad-building-id", "Bad building id"),
    DeviceError: (400, "device-error", "Device request failed"),
    RegistryError: (400, "building-error", "Building request failed"),
    NotAuthenticatedError: (401, "unauthenticated", "API key missing or not valid"),
    ForbiddenError: (403, "forbidden", "Not allowed for this key"),
    AccessError: (403, "forbidden", "Not allowed for this key"),
    UnknownStoreyError: (404, "unknown-storey", "Unknown storey"),
    UnknownElementError: (404, "unknown-element", "Unknown element"),
    BuildingNotReadyError: (503, "building-not-ready", "Building not loaded"),
    BadQueryError: (400, "bad-query", "Query cannot be answered"),
    QueryError: (400, "bad-query", "Query cannot be answered"),
    AmbiguousPlaceError: (422, "ambiguous-place", "Reference names several places"),
    UnknownPlaceError: (404, "unknown-place", "Unknown place"),
    NoRouteError: (422, "no-route", "No route"),
    RoutingError: (400, "bad-route-request", "Route request cannot be answered"),
    UploadTooLargeError: (413, "upload-too-large", "Upload too large"),
    UnsupportedContentError: (415, "not-ifc", "Not an IFC model"),
    ZipBombError: (422, "zip-bomb", "Archive refused"),
    ArchiveError: (415, "not-ifc", "Not an IFC model"),
    UnknownJobError: (404, "unknown-job", "Unknown upload job"),
    UploadError: (400, "bad-upload", "Upload refused"),
    IfcModelError: (422, "bad-model", "Model cannot be read"),
    AllocationImportError: (422, "allocation-rows", "Bad allocation rows; nothing applied"),
    AllocationFileError: (400, "allocation-file", "Allocation file cannot be read"),
    AllocationError: (400, "allocation-error", "Allocation request failed"),
    ComplianceError: (422, "compliance-error", "Compliance cannot be checked"),
    StandardError: (400, "standard-error", "Standard or level not known"),
    PlanError: (400, "plan-error", "Plan cannot be drawn"),
    BcfError: (422, "bad-bcf", "BCF archive cannot be read"),
    BrickValidationError: (500, "internal", "Internal error"),
    BackendMissingError: (500, "internal", "Internal error"),
    ExchangeError: (400, "exchange-error", "Exchange format request failed"),
    BadKeyRequestError: (422, "bad-key-request", "Key cannot be made"),
    KeyScopeError: (403, "key-beyond-grant", "Key would exceed its maker's grant"),
    DuplicateKeyError: (409, "duplicate-key", "Key name taken"),
    UnknownKeyError: (404, "unknown-key", "Unknown key"),
    KeyStoreError: (400, "key-error", "Key request failed"),
    BookingClashError: (409, "booking-clash", "Room already booked"),
    BookingStateError: (409, "booking-state", "Booking state does not allow this"),
    OverCapacityError: (422, "over-capacity", "More attendees than seats"),
    OutsideOpeningHoursError: (422, "outside-opening-hours", "Outside opening hours"),
    NotBookableError: (422, "not-bookable", "Room not bookable"),
    BadBookingError: (422, "bad-booking", "Booking request not valid"),
    UnknownBookingError: (404, "unknown-booking", "Unknown booking"),
    MeetingError: (400, "meeting-error", "Meeting request failed"),
    MeterConfigError: (422, "meter-config", "Meters cannot be resolved"),
    EnergyQueryError: (400, "bad-energy-query", "Energy query cannot be answered"),
    EnergyError: (400, "energy-error", "Energy request failed"),
    BadCursorError: (400, "bad-cursor", "Page cursor not valid"),
    StoreError: (400, "store-error", "Request failed"),
    BuildingError: (400, "building-error", "Building request failed"),
    HousingError: (400, "housing-error", "Housing request failed"),
    TwinError: (400, "twin-error", "Request failed"),
    SpatialError: (400, "spatial-error", "Geometry request failed"),
}

#: The roots whose every subclass is answered from :data:`PROBLEMS` (one handler):
#: the twin's errors, the IFC reader's, geometry and routing, and access.
HANDLED: tuple[type[Exception], ...] = (TwinError, IfcModelError, SpatialError, AccessError)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for problem details."""
    return {
        status: {
            "model": Problem,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            "description": "Problem details (RFC 9457)",
        }
        for status in statuses
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
    if isinstance(exc, AllocationImportError):
        extra["errors"] = [
            {"row": e.row, "column": e.column, "value": e.value, "message": e.reason}
            for e in exc.errors
        ]
    if isinstance(exc, BookingClashError):
        extra["clashing_bookings"] = list(exc.clashes)
    if isinstance(exc, BcfError) and exc.problems:
        extra["errors"] = [{"message": m} for m in exc.problems]
    if isinstance(exc, UnknownPlaceError) and exc.candidates:
        extra["candidates"] = list(exc.candidates[:20])
    if status == 500:
        log.error("unmapped domain error %s: %s", type(exc).__name__, exc)
        return problem(500, "internal", "Internal error", "the service failed; see its log")
    response = problem(status, slug, title, str(exc), **extra)
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed", 413: "Request too large"}
    slug = {404: "not-found", 405: "method-not-allowed", 413: "upload-too-large"}.get(
        exc.status_code, "http-error"
    )
    title = titles.get(exc.status_code, "Request failed")
    response = problem(exc.status_code, slug, title, str(exc.detail))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _internal_error(_request: Request, exc: Exception) -> JSONResponse:
    # The trace goes to the log, never to the client.
    log.error("unhandled error", exc_info=exc)
    return problem(500, "internal", "Internal error", "the service failed; see its log")


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ())),
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in exc.errors()
    ]
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors)) or "the request"
    return problem(422, "validation", "Invalid request", f"not valid: {fields}", errors=errors)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    for base in HANDLED:
        app.add_exception_handler(base, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
