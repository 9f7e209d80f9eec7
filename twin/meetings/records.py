"""Booking records, the rules bookings obey, and weekly recurrence.

Times are timezone-aware UTC inside; opening hours and weekly repetition are
local to the building (``MeetingRules.timezone``, Beijing time by default),
because "every Monday at 09:00" and "open 07:00-22:00" are local ideas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal, Self
from zoneinfo import ZoneInfo

from twin.meetings.errors import BadBookingError, OutsideOpeningHoursError

if TYPE_CHECKING:
    from twin.settings import Settings

BookingState = Literal["pending", "booked", "cancelled", "rejected", "released"]
#: States that hold the room: the database refuses two of them overlapping.
ACTIVE_STATES: tuple[str, ...] = ("pending", "booked")
#: Most occurrences one weekly series may have (two years).
MAX_OCCURRENCES = 104
#: Longest single booking, hours.
MAX_BOOKING_H = 24


@dataclass(frozen=True)
class Visitor:
    """A visitor (personal data: shown only to roles that may see it)."""

    name: str
    company: str = ""


@dataclass(frozen=True)
class MeetingRules:
    """How rooms and bookings behave in a building.

    ``m2_per_seat`` turns usable area into seats where the model gives no
    occupancy number; ``release_after_min`` is how long after the start an
    empty booked room is released; grants open ``grant_lead_min`` before the
    start; ``opens``/``closes`` are local times of ``timezone``.
    """

    m2_per_seat: float = 2.0
    release_after_min: float = 15.0
    grant_lead_min: float = 15.0
    timezone: str = "Asia/Shanghai"
    opens: time = time(7, 0)
    closes: time = time(22, 0)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """The rules the ``TWIN_MEETING_*`` settings give."""
        opens, _, closes = settings.meeting_hours.partition("-")
        return cls(
            m2_per_seat=settings.meeting_m2_per_seat,
            release_after_min=settings.meeting_release_after_min,
            timezone=settings.meeting_timezone,
            opens=time.fromisoformat(opens),
            closes=time.fromisoformat(closes),
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def check_hours(self, start: datetime, end: datetime) -> None:
        """Raise :class:`OutsideOpeningHoursError` unless ``[start, end)`` lies within
        one day's opening hours (local time)."""
        local_start, local_end = start.astimezone(self.zone), end.astimezone(self.zone)
        opens = datetime.combine(local_start.date(), self.opens, self.zone)
        closes = datetime.combine(local_start.date(), self.closes, self.zone)
        if local_start < opens or local_end > closes:
            raise OutsideOpeningHoursError(
                f"rooms can be booked {self.opens:%H:%M}-{self.closes:%H:%M} ({self.timezone}); "
                f"asked {local_start:%Y-%m-%d %H:%M}-{local_end:%H:%M}"
            )


@dataclass(frozen=True)
class Booking:
    """One booked occurrence of a room. ``room`` is the space GlobalId; times UTC."""

    id: str
    building_id: str
    room: str
    start: datetime
    end: datetime
    state: str
    title: str
    organiser: str
    organisation: str
    attendees: int
    visitors: tuple[Visitor, ...] = ()
    step_free: bool = False
    series_id: str | None = None
    created_by: str = ""
    created_at: datetime | None = None
    occupied_at: datetime | None = None
    released_at: datetime | None = None

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    @property
    def visitor_count(self) -> int:
        return len(self.visitors)


@dataclass(frozen=True)
class BookingRequest:
    """What an organiser asks for. ``repeat_until`` makes it weekly up to that local
    date (inclusive), skipping the local dates in ``except_dates``."""

    room: str
    start: datetime
    end: datetime
    attendees: int
    title: str = ""
    organiser: str = ""
    organisation: str = ""
    visitors: tuple[Visitor, ...] = ()
    step_free: bool = False
    repeat_until: date | None = None
    except_dates: tuple[date, ...] = field(default_factory=tuple)


RoomStatus = Literal["free", "booked", "in_use"]


@dataclass(frozen=True, slots=True)
class RoomState:
    """A room now: ``in_use`` when its occupancy sensors see someone (booked or not),
    else ``booked`` or ``free``; ``occupied`` is ``None`` without a sensor."""

    status: RoomStatus
    booking_id: str | None
    occupied: bool | None
    unbooked_use: bool


@dataclass(frozen=True, slots=True)
class RoomUse:
    """A room's bookings over a window: booked vs occupied hours (``None`` without an
    occupancy sensor), ``ghost_h`` booked with nobody there, no-shows."""

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


@dataclass(frozen=True, slots=True)
class OrganisationUse:
    """An organisation's bookings over a window."""

    organisation: str
    bookings: int
    booked_h: float
    no_shows: int
    no_show_rate: float | None


@dataclass(frozen=True, slots=True)
class PeakHour:
    """How many bookings ran during a local hour of the day (0-23)."""

    hour: int
    bookings: int


@dataclass(frozen=True, slots=True)
class MeetingStatistics:
    """Meeting-room use over ``[start, end)`` (UTC); peak hours in ``timezone``, busiest first."""

    start: datetime
    end: datetime
    bookings: int
    no_shows: int
    no_show_rate: float | None
    rooms: tuple[RoomUse, ...]
    organisations: tuple[OrganisationUse, ...]
    peak_hours: tuple[PeakHour, ...]
    timezone: str


def utc(value: datetime) -> datetime:
    """``value`` as aware UTC; a naive time is refused (we cannot guess its zone)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise BadBookingError(f"time {value.isoformat()} has no UTC offset")
    return value.astimezone(UTC)


def check_times(start: datetime, end: datetime) -> None:
    if end <= start:
        raise BadBookingError("a booking must end after it starts")
    if end - start > timedelta(hours=MAX_BOOKING_H):
        raise BadBookingError(f"a booking may last at most {MAX_BOOKING_H} h")


def occurrences(
    start: datetime,
    end: datetime,
    *,
    zone: ZoneInfo,
    until: date | None = None,
    except_dates: Sequence[date] = (),
) -> list[tuple[datetime, datetime]]:
    """The ``(start, end)`` UTC pairs of a booking repeated weekly at the same local time.

    Examples
    --------
    >>> from datetime import datetime, date, UTC
    >>> monday = datetime(2025, 3, 3, 1, tzinfo=UTC)
    >>> pairs = occurrences(monday, monday.replace(hour=2), zone=ZoneInfo("Asia/Shanghai"),
    ...                     until=date(2025, 3, 17), except_dates=[date(2025, 3, 10)])
    >>> [s.day for s, _ in pairs]
    [3, 17]
    """
    check_times(start, end)
    local_start, length = start.astimezone(zone), end - start
    if until is None:
        return [(start, end)]
    if until < local_start.date():
        raise BadBookingError("a weekly booking must repeat until a date after its first day")
    skip = set(except_dates)
    pairs = []
    day, week = local_start.date(), 0
    while day <= until:
        if day not in skip:
            first = datetime.combine(day, local_start.timetz().replace(tzinfo=None), zone)
            pairs.append((first.astimezone(UTC), (first + length).astimezone(UTC)))
        week += 1
        day = local_start.date() + timedelta(weeks=week)
        if week > MAX_OCCURRENCES:
            raise BadBookingError(f"a weekly booking may repeat at most {MAX_OCCURRENCES} times")
    if not pairs:
        raise BadBookingError("every occurrence of the weekly booking is an exception")
    return pairs
