"""Meeting rooms of registered buildings: what the API and the command line ask.

:class:`Meetings` joins the model (rooms, seats, equipment, routes, through
:class:`~twin.buildings.queries.BuildingQueries`) with the bookings of the
twin's :class:`~twin.meetings.service.MeetingService`. Every walk goes
through :meth:`Meetings.walk`, one call of the building's navigator, so
lifts out of service and step-free constraints apply as in any route.

Answers are frozen records (:class:`~twin.meetings.records.Booking`,
:class:`~twin.meetings.rooms.RoomListing`, :class:`~twin.meetings.rooms.FreeRoom`,
:class:`~twin.meetings.records.MeetingStatistics`, ...); ``api/schemas/meetings``
shapes them for HTTP and the command line's ``--json``. Visitors' names are
personal data: the API shows them only to keys that may see them.

Over 400 lines for now: room listings, free-room search, bookings, grants and
visitor routes all join the model with the bookings here; the free-room search
is the next piece to move into a module of its own.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from spatial.errors import NoRouteError, RoutingError
from twin.buildings.queries import BadQueryError, BuildingQueries, UnknownStoreyError
from twin.meetings import ical
from twin.meetings.errors import (
    BadBookingError,
    BookingStateError,
    NotBookableError,
    OverCapacityError,
)
from twin.meetings.records import (
    Booking,
    BookingRequest,
    MeetingStatistics,
    Visitor,
    check_times,
    occurrences,
    utc,
)
from twin.meetings.rooms import (
    FreeRoom,
    MeetingRoom,
    RoomConfiguration,
    RoomListing,
    meeting_rooms,
)
from twin.meetings.service import AccessGrant, MeetingService
from twin.meetings.store import RoomSettings, new_id

#: ``near=department:<name>`` walks from the room holding most of the department.
DEPARTMENT_PREFIX = "department:"
#: Decimal places of walking distances, m.
WALK_DIGITS = 1


class Meetings:
    """Rooms, bookings, search, access grants and calendars of registered buildings."""

    def __init__(self, queries: BuildingQueries) -> None:
        self.queries = queries
        self.service: MeetingService = queries.twin.meetings
        self.rules = self.service.rules

    # ------------------------------------------------------------ rooms
    def rooms(self, building_id: str) -> list[MeetingRoom]:
        view = self.queries.view(building_id)
        return meeting_rooms(
            view.building.spaces,
            room_types=view.room_types,
            storey_names=view.storey_names,
            equipment_by_space=view.equipment_by_space,
            settings=self.service.store.room_settings(building_id),
            rules=self.rules,
        )

    def room(self, building_id: str, ref: str) -> MeetingRoom:
        """The bookable room a reference (GlobalId, number, name) names.

        Raises
        ------
        UnknownPlaceError, AmbiguousPlaceError, NotBookableError
        """
        space_id = self._space_of(building_id, ref)
        for room in self.rooms(building_id):
            if room.space.global_id == space_id:
                return room
        raise NotBookableError(f"room {ref!r} is not a bookable meeting or reception room")

    def _space_of(self, building_id: str, ref: str) -> str:
        navigator = self.queries.navigator(building_id)
        place = navigator.router.resolve(navigator.resolve(ref))
        if place.space_id is None:
            raise NotBookableError(f"{ref!r} is not a room")
        return place.space_id

    def room_listings(self, building_id: str) -> list[RoomListing]:
        """Bookable rooms with ``step_free`` from the navigation graph and the status now."""
        rooms = self.rooms(building_id)
        states = self.service.room_states(building_id, [r.space.global_id for r in rooms])
        return [
            RoomListing.of(
                room,
                step_free=self.step_free(building_id, room.space.global_id),
                state=states[room.space.global_id],
            )
            for room in rooms
        ]

    def set_room(
        self,
        building_id: str,
        ref: str,
        *,
        bookable: bool,
        capacity: int | None,
        needs_approval: bool,
        actor: str,
    ) -> RoomConfiguration:
        """A manager's settings of a room (any room of the model, bookable or not)."""
        space_id = self._space_of(building_id, ref)
        if capacity is not None and capacity < 1:
            raise BadBookingError("a room's capacity must be at least 1")
        self.service.store.set_room(
            building_id, RoomSettings(space_id, bookable, capacity, needs_approval), actor=actor
        )
        if not bookable:
            space = self.queries.view(building_id).spaces[space_id]
            return RoomConfiguration(
                space_id, space.name, space.long_name, False, None, None, needs_approval
            )
        room = self.room(building_id, space_id)
        return RoomConfiguration(
            space_id,
            room.space.name,
            room.space.long_name,
            True,
            room.capacity,
            room.capacity_source,
            room.needs_approval,
        )

    # ------------------------------------------------------------ walks
    def walk(self, building_id: str, origin: str, destination: str, *, step_free: bool) -> dict:
        """The walking route (``twin route --json`` shape); the one route call here."""
        answer = self.queries.navigator(building_id).route(origin, destination, no_stairs=step_free)
        return answer.to_dict()

    def step_free(self, building_id: str, room: str) -> bool:
        """Whether the room is reachable from ``outside`` without stairs."""
        try:
            self.walk(building_id, "outside", room, step_free=True)
        except NoRouteError:
            return False
        return True

    # ------------------------------------------------------------ bookings
    def book(self, building_id: str, request: BookingRequest, *, actor: str) -> list[Booking]:
        """Book a room (weekly when ``repeat_until`` is set), all occurrences or none.

        Raises
        ------
        NotBookableError, BadBookingError, OverCapacityError,
        OutsideOpeningHoursError, BookingClashError
        """
        room = self.room(building_id, request.room)
        self._check_seats(room, request.attendees)
        pairs = occurrences(
            utc(request.start),
            utc(request.end),
            zone=self.rules.zone,
            until=request.repeat_until,
            except_dates=request.except_dates,
        )
        for start, end in pairs:
            self.rules.check_hours(start, end)
        series_id = new_id("sr") if request.repeat_until else None
        now = self.service.now()
        bookings = [
            Booking(
                id=new_id(),
                building_id=building_id,
                room=room.space.global_id,
                start=start,
                end=end,
                state="pending" if room.needs_approval else "booked",
                title=request.title,
                organiser=request.organiser or actor,
                organisation=request.organisation,
                attendees=request.attendees,
                visitors=request.visitors,
                step_free=request.step_free,
                series_id=series_id,
                created_by=actor,
                created_at=now,
            )
            for start, end in pairs
        ]
        stored = self.service.add(bookings, actor=actor)
        self._grant([b for b in stored if b.state == "booked"])
        return stored

    def change(self, building_id: str, booking_id: str, *, actor: str, **changes: Any) -> Booking:
        """Change one booking's room, times, attendees, title or visitors (checked again).

        Raises
        ------
        UnknownBookingError, BookingStateError, plus those of :meth:`book`
        """
        current = self.service.store.get(building_id, booking_id)
        if current.state not in ("pending", "booked"):
            raise BookingStateError(f"booking {booking_id} is {current.state}; it cannot change")
        if "room" in changes:
            changes["room"] = self.room(building_id, changes["room"]).space.global_id
        for key in ("start", "end"):
            if key in changes:
                changes[key] = utc(changes[key])
        after = dataclasses.replace(current, **changes)
        room = self.room(building_id, after.room)
        self._check_seats(room, after.attendees)
        check_times(after.start, after.end)
        self.rules.check_hours(after.start, after.end)
        changed = self.service.change(building_id, booking_id, actor=actor, **changes)
        if current.visitors:
            self.service.tell_access([self.grant(current)], action="revoked")
        if changed.state == "booked":
            self._grant([changed])
        return changed

    def cancel(self, building_id: str, booking_id: str, *, actor: str, series: bool) -> list:
        """Cancel a booking, or with ``series`` it and the later ones of its series."""
        booking = self.service.store.get(building_id, booking_id)
        targets = [booking]
        if series and booking.series_id:
            targets = [
                b
                for b in self.service.store.find(
                    building_id, series_id=booking.series_id, states=("pending", "booked")
                )
                if b.start >= booking.start
            ]
        done = [self.service.cancel(building_id, b.id, actor=actor) for b in targets]
        revoked = [self.grant(b) for b in targets if b.visitors and b.state == "booked"]
        self.service.tell_access(revoked, action="revoked")
        return done

    def booking(self, building_id: str, booking_id: str) -> Booking:
        """One booking (:class:`UnknownBookingError` if the building has no such booking)."""
        return self.service.store.get(building_id, booking_id)

    def decide(self, building_id: str, booking_id: str, *, approve: bool, actor: str) -> Booking:
        decided = self.service.decide(building_id, booking_id, approve=approve, actor=actor)
        if decided.state == "booked":
            self._grant([decided])
        return decided

    def bookings(
        self,
        building_id: str,
        *,
        room: str | None,
        start: datetime | None,
        end: datetime | None,
        states: Sequence[str] | None = None,
    ) -> list[Booking]:
        self.queries.twin.buildings.entry(building_id)
        room_id = self._space_of(building_id, room) if room else None
        return self.service.store.find(
            building_id,
            room=room_id,
            start=None if start is None else utc(start),
            end=None if end is None else utc(end),
            states=states,
        )

    def _check_seats(self, room: MeetingRoom, attendees: int) -> None:
        if attendees < 1:
            raise BadBookingError("a booking needs at least one attendee")
        if attendees > room.capacity:
            raise OverCapacityError(
                f"room {room.space.name} seats {room.capacity}; {attendees} attendees asked"
            )

    # ------------------------------------------------------------ search
    def free_rooms(
        self,
        building_id: str,
        start: datetime,
        end: datetime,
        *,
        attendees: int = 1,
        step_free: bool = False,
        storey: str | None = None,
        equipment: Sequence[str] = (),
        near: str | None = None,
    ) -> list[FreeRoom]:
        """Free bookable rooms for ``[start, end)`` that fit, each with why it fits;
        nearest first (``walk_m``) when ``near`` is given (a room reference or
        ``department:<name>``)."""
        start, end = utc(start), utc(end)
        check_times(start, end)
        rooms = self.rooms(building_id)
        if storey is not None:
            view = self.queries.view(building_id)
            storey_ids = {gid for gid, name in view.storey_names.items() if storey in (gid, name)}
            if not storey_ids:
                raise UnknownStoreyError(f"no storey {storey!r} in building {building_id!r}")
            rooms = [r for r in rooms if r.space.storey_id in storey_ids]
        busy = {
            b.room
            for b in self.service.store.find(
                building_id, start=start, end=end, states=("pending", "booked")
            )
        }
        origin = self._origin(building_id, near) if near else None
        wanted = set(equipment)
        local = f"{start.astimezone(self.rules.zone):%H:%M}-{end.astimezone(self.rules.zone):%H:%M}"
        out: list[FreeRoom] = []
        for room in rooms:
            gid = room.space.global_id
            if gid in busy or room.capacity < attendees or not wanted <= room.features:
                continue
            why = [f"free {local}", f"seats {room.capacity} (≥ {attendees})"]
            if storey is not None:
                why.append(f"on storey {room.storey}")
            why += [f"has {feature}" for feature in sorted(wanted)]
            access = self.step_free(building_id, gid)
            if step_free and not access:
                continue
            if access:
                why.append("step-free from the entrance")
            walk_m = None
            if origin is not None:
                try:
                    length = self.walk(building_id, origin, gid, step_free=step_free)["length_m"]
                except RoutingError:
                    continue
                walk_m = round(length, WALK_DIGITS)
                why.append(f"{walk_m:g} m walk from {near}")
            if room.needs_approval:
                why.append("needs approval")
            out.append(FreeRoom.of(room, step_free=access, walk_m=walk_m, why=tuple(why)))
        if origin is not None:
            out.sort(key=lambda r: r.walk_m or 0.0)
        return out

    def _origin(self, building_id: str, near: str) -> str:
        if not near.startswith(DEPARTMENT_PREFIX):
            return near
        department = near[len(DEPARTMENT_PREFIX) :]
        records = self.queries.allocations(building_id).valid_on(date.today())
        rooms = Counter(a.room_global_id for a in records if a.department == department)
        if not rooms:
            raise BadQueryError(f"department {department!r} has no room in this building today")
        return rooms.most_common(1)[0][0]

    # ------------------------------------------------------------ access and routes
    def grant(self, booking: Booking) -> AccessGrant:
        """The doors on the visitors' route from ``outside`` to the room, valid from
        ``grant_lead_min`` before the start to the end."""
        route = self.walk(booking.building_id, "outside", booking.room, step_free=booking.step_free)
        doors = [s["global_id"] for s in route["steps"] if s["kind"] == "door"]
        return AccessGrant(
            booking_id=booking.id,
            building_id=booking.building_id,
            room=booking.room,
            door_global_ids=tuple(dict.fromkeys(doors)),
            valid_from=booking.start - timedelta(minutes=self.rules.grant_lead_min),
            valid_to=booking.end,
            visitors=len(booking.visitors),
            step_free=booking.step_free,
        )

    def _grant(self, bookings: Sequence[Booking]) -> None:
        self.service.tell_access([self.grant(b) for b in bookings if b.visitors], action="granted")

    def grants(self, building_id: str, start: datetime, end: datetime) -> list[AccessGrant]:
        """Grants of every booked booking with visitors whose grant overlaps ``[start, end)``."""
        lead = timedelta(minutes=self.rules.grant_lead_min)
        found = self.bookings(
            building_id, room=None, start=start, end=end + lead, states=("booked",)
        )
        return [self.grant(b) for b in found if b.visitors]

    def booking_grants(self, building_id: str, booking_id: str) -> list[AccessGrant]:
        """The booking's door grant: none when it has no visitors or is not booked."""
        booking = self.booking(building_id, booking_id)
        if not booking.visitors or booking.state != "booked":
            return []
        return [self.grant(booking)]

    def visitor_route(self, building_id: str, booking_id: str, *, step_free: bool | None) -> dict:
        booking = self.service.store.get(building_id, booking_id)
        free = booking.step_free if step_free is None else step_free
        return self.walk(building_id, "outside", booking.room, step_free=free)

    def visitor_pdf(self, building_id: str, booking_id: str, *, step_free: bool | None) -> bytes:
        """The visitor's route on the room's floor plan, one printable page."""
        from twin.meetings.visitor_plan import visitor_route_pdf

        booking = self.service.store.get(building_id, booking_id)
        route = self.visitor_route(building_id, booking_id, step_free=step_free)
        view = self.queries.view(building_id)
        return visitor_route_pdf(
            view.building,
            booking,
            route,
            room_types=view.room_types,
            zone=self.rules.zone,
        )

    # ------------------------------------------------------------ calendars
    def booking_ics(self, building_id: str, booking_id: str) -> bytes:
        booking = self.service.store.get(building_id, booking_id)
        room = self.queries.view(building_id).spaces[booking.room]
        return ical.calendar([booking], {booking.room: room.label}, name=booking.title)

    def room_ics(self, building_id: str, ref: str) -> bytes:
        room = self.room(building_id, ref)
        found = self.service.store.find(
            building_id, room=room.space.global_id, states=("pending", "booked")
        )
        return ical.calendar(found, {room.space.global_id: room.space.label}, name=room.space.label)

    def statistics(self, building_id: str, start: datetime, end: datetime) -> MeetingStatistics:
        """Use of the bookable rooms over ``[start, end)``: see
        :meth:`MeetingService.statistics`."""
        labels = {
            r.space.global_id: (r.space.name, r.space.long_name) for r in self.rooms(building_id)
        }
        return self.service.statistics(building_id, labels, utc(start), utc(end))


def visitors_from(items: Sequence[Any]) -> tuple[Visitor, ...]:
    """Visitors from names or ``{"name", "company"}`` objects."""
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(Visitor(item.strip()))
        else:
            out.append(Visitor(str(item["name"]).strip(), str(item.get("company") or "")))
    if any(not v.name for v in out):
        raise BadBookingError("every visitor needs a name")
    return tuple(out)
