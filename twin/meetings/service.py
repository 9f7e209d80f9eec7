"""The meeting service: bookings' life cycle, tied to live occupancy.

One per process (:class:`twin.service.Twin` makes it). It changes bookings
through the :class:`~twin.meetings.store.BookingStore` and tells the event
bus (kind ``booking``; ``access`` for door grants). The twin's ticker calls
:meth:`MeetingService.release_no_shows`: a ``booked`` booking whose room's
occupancy sensors showed nobody during the first ``release_after_min``
minutes is ``released`` (the room is free again) and the organiser is told
by a ``booking`` event with ``action`` ``released``. A room without an
occupancy sensor, or whose sensor said nothing, is never released: nobody
knows it is empty.

Everything here works on GlobalIds; what the model says about rooms (seats,
routes) is :mod:`twin.meetings.operations`.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from twin.devices.events import Event, EventBus
from twin.devices.hub import DeviceService
from twin.devices.occupancy import utilisation
from twin.devices.registry import OCCUPANCY_BOOL_CLASSES, OCCUPANCY_COUNT_CLASSES, Device
from twin.meetings.records import (
    ACTIVE_STATES,
    Booking,
    MeetingRules,
    MeetingStatistics,
    OrganisationUse,
    PeakHour,
    RoomState,
    RoomStatus,
    RoomUse,
)
from twin.meetings.store import BookingStore

log = logging.getLogger(__name__)

US_PER_S = 1_000_000
#: History read before a window, so the sensor's state at its start is known.
STATE_LEAD = timedelta(hours=24)
#: Decimal places of hours and rates in statistics.
HOURS_DIGITS = 2

_OCCUPANCY = OCCUPANCY_COUNT_CLASSES | OCCUPANCY_BOOL_CLASSES


@dataclass(frozen=True)
class AccessGrant:
    """Doors a booking's visitors may open, and when (UTC)."""

    booking_id: str
    building_id: str
    room: str
    door_global_ids: tuple[str, ...]
    valid_from: datetime
    valid_to: datetime
    visitors: int
    step_free: bool

    def to_dict(self) -> dict[str, Any]:
        """The payload of an ``access`` event."""
        return {
            "booking_id": self.booking_id,
            "building_id": self.building_id,
            "room": self.room,
            "door_global_ids": list(self.door_global_ids),
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
            "visitors": self.visitors,
            "step_free": self.step_free,
        }


class MeetingService:
    """Bookings of every building, their events and their no-show releases.

    Parameters
    ----------
    engine
        The twin's database.
    devices
        Occupancy sensors and their history.
    bus
        Where ``booking`` and ``access`` events go.
    clock
        Epoch seconds (UTC) now; tests inject a fake clock.
    rules
        Seats per m², release delay, grant lead, opening hours.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        devices: DeviceService,
        bus: EventBus,
        clock: Callable[[], float] = time.time,
        rules: MeetingRules | None = None,
    ) -> None:
        self.store = BookingStore(engine)
        self.devices = devices
        self.bus = bus
        self.clock = clock
        self.rules = rules or MeetingRules()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    # ------------------------------------------------------------ changes
    def add(self, bookings: Sequence[Booking], *, actor: str) -> list[Booking]:
        """Store a booking or a whole series (see :meth:`BookingStore.add`) and tell the bus."""
        stored = self.store.add(bookings, actor=actor)
        self._tell("created", stored)
        return stored

    def change(self, building_id: str, booking_id: str, *, actor: str, **changes: Any) -> Booking:
        changed = self.store.update(
            building_id, booking_id, actor=actor, action="change", **changes
        )
        self._tell("changed", [changed])
        return changed

    def cancel(self, building_id: str, booking_id: str, *, actor: str) -> Booking:
        cancelled = self.store.transition(
            building_id, booking_id, "cancelled", allowed_from=ACTIVE_STATES, actor=actor
        )
        self._tell("cancelled", [cancelled])
        return cancelled

    def decide(self, building_id: str, booking_id: str, *, approve: bool, actor: str) -> Booking:
        """Approve (``booked``) or reject a ``pending`` booking."""
        decided = self.store.transition(
            building_id,
            booking_id,
            "booked" if approve else "rejected",
            allowed_from=("pending",),
            actor=actor,
        )
        self._tell("approved" if approve else "rejected", [decided])
        return decided

    def tell_access(self, grants: Iterable[AccessGrant], *, action: str) -> None:
        """Publish door grants (``action``: ``granted`` or ``revoked``) for access control."""
        self.bus.publish(
            [Event("access", g.building_id, {"action": action, **g.to_dict()}) for g in grants]
        )

    def _tell(self, action: str, bookings: Sequence[Booking]) -> None:
        self.bus.publish(
            [
                Event(
                    "booking",
                    b.building_id,
                    {
                        "action": action,
                        "booking_id": b.id,
                        "room": b.room,
                        "state": b.state,
                        "start": b.start.isoformat(),
                        "end": b.end.isoformat(),
                        "organiser": b.organiser,
                        "organisation": b.organisation,
                    },
                )
                for b in bookings
            ]
        )

    # ------------------------------------------------------------ live ties
    def occupancy_sensors(self, building_id: str, room: str) -> list[Device]:
        return [
            d
            for d in self.devices.devices(building_id)
            if d.space_id == room and any(p.brick_class in _OCCUPANCY for p in d.points.values())
        ]

    def release_no_shows(self, now: float | None = None) -> list[Booking]:
        """Release booked rooms nobody came to; mark attended bookings as occupied.

        A booking is judged once ``release_after_min`` minutes after its start,
        from its room's occupancy history over those minutes: anyone counted
        (``occupied_at`` is set, the booking stays), or a known state of nobody
        all along (``released``). Returns the released bookings.
        """
        at = datetime.fromtimestamp(self.clock() if now is None else now, UTC)
        grace = timedelta(minutes=self.rules.release_after_min)
        due = [
            b
            for b in self.store.find(None, start=at, end=at - grace, states=("booked",))
            if b.occupied_at is None
        ]
        released = []
        for booking in due:
            sensors = self.occupancy_sensors(booking.building_id, booking.room)
            if not sensors:
                continue
            window_end = booking.start + grace
            rows = self.devices.history(
                [d.device_id for d in sensors], start=booking.start - STATE_LEAD, end=window_end
            )
            use = utilisation(
                sensors, rows, start_us=_us(booking.start), end_us=_us(window_end)
            ).get(booking.room)
            if use is None or use.observed_s <= 0:
                continue
            if use.occupied_s > 0:
                first = min(
                    (ts for _, _, ts, v in rows if v > 0 and ts >= _us(booking.start)),
                    default=_us(booking.start),
                )
                self.store.update(
                    booking.building_id,
                    booking.id,
                    actor="occupancy",
                    action="occupied",
                    occupied_at=datetime.fromtimestamp(first / US_PER_S, UTC),
                )
                continue
            done = self.store.transition(
                booking.building_id,
                booking.id,
                "released",
                allowed_from=("booked",),
                actor="occupancy",
                released_at=at,
            )
            log.info("released booking %s of room %s: nobody came", done.id, done.room)
            self._tell("released", [done])
            released.append(done)
        return released

    def room_states(self, building_id: str, rooms: Sequence[str]) -> dict[str, RoomState]:
        """Each room now: ``free``, ``booked`` or ``in_use`` (occupied, booked or not)."""
        at = self.now()
        current = {
            b.room: b
            for b in self.store.find(building_id, start=at, end=at, states=ACTIVE_STATES)
            if b.start <= at
        }
        live = self.devices.occupancy(building_id)
        out = {}
        for room in rooms:
            booking = current.get(room)
            occupied = live[room].occupied if room in live else None
            status: RoomStatus = "in_use" if occupied else ("booked" if booking else "free")
            out[room] = RoomState(
                status=status,
                booking_id=booking.id if booking else None,
                occupied=occupied,
                unbooked_use=bool(occupied and booking is None),
            )
        return out

    def statistics(
        self,
        building_id: str,
        rooms: Mapping[str, tuple[str, str]],
        start: datetime,
        end: datetime,
    ) -> MeetingStatistics:
        """Booked vs occupied hours per room, no-shows, peak hours, per organisation.

        ``rooms`` maps each room's GlobalId to its number and name, in answer order.

        ``ghost_h`` is booked time the sensors showed nobody; ``unbooked_occupied_h``
        time someone was there without a booking. Hours need an occupancy sensor
        (``None`` without one).
        """
        bookings = [
            b
            for b in self.store.find(building_id, start=start, end=end)
            if b.state in ("booked", "released") and b.room in rooms
        ]
        by_room: dict[str, list[Booking]] = defaultdict(list)
        for b in bookings:
            by_room[b.room].append(b)
        room_rows: list[RoomUse] = []
        for room in rooms:
            own = by_room.get(room, [])
            booked_h = sum(_overlap_h(b, start, end) for b in own)
            sensors = self.occupancy_sensors(building_id, room)
            occupied_h = ghost_h = unbooked_h = None
            if sensors:
                ids = [d.device_id for d in sensors]
                rows = self.devices.history(ids, start=start - STATE_LEAD, end=end)
                whole = utilisation(sensors, rows, start_us=_us(start), end_us=_us(end)).get(room)
                occupied_h = whole.occupied_s / 3600 if whole else 0.0
                in_bookings = ghost_h = 0.0
                for b in own:
                    s, e = max(b.start, start), min(b.end, end)
                    use = utilisation(sensors, rows, start_us=_us(s), end_us=_us(e)).get(room)
                    if use is not None:
                        in_bookings += use.occupied_s / 3600
                        ghost_h += (use.observed_s - use.occupied_s) / 3600
                unbooked_h = max(0.0, occupied_h - in_bookings)
            no_shows = sum(1 for b in own if b.state == "released")
            number, name = rooms[room]
            room_rows.append(
                RoomUse(
                    global_id=room,
                    number=number,
                    name=name,
                    bookings=len(own),
                    booked_h=round(booked_h, HOURS_DIGITS),
                    occupied_h=_h(occupied_h),
                    ghost_h=_h(ghost_h),
                    unbooked_occupied_h=_h(unbooked_h),
                    no_shows=no_shows,
                    no_show_rate=_rate(no_shows, len(own)),
                )
            )
        organisations: list[OrganisationUse] = []
        for name in sorted({b.organisation for b in bookings}):
            own = [b for b in bookings if b.organisation == name]
            no_shows = sum(1 for b in own if b.state == "released")
            organisations.append(
                OrganisationUse(
                    organisation=name,
                    bookings=len(own),
                    booked_h=round(sum(_overlap_h(b, start, end) for b in own), HOURS_DIGITS),
                    no_shows=no_shows,
                    no_show_rate=_rate(no_shows, len(own)),
                )
            )
        zone = self.rules.zone
        hours: Counter[int] = Counter()
        for b in bookings:
            local = b.start.astimezone(zone)
            last = b.end.astimezone(zone)
            hour = local.replace(minute=0, second=0, microsecond=0)
            while hour < last:
                hours[hour.hour] += 1
                hour += timedelta(hours=1)
        no_shows = sum(1 for b in bookings if b.state == "released")
        return MeetingStatistics(
            start=start,
            end=end,
            bookings=len(bookings),
            no_shows=no_shows,
            no_show_rate=_rate(no_shows, len(bookings)),
            rooms=tuple(room_rows),
            organisations=tuple(organisations),
            peak_hours=tuple(PeakHour(h, n) for h, n in sorted(hours.items(), key=lambda i: -i[1])),
            timezone=self.rules.timezone,
        )


def _us(value: datetime) -> int:
    return round(value.timestamp() * US_PER_S)


def _overlap_h(booking: Booking, start: datetime, end: datetime) -> float:
    return max(0.0, (min(booking.end, end) - max(booking.start, start)).total_seconds() / 3600)


def _h(value: float | None) -> float | None:
    return None if value is None else round(value, HOURS_DIGITS)


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 3)
