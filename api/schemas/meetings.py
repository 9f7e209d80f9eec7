"""Meeting rooms, bookings, access grants and room-use statistics."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Self

from pydantic import AliasChoices, ConfigDict, Field

from api.schemas.common import Out

if TYPE_CHECKING:
    from twin.meetings.records import Booking

ROOM_GID = "2O2Fr$t4X7Zf8NOew3FLOH"


class RoomEquipmentOut(Out):
    global_id: str
    name: str
    ifc_class: str
    feature: str | None = Field(description="display, video_conferencing, audio or null")


class MeetingRoomOut(Out):
    """A bookable room: seats (from a setting, the model's occupancy number or the
    usable area), equipment in it, whether it is reachable without stairs, and its
    status now (``free``, ``booked``, ``in_use``)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "global_id": ROOM_GID,
                    "number": "0105",
                    "name": "大会议室",
                    "storey": "F01",
                    "room_type": "meeting",
                    "capacity": 20,
                    "capacity_source": "model",
                    "area_m2": 48.6,
                    "needs_approval": False,
                    "step_free": True,
                    "equipment": [
                        {
                            "global_id": "1kTvXnbbzCWw8lcMd1dR4o",
                            "name": "投影仪",
                            "ifc_class": "IfcAudioVisualAppliance",
                            "feature": "display",
                        }
                    ],
                    "status": "booked",
                    "booking_id": "bk-3f2a9c",
                    "occupied": False,
                    "unbooked_use": False,
                }
            ]
        }
    )

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
    equipment: list[RoomEquipmentOut]
    status: str | None = Field(None, description="free, booked or in_use (now)")
    booking_id: str | None = None
    occupied: bool | None = Field(None, description="occupancy sensor now (null: no sensor)")
    unbooked_use: bool | None = None


class FreeRoomOut(MeetingRoomOut):
    walk_m: float | None = Field(description="walking distance from `near`, m")
    why: list[str] = Field(description="why the room fits")


class RoomSettingsOut(Out):
    """A room's settings after a change: seats in effect (null when not bookable)."""

    global_id: str
    number: str
    name: str
    bookable: bool
    capacity: int | None
    capacity_source: str | None = Field(description="setting, model, area or null")
    needs_approval: bool


class VisitorOut(Out):
    name: str
    company: str


class BookingOut(Out):
    """A booking. ``visitors`` is null for keys without ``visitors:read``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "bk-3f2a9c",
                    "room": ROOM_GID,
                    "state": "booked",
                    "start": "2030-01-07T02:00:00Z",
                    "end": "2030-01-07T03:00:00Z",
                    "title": "周例会",
                    "organiser": "王芳",
                    "organisation": "办公室",
                    "attendees": 6,
                    "visitor_count": 1,
                    "visitors": [{"name": "李明", "company": "市规划院"}],
                    "step_free": False,
                    "series_id": None,
                    "created_by": "staff",
                    "occupied_at": None,
                    "released_at": None,
                }
            ]
        }
    )

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

    @classmethod
    def of(cls, booking: Booking, *, personal: bool, **fields: Any) -> Self:
        """``booking`` as answered: visitors' names only with ``personal``; ``fields``
        fill a subclass's fields (:class:`BookedOut`)."""
        out = cls.model_validate(booking)
        return out.model_copy(update={**({} if personal else {"visitors": None}), **fields})


class BookedOut(BookingOut):
    """A new booking; a weekly series answers its first occurrence."""

    occurrences: list[str] | None = Field(None, description="ids of a weekly series, in order")


class BookingsOut(Out):
    bookings: list[BookingOut]


class AccessGrantOut(Out):
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


class AccessGrantsOut(Out):
    grants: list[AccessGrantOut]


# --- statistics ---------------------------------------------------------------
class RoomUseOut(Out):
    """A room's bookings in the window; hours are null without an occupancy sensor.
    ``ghost_h``: booked with nobody there; ``unbooked_occupied_h``: used unbooked."""

    global_id: str
    number: str
    name: str
    bookings: int
    booked_h: float
    occupied_h: float | None
    ghost_h: float | None
    unbooked_occupied_h: float | None
    no_shows: int
    no_show_rate: float | None


class OrganisationUseOut(Out):
    organisation: str
    bookings: int
    booked_h: float
    no_shows: int
    no_show_rate: float | None


class PeakHourOut(Out):
    hour: int = Field(description="local hour of the day, 0-23")
    bookings: int


class MeetingStatisticsOut(Out):
    """Booked vs occupied hours per room, no-show rates, peak local hours (busiest
    first) and per-organisation totals over ``from``-``to``."""

    model_config = ConfigDict(
        populate_by_name=True,
        serialize_by_alias=True,
        json_schema_extra={
            "examples": [
                {
                    "from": "2030-01-07T00:00:00Z",
                    "to": "2030-01-14T00:00:00Z",
                    "bookings": 12,
                    "no_shows": 1,
                    "no_show_rate": 0.083,
                    "rooms": [
                        {
                            "global_id": ROOM_GID,
                            "number": "0105",
                            "name": "大会议室",
                            "bookings": 12,
                            "booked_h": 14.5,
                            "occupied_h": 11.25,
                            "ghost_h": 3.25,
                            "unbooked_occupied_h": 0.0,
                            "no_shows": 1,
                            "no_show_rate": 0.083,
                        }
                    ],
                    "organisations": [
                        {
                            "organisation": "办公室",
                            "bookings": 12,
                            "booked_h": 14.5,
                            "no_shows": 1,
                            "no_show_rate": 0.083,
                        }
                    ],
                    "peak_hours": [{"hour": 9, "bookings": 5}],
                    "timezone": "Asia/Shanghai",
                }
            ]
        },
    )

    # The record says start/end; the answer says from/to like the query.
    from_: datetime = Field(validation_alias=AliasChoices("from", "start"), alias="from")
    to: datetime = Field(validation_alias=AliasChoices("to", "end"))
    bookings: int
    no_shows: int
    no_show_rate: float | None
    rooms: list[RoomUseOut]
    organisations: list[OrganisationUseOut]
    peak_hours: list[PeakHourOut]
    timezone: str
