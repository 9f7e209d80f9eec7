"""Meeting rooms (会议一件事): bookable rooms, bookings, free-room search, access
grants for visitors, the visitor's route (JSON or a one-page PDF), calendars
(iCalendar) and usage statistics.

Permissions: ``meetings:read`` (rooms, search, bookings, grants, calendars),
``meetings:write`` (book, change, cancel), ``meetings:manage`` (room
settings, approvals, statistics); visitors' names need ``visitors:read``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from api.deps import QueriesDep
from api.errors import problem_responses
from api.files import file_answer, file_route
from api.schemas.media import ICS, PDF
from api.schemas.meetings import (
    AccessGrantOut,
    AccessGrantsOut,
    BookedOut,
    BookingOut,
    BookingsOut,
    FreeRoomOut,
    MeetingRoomOut,
    MeetingStatisticsOut,
    RoomSettingsOut,
)
from api.schemas.routes import RouteOut
from api.security import Principal, require
from twin.meetings.operations import Meetings, visitors_from
from twin.meetings.records import Booking, BookingRequest

router = APIRouter(
    tags=["meetings"], responses=problem_responses(400, 401, 403, 404, 409, 422, 503)
)

MeetingsRead = Annotated[Principal, Depends(require("meetings:read"))]
MeetingsWrite = Annotated[Principal, Depends(require("meetings:write"))]
MeetingsManage = Annotated[Principal, Depends(require("meetings:manage"))]

ROOM_HELP = "room GlobalId, number or name"
FROM = Query(alias="from", description="ISO 8601 with offset")
TO = Query(alias="to", description="ISO 8601 with offset")


def _meetings(queries: QueriesDep) -> Meetings:
    return Meetings(queries)


MeetingsDep = Annotated[Meetings, Depends(_meetings)]


# ---------------------------------------------------------------- bodies
class RoomSettingsIn(BaseModel):
    bookable: bool = True
    capacity: int | None = Field(None, ge=1, description="seats; null: from the model")
    needs_approval: bool = False


class VisitorIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    company: str = Field("", max_length=200)


class RepeatIn(BaseModel):
    """Weekly at the same local time up to ``until`` (inclusive), except on ``except``."""

    weekly_until: date
    except_: list[date] = Field(default_factory=list, alias="except")


class BookingIn(BaseModel):
    room: str = Field(description=ROOM_HELP)
    start: datetime = Field(description="ISO 8601 with offset")
    end: datetime
    attendees: int = Field(ge=1)
    title: str = Field("", max_length=300)
    organiser: str | None = Field(None, max_length=200, description="default: the key's name")
    organisation: str = Field("", max_length=200)
    visitors: list[str | VisitorIn] = Field(default_factory=list, max_length=200)
    step_free: bool = Field(False, description="visitors' route without stairs")
    repeat: RepeatIn | None = None


class BookingChange(BaseModel):
    room: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    attendees: int | None = Field(None, ge=1)
    title: str | None = Field(None, max_length=300)
    visitors: list[str | VisitorIn] | None = None
    step_free: bool | None = None


def _out(booking: Booking, principal: Principal) -> BookingOut:
    return BookingOut.of(booking, personal=principal.allows("visitors:read"))


# ---------------------------------------------------------------- rooms
@router.get("/buildings/{building_id}/meeting-rooms")
def list_meeting_rooms(
    building_id: str, meetings: MeetingsDep, _p: MeetingsRead
) -> list[MeetingRoomOut]:
    """Bookable meeting and reception rooms with their status now."""
    return [MeetingRoomOut.model_validate(r) for r in meetings.room_listings(building_id)]


@router.get("/buildings/{building_id}/meeting-rooms/free")
def list_free_meeting_rooms(
    building_id: str,
    meetings: MeetingsDep,
    _p: MeetingsRead,
    start: Annotated[datetime, FROM],
    end: Annotated[datetime, TO],
    attendees: Annotated[int, Query(ge=1)] = 1,
    step_free: bool = False,
    storey: str | None = None,
    equipment: Annotated[
        list[str], Query(description="features: display, video_conferencing, audio")
    ] = [],  # noqa: B006 (FastAPI copies query defaults)
    near: Annotated[
        str | None, Query(description=f"{ROOM_HELP}, or department:<name>; nearest first")
    ] = None,
) -> list[FreeRoomOut]:
    """Free rooms that fit, each with why; nearest first (``walk_m``) with ``near``."""
    found = meetings.free_rooms(
        building_id,
        start,
        end,
        attendees=attendees,
        step_free=step_free,
        storey=storey,
        equipment=equipment,
        near=near,
    )
    return [FreeRoomOut.model_validate(r) for r in found]


@router.put("/buildings/{building_id}/meeting-rooms/{room}")
def set_meeting_room_settings(
    building_id: str,
    room: str,
    body: RoomSettingsIn,
    meetings: MeetingsDep,
    principal: MeetingsManage,
) -> RoomSettingsOut:
    """Make a room bookable or not, set its seats and whether bookings need approval."""
    configured = meetings.set_room(
        building_id,
        room,
        bookable=body.bookable,
        capacity=body.capacity,
        needs_approval=body.needs_approval,
        actor=principal.name,
    )
    return RoomSettingsOut.model_validate(configured)


@file_route(
    router,
    "/buildings/{building_id}/meeting-rooms/{room}/calendar.ics",
    ICS,
    "The room's calendar (iCalendar, RFC 5545).",
)
def get_room_calendar(
    building_id: str, room: str, meetings: MeetingsDep, _p: MeetingsRead
) -> Response:
    """The room's active bookings as an iCalendar file."""
    return file_answer(meetings.room_ics(building_id, room), ICS)


@router.get("/buildings/{building_id}/meeting-stats")
def get_meeting_statistics(
    building_id: str,
    meetings: MeetingsDep,
    _p: MeetingsManage,
    start: Annotated[datetime, FROM],
    end: Annotated[datetime, TO],
) -> MeetingStatisticsOut:
    """Booked vs occupied hours per room (ghost meetings, unbooked use), no-show
    rates, peak local hours and per-organisation totals."""
    return MeetingStatisticsOut.model_validate(meetings.statistics(building_id, start, end))


# ---------------------------------------------------------------- bookings
@router.post(
    "/buildings/{building_id}/bookings",
    status_code=201,
    responses=problem_responses(409, 422),
)
def create_booking(
    building_id: str, body: BookingIn, meetings: MeetingsDep, principal: MeetingsWrite
) -> BookedOut:
    """Book a room (weekly with ``repeat``). A clash is a 409 naming the booking in
    the way (``clashing_bookings``); more attendees than seats, a time outside
    opening hours or a room that is not bookable is a 422. Rooms that need
    approval give a ``pending`` booking."""
    request = BookingRequest(
        room=body.room,
        start=body.start,
        end=body.end,
        attendees=body.attendees,
        title=body.title,
        organiser=body.organiser or "",
        organisation=body.organisation,
        visitors=visitors_from(
            [v if isinstance(v, str) else v.model_dump() for v in body.visitors]
        ),
        step_free=body.step_free,
        repeat_until=body.repeat.weekly_until if body.repeat else None,
        except_dates=tuple(body.repeat.except_) if body.repeat else (),
    )
    stored = meetings.book(building_id, request, actor=principal.name)
    series = [b.id for b in stored] if stored[0].series_id else None
    return BookedOut.of(stored[0], personal=principal.allows("visitors:read"), occurrences=series)


@router.get("/buildings/{building_id}/bookings")
def list_bookings(
    building_id: str,
    meetings: MeetingsDep,
    principal: MeetingsRead,
    room: Annotated[str | None, Query(description=ROOM_HELP)] = None,
    start: Annotated[datetime | None, FROM] = None,
    end: Annotated[datetime | None, TO] = None,
    state: Annotated[list[str] | None, Query(description="only these states")] = None,
) -> BookingsOut:
    """Bookings overlapping ``from``-``to`` (either open), earliest first."""
    found = meetings.bookings(building_id, room=room, start=start, end=end, states=state)
    return BookingsOut(bookings=[_out(b, principal) for b in found])


@router.get("/buildings/{building_id}/access-grants")
def list_access_grants(
    building_id: str,
    meetings: MeetingsDep,
    _p: MeetingsRead,
    start: Annotated[datetime, FROM],
    end: Annotated[datetime, TO],
) -> AccessGrantsOut:
    """Door grants of every booked meeting with visitors in the window: the export an
    access-control system polls (it also gets ``access`` events)."""
    grants = meetings.grants(building_id, start, end)
    return AccessGrantsOut(grants=[AccessGrantOut.model_validate(g) for g in grants])


@file_route(
    router,
    "/buildings/{building_id}/bookings/{booking_id}.ics",
    ICS,
    "The booking as an iCalendar event (RFC 5545).",
)
def get_booking_calendar(
    building_id: str, booking_id: str, meetings: MeetingsDep, _p: MeetingsRead
) -> Response:
    """The booking as an iCalendar file, for Outlook, Apple Calendar and the like."""
    return file_answer(meetings.booking_ics(building_id, booking_id), ICS)


@file_route(
    router,
    "/buildings/{building_id}/bookings/{booking_id}/visitor-route.pdf",
    PDF,
    "One A4 page: the route on the room's floor plan.",
)
def get_visitor_route_pdf(
    building_id: str,
    booking_id: str,
    meetings: MeetingsDep,
    _p: MeetingsRead,
    step_free: bool | None = None,
) -> Response:
    """The visitor's route from the entrance on the room's floor plan, one page."""
    return file_answer(meetings.visitor_pdf(building_id, booking_id, step_free=step_free), PDF)


@router.get("/buildings/{building_id}/bookings/{booking_id}/visitor-route")
def get_visitor_route(
    building_id: str,
    booking_id: str,
    meetings: MeetingsDep,
    _p: MeetingsRead,
    step_free: Annotated[bool | None, Query(description="default: the booking's")] = None,
) -> RouteOut:
    """The visitor's walking route from ``outside`` to the room."""
    return RouteOut.model_validate(
        meetings.visitor_route(building_id, booking_id, step_free=step_free)
    )


@router.get("/buildings/{building_id}/bookings/{booking_id}/access")
def get_booking_access(
    building_id: str, booking_id: str, meetings: MeetingsDep, _p: MeetingsRead
) -> AccessGrantsOut:
    """The booking's access grant (none when it has no visitors or is not booked)."""
    grants = meetings.booking_grants(building_id, booking_id)
    return AccessGrantsOut(grants=[AccessGrantOut.model_validate(g) for g in grants])


@router.get("/buildings/{building_id}/bookings/{booking_id}")
def get_booking(
    building_id: str, booking_id: str, meetings: MeetingsDep, principal: MeetingsRead
) -> BookingOut:
    """One booking."""
    return _out(meetings.booking(building_id, booking_id), principal)


@router.patch("/buildings/{building_id}/bookings/{booking_id}")
def change_booking(
    building_id: str,
    booking_id: str,
    body: BookingChange,
    meetings: MeetingsDep,
    principal: MeetingsWrite,
) -> BookingOut:
    """Change a booking's room, times, attendees, title, visitors (checked again;
    a clash is a 409)."""
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "visitors" in changes:
        changes["visitors"] = visitors_from(changes["visitors"])
    changed = meetings.change(building_id, booking_id, actor=principal.name, **changes)
    return _out(changed, principal)


@router.delete("/buildings/{building_id}/bookings/{booking_id}")
def cancel_booking(
    building_id: str,
    booking_id: str,
    meetings: MeetingsDep,
    principal: MeetingsWrite,
    series: Annotated[bool, Query(description="also the later ones of its series")] = False,
) -> BookingsOut:
    """Cancel a booking (the room is free again); its door grants are revoked."""
    done = meetings.cancel(building_id, booking_id, actor=principal.name, series=series)
    return BookingsOut(bookings=[_out(b, principal) for b in done])


@router.post("/buildings/{building_id}/bookings/{booking_id}/approve")
def approve_booking(
    building_id: str, booking_id: str, meetings: MeetingsDep, principal: MeetingsManage
) -> BookingOut:
    """Approve a pending booking: it is booked and its door grants are sent."""
    decided = meetings.decide(building_id, booking_id, approve=True, actor=principal.name)
    return _out(decided, principal)


@router.post("/buildings/{building_id}/bookings/{booking_id}/reject")
def reject_booking(
    building_id: str, booking_id: str, meetings: MeetingsDep, principal: MeetingsManage
) -> BookingOut:
    """Reject a pending booking: the room is free again."""
    decided = meetings.decide(building_id, booking_id, approve=False, actor=principal.name)
    return _out(decided, principal)
