"""Meeting rooms (会议一件事): bookable rooms, bookings, free-room search, access
grants for visitors, the visitor's route (JSON or a one-page PDF), calendars
(iCalendar) and usage statistics.

Permissions: ``meetings:read`` (rooms, search, bookings, grants, calendars),
``meetings:write`` (book, change, cancel), ``meetings:manage`` (room
settings, approvals, statistics); visitors' names need ``visitors:read``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from api.deps import QueriesDep
from api.errors import problem_responses
from api.routes.routing import RouteOut
from api.security import Principal, require
from twin.meetings.operations import Meetings, booking_dict, visitors_from
from twin.meetings.records import BookingRequest

router = APIRouter(
    tags=["meetings"], responses=problem_responses(400, 401, 403, 404, 409, 422, 503)
)

MeetingsRead = Annotated[Principal, Depends(require("meetings:read"))]
MeetingsWrite = Annotated[Principal, Depends(require("meetings:write"))]
MeetingsManage = Annotated[Principal, Depends(require("meetings:manage"))]

ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"
ROOM_HELP = "room GlobalId, number or name"
FROM = Query(alias="from", description="ISO 8601 with offset")
TO = Query(alias="to", description="ISO 8601 with offset")


def _meetings(queries: QueriesDep) -> Meetings:
    return Meetings(queries)


MeetingsDep = Annotated[Meetings, Depends(_meetings)]


# ---------------------------------------------------------------- bodies
class EquipmentOut(BaseModel):
    global_id: str
    name: str
    ifc_class: str
    feature: str | None = Field(description="display, video_conferencing, audio or null")


class MeetingRoomOut(BaseModel):
    """A bookable room: seats (from a setting, the model's occupancy number or the
    usable area), equipment in it, whether it is reachable without stairs, and its
    status now (``free``, ``booked``, ``in_use``)."""

    global_id: str
    number: str
    name: str
    storey: str
    room_type: str
    capacity: int
    capacity_source: str = Field(description="setting, model or area")
    area_m2: float | None
    needs_approval: bool
    step_free: bool
    equipment: list[EquipmentOut]
    status: str | None = Field(None, description="free, booked or in_use (now)")
    booking_id: str | None = None
    occupied: bool | None = Field(None, description="occupancy sensor now (null: no sensor)")
    unbooked_use: bool | None = None


class FreeRoomOut(MeetingRoomOut):
    walk_m: float | None = Field(description="walking distance from `near`, m")
    why: list[str] = Field(description="why the room fits")


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


class VisitorOut(BaseModel):
    name: str
    company: str


class BookingOut(BaseModel):
    """A booking. ``visitors`` is null for keys without ``visitors:read``."""

    id: str
    room: str = Field(description="GlobalId of the room")
    state: str = Field(description="pending, booked, cancelled, rejected or released")
    start: datetime
    end: datetime
    title: str
    organiser: str
    organisation: str
    attendees: int
    visitor_count: int
    visitors: list[VisitorOut] | None
    step_free: bool
    series_id: str | None
    created_by: str
    occupied_at: datetime | None
    released_at: datetime | None
    occurrences: list[str] | None = Field(None, description="ids of a weekly series, in order")


class BookingsOut(BaseModel):
    bookings: list[BookingOut]


class AccessGrantOut(BaseModel):
    """Doors on the visitors' route from ``outside``, open from 15 minutes before the
    start to the end (UTC)."""

    booking_id: str
    building_id: str
    room: str
    door_global_ids: list[str]
    valid_from: datetime
    valid_to: datetime
    visitors: int
    step_free: bool


class AccessGrantsOut(BaseModel):
    grants: list[AccessGrantOut]


def _out(booking: Any, principal: Principal) -> dict[str, Any]:
    return booking_dict(booking, personal=principal.allows("visitors:read"))


# ---------------------------------------------------------------- rooms
@router.get("/buildings/{building_id}/meeting-rooms", response_model=list[MeetingRoomOut])
def list_meeting_rooms(building_id: str, meetings: MeetingsDep, _p: MeetingsRead) -> Any:
    """Bookable meeting and reception rooms with their status now."""
    return meetings.room_rows(building_id)


@router.get("/buildings/{building_id}/meeting-rooms/free", response_model=list[FreeRoomOut])
def free_meeting_rooms(
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
) -> Any:
    """Free rooms that fit, each with why; nearest first (``walk_m``) with ``near``."""
    return meetings.free_rooms(
        building_id,
        start,
        end,
        attendees=attendees,
        step_free=step_free,
        storey=storey,
        equipment=equipment,
        near=near,
    )


@router.put("/buildings/{building_id}/meeting-rooms/{room}")
def set_meeting_room(
    building_id: str,
    room: str,
    body: RoomSettingsIn,
    meetings: MeetingsDep,
    principal: MeetingsManage,
) -> dict[str, Any]:
    """Make a room bookable or not, set its seats and whether bookings need approval."""
    return meetings.set_room(
        building_id,
        room,
        bookable=body.bookable,
        capacity=body.capacity,
        needs_approval=body.needs_approval,
        actor=principal.name,
    )


@router.get(
    "/buildings/{building_id}/meeting-rooms/{room}/calendar.ics",
    response_class=Response,
    responses={200: {"content": {ICS_MEDIA_TYPE: {}}, "description": "iCalendar"}},
)
def room_calendar(building_id: str, room: str, meetings: MeetingsDep, _p: MeetingsRead) -> Any:
    """The room's active bookings as an iCalendar file."""
    return Response(meetings.room_ics(building_id, room), media_type=ICS_MEDIA_TYPE)


@router.get("/buildings/{building_id}/meeting-stats")
def meeting_statistics(
    building_id: str,
    meetings: MeetingsDep,
    _p: MeetingsManage,
    start: Annotated[datetime, FROM],
    end: Annotated[datetime, TO],
) -> dict[str, Any]:
    """Booked vs occupied hours per room (ghost meetings, unbooked use), no-show
    rates, peak local hours and per-organisation totals."""
    return meetings.statistics(building_id, start, end)


# ---------------------------------------------------------------- bookings
@router.post(
    "/buildings/{building_id}/bookings",
    status_code=201,
    response_model=BookingOut,
    responses=problem_responses(409, 422),
)
def create_booking(
    building_id: str, body: BookingIn, meetings: MeetingsDep, principal: MeetingsWrite
) -> Any:
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
    first = _out(stored[0], principal)
    if stored[0].series_id:
        first["occurrences"] = [b.id for b in stored]
    return first


@router.get("/buildings/{building_id}/bookings", response_model=BookingsOut)
def list_bookings(
    building_id: str,
    meetings: MeetingsDep,
    principal: MeetingsRead,
    room: Annotated[str | None, Query(description=ROOM_HELP)] = None,
    start: Annotated[datetime | None, FROM] = None,
    end: Annotated[datetime | None, TO] = None,
    state: Annotated[list[str] | None, Query(description="only these states")] = None,
) -> Any:
    """Bookings overlapping ``from``-``to`` (either open), earliest first."""
    found = meetings.bookings(building_id, room=room, start=start, end=end, states=state)
    return {"bookings": [_out(b, principal) for b in found]}


@router.get("/buildings/{building_id}/access-grants", response_model=AccessGrantsOut)
def access_grants(
    building_id: str,
    meetings: MeetingsDep,
    _p: MeetingsRead,
    start: Annotated[datetime, FROM],
    end: Annotated[datetime, TO],
) -> Any:
    """Door grants of every booked meeting with visitors in the window: the export an
    access-control system polls (it also gets ``access`` events)."""
    return {"grants": [g.to_dict() for g in meetings.grants(building_id, start, end)]}


@router.get(
    "/buildings/{building_id}/bookings/{booking_id}.ics",
    response_class=Response,
    responses={200: {"content": {ICS_MEDIA_TYPE: {}}, "description": "iCalendar"}},
)
def booking_calendar(
    building_id: str, booking_id: str, meetings: MeetingsDep, _p: MeetingsRead
) -> Any:
    return Response(meetings.booking_ics(building_id, booking_id), media_type=ICS_MEDIA_TYPE)


@router.get(
    "/buildings/{building_id}/bookings/{booking_id}/visitor-route.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "one A4 page"}},
)
def visitor_route_pdf(
    building_id: str,
    booking_id: str,
    meetings: MeetingsDep,
    _p: MeetingsRead,
    step_free: bool | None = None,
) -> Any:
    """The visitor's route from the entrance on the room's floor plan, one page."""
    body = meetings.visitor_pdf(building_id, booking_id, step_free=step_free)
    return Response(body, media_type="application/pdf")


@router.get("/buildings/{building_id}/bookings/{booking_id}/visitor-route", response_model=RouteOut)
def visitor_route(
    building_id: str,
    booking_id: str,
    meetings: MeetingsDep,
    _p: MeetingsRead,
    step_free: Annotated[bool | None, Query(description="default: the booking's")] = None,
) -> Any:
    """The visitor's walking route from ``outside`` to the room."""
    return meetings.visitor_route(building_id, booking_id, step_free=step_free)


@router.get("/buildings/{building_id}/bookings/{booking_id}/access", response_model=AccessGrantsOut)
def booking_access(
    building_id: str, booking_id: str, meetings: MeetingsDep, _p: MeetingsRead
) -> Any:
    """The booking's access grant (none when it has no visitors or is not booked)."""
    booking = meetings.service.store.get(building_id, booking_id)
    if not booking.visitors or booking.state != "booked":
        return {"grants": []}
    return {"grants": [meetings.grant(booking).to_dict()]}


@router.get("/buildings/{building_id}/bookings/{booking_id}", response_model=BookingOut)
def get_booking(
    building_id: str, booking_id: str, meetings: MeetingsDep, principal: MeetingsRead
) -> Any:
    return _out(meetings.service.store.get(building_id, booking_id), principal)


@router.patch("/buildings/{building_id}/bookings/{booking_id}", response_model=BookingOut)
def change_booking(
    building_id: str,
    booking_id: str,
    body: BookingChange,
    meetings: MeetingsDep,
    principal: MeetingsWrite,
) -> Any:
    """Change a booking's room, times, attendees, title, visitors (checked again;
    a clash is a 409)."""
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "visitors" in changes:
        changes["visitors"] = visitors_from(changes["visitors"])
    changed = meetings.change(building_id, booking_id, actor=principal.name, **changes)
    return _out(changed, principal)


@router.delete("/buildings/{building_id}/bookings/{booking_id}", response_model=BookingsOut)
def cancel_booking(
    building_id: str,
    booking_id: str,
    meetings: MeetingsDep,
    principal: MeetingsWrite,
    series: Annotated[bool, Query(description="also the later ones of its series")] = False,
) -> Any:
    """Cancel a booking (the room is free again); its door grants are revoked."""
    done = meetings.cancel(building_id, booking_id, actor=principal.name, series=series)
    return {"bookings": [_out(b, principal) for b in done]}


@router.post("/buildings/{building_id}/bookings/{booking_id}/approve", response_model=BookingOut)
def approve_booking(
    building_id: str, booking_id: str, meetings: MeetingsDep, principal: MeetingsManage
) -> Any:
    decided = meetings.decide(building_id, booking_id, approve=True, actor=principal.name)
    return _out(decided, principal)


@router.post("/buildings/{building_id}/bookings/{booking_id}/reject", response_model=BookingOut)
def reject_booking(
    building_id: str, booking_id: str, meetings: MeetingsDep, principal: MeetingsManage
) -> Any:
    decided = meetings.decide(building_id, booking_id, approve=False, actor=principal.name)
    return _out(decided, principal)
