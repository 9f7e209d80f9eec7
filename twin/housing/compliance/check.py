"""Office-space compliance: usable area from the model against per-rank limits.

The rule (the project's reading of 《党政机关办公用房建设标准》, see
``docs`` and ``../shared/standards``):

- a **room** complies when its usable area is at most the sum of its
  occupants' limits; the excess is ``area - sum(limits)`` in m² and as a
  percentage of that sum;
- a **person**'s share of a room is the room's area split among its
  occupants in proportion to their limits; the person complies when the share
  is within their own limit (so in a shared room everyone is over or no one);
- only rooms of type ``office`` are judged; a person allocated to a meeting
  room, toilet, plant room ... is flagged ``not_office`` and the room is
  never judged as an office;
- an office with no one allocated on the date is ``vacant``.

Every result carries the figures it was computed from (the room's area and
its source, each occupant's rank and limit), so it can be defended.
All functions here are pure: no I/O.

Over 400 lines: the checks per room, person, department and organisation share
the shares-by-limit arithmetic and the result records; the reports live apart
(:mod:`twin.housing.compliance.report`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from spatial.areas import usable_area
from spatial.records import Building, Space
from spatial.room_types import RoomTypeRules
from twin.housing.allocations.records import Allocation
from twin.housing.compliance.errors import RankNotInStandardError
from twin.housing.standards import RankLimit, Standard

#: Room types judged against the office-space standard.
OFFICE_TYPES = frozenset({"office"})
#: An excess at or below this (m²) is rounding, not over-standard.
EXCESS_TOLERANCE_M2 = 0.005

RoomStatus = Literal["within", "over", "vacant", "not_office"]
PersonStatus = Literal["within", "over", "not_office"]


@dataclass(frozen=True, slots=True)
class Occupant:
    """A person in a room on the date, with the rank and limit applied."""

    person_id: str
    name: str
    organisation: str
    organ_level: str
    department: str
    rank: str
    rank_code: str
    limit_m2: float
    approved_extra_office: bool = False


@dataclass(frozen=True, slots=True)
class RoomResult:
    """The verdict on one room.

    ``area_m2`` is the usable area (m²) from ``area_source`` (``"footprint"``
    or ``"model_net_floor_area"``); ``limit_m2`` the sum of the occupants'
    limits; ``excess_m2``/``excess_pct`` how far the area is above it (0 when
    within).
    """

    room: str
    global_id: str
    long_name: str
    storey: str
    room_type: str
    area_m2: float
    area_source: str
    occupants: tuple[Occupant, ...]
    limit_m2: float
    excess_m2: float
    excess_pct: float
    status: RoomStatus


@dataclass(frozen=True, slots=True)
class PersonResult:
    """The verdict on one person in one room (a person with an approved second
    office has one result per room)."""

    person_id: str
    name: str
    organisation: str
    department: str
    rank: str
    rank_code: str
    room: str
    global_id: str
    room_type: str
    room_area_m2: float
    area_source: str
    room_limit_m2: float
    share_m2: float
    limit_m2: float
    excess_m2: float
    excess_pct: float
    status: PersonStatus
    approved_extra_office: bool


@dataclass(frozen=True, slots=True)
class Leaver:
    """A person with no allocation on the date whose last one ended before it."""

    person_id: str
    name: str
    organisation: str
    department: str
    room: str
    global_id: str
    valid_to: date
    room_status: str


@dataclass(frozen=True, slots=True)
class GroupResult:
    """Totals of an organisation or one of its departments (which of the two: the
    tuple of :class:`ComplianceResult` it is in).

    ``area_m2`` is the sum of the members' shares of office rooms, ``limit_m2``
    the sum of their limits, ``excess_m2`` the sum of their excesses.
    ``vacant_rooms`` are vacant offices last allocated to the group (for the
    only organisation of a building: every vacant office).
    """

    organisation: str
    department: str
    organ_level: str
    persons: int
    rooms: int
    area_m2: float
    limit_m2: float
    excess_m2: float
    rooms_over: tuple[str, ...]
    persons_over: tuple[str, ...]
    vacant_rooms: tuple[str, ...]
    leavers: tuple[str, ...]
    not_office_persons: tuple[str, ...]


@dataclass(frozen=True)
class ComplianceResult:
    """Everything one check found, on one date, against one standard."""

    on_date: date
    standard_id: str
    standard_title: str
    standard_source: Mapping[str, Any]
    rooms: tuple[RoomResult, ...]
    persons: tuple[PersonResult, ...]
    departments: tuple[GroupResult, ...]
    organisations: tuple[GroupResult, ...]
    leavers: tuple[Leaver, ...]
    warnings: tuple[str, ...] = ()

    @property
    def summary(self) -> dict[str, Any]:
        """Counts and the total excess area (m²)."""
        return {
            "rooms_checked": sum(1 for r in self.rooms if r.status in ("within", "over")),
            "rooms_over": sum(1 for r in self.rooms if r.status == "over"),
            "persons_over": len({p.person_id for p in self.persons if p.status == "over"}),
            "vacant_rooms": sum(1 for r in self.rooms if r.status == "vacant"),
            "vacant_area_m2": sum(r.area_m2 for r in self.rooms if r.status == "vacant"),
            "area_over_m2": sum(r.excess_m2 for r in self.rooms if r.status == "over"),
            "not_office_allocations": sum(1 for p in self.persons if p.status == "not_office"),
            "leavers": len(self.leavers),
        }


def check_compliance(
    building: Building,
    allocations: Iterable[Allocation],
    standard: Standard,
    *,
    on_date: date,
    rules: RoomTypeRules | None = None,
    room_types: Mapping[str, str] | None = None,
) -> ComplianceResult:
    """Check every office of ``building`` against ``standard`` on ``on_date``.

    Parameters
    ----------
    building : Building
        Rooms and their areas come from here (usable area, m²).
    allocations : iterable of Allocation
        All records, current and past: those valid on ``on_date`` are judged,
        past ones find leavers and who last used a vacant room.
    standard : Standard
        Limits are looked up by each allocation's rank code.
    on_date : date
        The day the check is made for.
    rules : RoomTypeRules, optional
        Room-type rules (default rules when omitted).
    room_types : mapping, optional
        ``{space GlobalId: room type}`` overriding ``rules``.

    Raises
    ------
    RankNotInStandardError
        When an allocation valid on the date has a rank code the standard lacks.

    Examples
    --------
    >>> result = check_compliance(building, records, default_standard(), on_date=today_utc())
    >>> result.summary["rooms_over"]  # doctest: +SKIP
    """
    rules = rules or RoomTypeRules()
    types = {s.global_id: rules.classify(s) for s in building.spaces}
    types.update(room_types or {})
    records = list(allocations)
    limits = {r.code: r for r in standard.ranks}
    current = [a for a in records if a.valid_on(on_date)]
    by_room: dict[str, list[Allocation]] = defaultdict(list)
    for record in current:
        by_room[record.room_global_id].append(record)

    warnings: list[str] = []
    rooms: list[RoomResult] = []
    persons: list[PersonResult] = []
    for space in building.spaces:
        room_type = types[space.global_id]
        occupants_records = by_room.pop(space.global_id, [])
        is_office = room_type in OFFICE_TYPES
        if not occupants_records and not is_office:
            continue
        area = usable_area(space)
        if area.area_m2 is None:
            warnings.append(f"room {space.label} has no usable area in the model; not judged")
            continue
        occupants = tuple(_occupant(a, limits) for a in occupants_records)
        room = _judge_room(building, space, room_type, area.area_m2, area.source, occupants)
        rooms.append(room)
        persons.extend(_judge_persons(room))
    for gid, records_left in by_room.items():
        names = ", ".join(sorted({a.person_id for a in records_left}))
        warnings.append(f"allocations to {gid} (persons {names}) name no space of this building")

    leavers = _leavers(records, on_date, {r.global_id: r.status for r in rooms})
    last_users = _last_users(records, on_date)
    departments = _groups(rooms, persons, leavers, last_users, "department")
    organisations = _groups(rooms, persons, leavers, last_users, "organisation")
    return ComplianceResult(
        on_date=on_date,
        standard_id=standard.id,
        standard_title=standard.title,
        standard_source=standard.source,
        rooms=tuple(rooms),
        persons=tuple(persons),
        departments=departments,
        organisations=organisations,
        leavers=leavers,
        warnings=tuple(warnings),
    )


def _occupant(record: Allocation, limits: Mapping[str, RankLimit]) -> Occupant:
    limit = limits.get(record.rank_code)
    if limit is None:
        raise RankNotInStandardError(
            f"rank {record.rank} ({record.rank_code}) of person {record.person_id} "
            "is not in the standard"
        )
    return Occupant(
        person_id=record.person_id,
        name=record.name,
        organisation=record.organisation,
        organ_level=record.organ_level,
        department=record.department,
        rank=limit.rank,
        rank_code=limit.code,
        limit_m2=limit.limit_m2,
        approved_extra_office=record.approved_extra_office,
    )


def _judge_room(
    building: Building,
    space: Space,
    room_type: str,
    area_m2: float,
    area_source: str,
    occupants: tuple[Occupant, ...],
) -> RoomResult:
    limit = sum(o.limit_m2 for o in occupants)
    status: RoomStatus
    excess = 0.0
    if room_type not in OFFICE_TYPES:
        status = "not_office"
    elif not occupants:
        status = "vacant"
    else:
        excess = max(0.0, area_m2 - limit)
        status = "over" if excess > EXCESS_TOLERANCE_M2 else "within"
        if status == "within":
            excess = 0.0
    try:
        storey = building.storey(space.storey_id).name
    except KeyError:
        storey = ""
    return RoomResult(
        room=space.name or space.global_id,
        global_id=space.global_id,
        long_name=space.long_name,
        storey=storey,
        room_type=room_type,
        area_m2=area_m2,
        area_source=area_source,
        occupants=occupants,
        limit_m2=limit,
        excess_m2=excess,
        excess_pct=100.0 * excess / limit if limit else 0.0,
        status=status,
    )


def _judge_persons(room: RoomResult) -> list[PersonResult]:
    results = []
    for occupant in room.occupants:
        share = room.area_m2 * occupant.limit_m2 / room.limit_m2 if room.limit_m2 else 0.0
        status: PersonStatus
        if room.status == "not_office":
            status, excess = "not_office", 0.0
        else:
            excess = max(0.0, share - occupant.limit_m2)
            status = "over" if room.status == "over" else "within"
            if status == "within":
                excess = 0.0
        results.append(
            PersonResult(
                person_id=occupant.person_id,
                name=occupant.name,
                organisation=occupant.organisation,
                department=occupant.department,
                rank=occupant.rank,
                rank_code=occupant.rank_code,
                limit_m2=occupant.limit_m2,
                room=room.room,
                global_id=room.global_id,
                room_type=room.room_type,
                room_area_m2=room.area_m2,
                area_source=room.area_source,
                room_limit_m2=room.limit_m2,
                share_m2=share,
                excess_m2=excess,
                excess_pct=100.0 * excess / occupant.limit_m2,
                status=status,
                approved_extra_office=occupant.approved_extra_office,
            )
        )
    return results


def _leavers(
    records: Sequence[Allocation], on_date: date, room_status: Mapping[str, str]
) -> tuple[Leaver, ...]:
    by_person: dict[str, list[Allocation]] = defaultdict(list)
    for record in records:
        by_person[record.person_id].append(record)
    leavers = []
    for person_id, own in sorted(by_person.items()):
        if any(a.valid_on(on_date) for a in own):
            continue
        ended = [a for a in own if a.valid_to is not None and a.valid_to < on_date]
        if not ended:
            continue  # only future allocations: not a leaver
        last_end = max(a.valid_to for a in ended if a.valid_to)
        for a in ended:
            if a.valid_to == last_end:
                leavers.append(
                    Leaver(
                        person_id=person_id,
                        name=a.name,
                        organisation=a.organisation,
                        department=a.department,
                        room=a.room,
                        global_id=a.room_global_id,
                        valid_to=last_end,
                        room_status=room_status.get(a.room_global_id, "not_office"),
                    )
                )
    return tuple(leavers)


def _last_users(records: Sequence[Allocation], on_date: date) -> dict[str, tuple[str, str]]:
    """``{room GlobalId: (organisation, department)}`` of its latest record begun by the date."""
    latest: dict[str, Allocation] = {}
    for record in records:
        if record.valid_from > on_date:
            continue
        seen = latest.get(record.room_global_id)
        end = record.valid_to or date.max
        if seen is None or (end, record.valid_from) > (seen.valid_to or date.max, seen.valid_from):
            latest[record.room_global_id] = record
    return {gid: (a.organisation, a.department) for gid, a in latest.items()}


def _groups(
    rooms: Sequence[RoomResult],
    persons: Sequence[PersonResult],
    leavers: Sequence[Leaver],
    last_users: Mapping[str, tuple[str, str]],
    level: Literal["organisation", "department"],
) -> tuple[GroupResult, ...]:
    def key_of(organisation: str, department: str) -> tuple[str, str]:
        return (organisation, department if level == "department" else "")

    members: dict[tuple[str, str], list[PersonResult]] = defaultdict(list)
    for person in persons:
        members[key_of(person.organisation, person.department)].append(person)
    vacant: dict[tuple[str, str], list[str]] = defaultdict(list)
    organisations = {p.organisation for p in persons}
    for room in rooms:
        if room.status != "vacant":
            continue
        if room.global_id in last_users:
            vacant[key_of(*last_users[room.global_id])].append(room.room)
        elif level == "organisation" and len(organisations) == 1:
            # The only organisation in the building: every vacant office is its own.
            vacant[key_of(next(iter(organisations)), "")].append(room.room)
    left: dict[tuple[str, str], list[str]] = defaultdict(list)
    for leaver in leavers:
        left[key_of(leaver.organisation, leaver.department)].append(leaver.person_id)
    levels = {}
    for room in rooms:
        for occupant in room.occupants:
            levels[occupant.organisation] = occupant.organ_level

    groups = []
    for key in sorted(set(members) | set(vacant) | set(left)):
        own = members.get(key, [])
        office = [p for p in own if p.status != "not_office"]
        groups.append(
            GroupResult(
                organisation=key[0],
                department=key[1],
                organ_level=levels.get(key[0], ""),
                persons=len({p.person_id for p in own}),
                rooms=len({p.global_id for p in own}),
                area_m2=sum(p.share_m2 for p in office),
                limit_m2=sum(p.limit_m2 for p in office),
                excess_m2=sum(p.excess_m2 for p in office),
                rooms_over=tuple(sorted({p.room for p in own if p.status == "over"})),
                persons_over=tuple(sorted({p.person_id for p in own if p.status == "over"})),
                vacant_rooms=tuple(sorted(vacant.get(key, []))),
                leavers=tuple(sorted(left.get(key, []))),
                not_office_persons=tuple(
                    sorted({p.person_id for p in own if p.status == "not_office"})
                ),
            )
        )
    return tuple(groups)
