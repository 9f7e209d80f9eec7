"""Space usage: rooms, usable area and area by room type, grouped as asked.

Pure aggregation over a :class:`~spatial.records.Building`, its room types and
an optional :class:`Occupancy` plug-in (persons, departments and capacity per
room, e.g. from the twin's allocations), so the same query answers "how much
office area per storey" and "usable area per person by department".

Areas are usable areas (m², :func:`spatial.areas.usable_area`); a room with
no area counts as a room but adds no area. Groups:

- ``building``: the whole building;
- ``storey``: by storey name (in elevation order);
- ``type``: by room type (:data:`spatial.room_types.ROOM_TYPES` order);
- ``zone``: by IfcZone name; a room in several zones counts in each, rooms in
  none under :data:`NO_ZONE`;
- ``department``: by the occupancy's department of the room; rooms without
  one under :data:`NO_DEPARTMENT`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from spatial.areas import usable_area
from spatial.records import Building
from spatial.room_types import ROOM_TYPES, RoomTypeRules

GroupBy = Literal["building", "storey", "type", "zone", "department"]
GROUP_BY: tuple[GroupBy, ...] = ("building", "storey", "type", "zone", "department")
NO_ZONE = "(no zone)"
NO_DEPARTMENT = "(no department)"
#: Room types that hold workplaces: their vacancy and utilisation are reported.
WORKPLACE_TYPES = frozenset({"office"})
#: Usable area per workplace (m²) used to estimate an office's capacity when the
#: occupancy gives none: the smallest per-person limit of the 2014 Chinese
#: standard (9 m² for staff below 处/科 level).
DEFAULT_AREA_PER_WORKPLACE_M2 = 9.0


@dataclass(frozen=True)
class Occupancy:
    """What is known about the use of rooms, keyed by space GlobalId.

    ``occupants``: persons allocated; ``departments``: the department using
    the room (one per room; a shared room names its main user);
    ``capacity``: workplaces. Rooms missing from a mapping are unknown there.
    """

    occupants: Mapping[str, int] = field(default_factory=dict)
    departments: Mapping[str, str] = field(default_factory=dict)
    capacity: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RoomUsage:
    """One room's usage: type, area (m²) and, with an occupancy, its use.

    ``capacity`` is the occupancy's value, else for workplace rooms
    ``floor(area / area_per_workplace_m2)`` (at least 1), else ``None``.
    """

    global_id: str
    name: str
    long_name: str
    storey: str
    zones: tuple[str, ...]
    room_type: str
    area_m2: float | None
    area_source: str
    occupants: int | None = None
    department: str | None = None
    capacity: int | None = None

    @property
    def vacant(self) -> bool:
        """A workplace room known to have no occupant."""
        return self.room_type in WORKPLACE_TYPES and self.occupants == 0


@dataclass(frozen=True, slots=True)
class UsageGroup:
    """Totals of one group of rooms.

    ``area_by_type_m2`` maps each room type present to its usable area (m²).
    ``occupants``, ``capacity``, ``area_per_person_m2`` (office area / persons
    in offices) and ``utilisation`` (office occupants / office capacity) are
    ``None`` without an occupancy.
    """

    key: str
    rooms: int
    usable_area_m2: float
    area_by_type_m2: Mapping[str, float]
    rooms_by_type: Mapping[str, int]
    office_area_m2: float
    occupants: int | None
    capacity: int | None
    area_per_person_m2: float | None
    utilisation: float | None
    vacant_rooms: int | None


def room_usage(
    building: Building,
    *,
    rules: RoomTypeRules | None = None,
    room_types: Mapping[str, str] | None = None,
    occupancy: Occupancy | None = None,
    area_per_workplace_m2: float = DEFAULT_AREA_PER_WORKPLACE_M2,
) -> tuple[RoomUsage, ...]:
    """One :class:`RoomUsage` per space of ``building``, in storey order.

    Parameters
    ----------
    building : Building
    rules : RoomTypeRules, optional
        Room-type rules (the documented defaults when omitted).
    room_types : mapping, optional
        ``{GlobalId: room type}`` overriding the rules for single rooms.
    occupancy : Occupancy, optional
        The plug-in of use per room (allocations).
    area_per_workplace_m2 : float
        Usable area per workplace (m²) for estimated capacities.
    """
    if area_per_workplace_m2 <= 0:
        raise ValueError("area_per_workplace_m2 must be positive")
    rules = rules or RoomTypeRules()
    overrides = room_types or {}
    storey_names = {}
    order = {}
    for index, storey in enumerate(sorted(building.storeys, key=lambda s: s.elevation_m)):
        for gid in (storey.global_id, *storey.aliases):
            storey_names[gid] = storey.name
            order[gid] = index
    zones: dict[str, list[str]] = defaultdict(list)
    for zone in building.zones:
        for gid in zone.space_ids:
            zones[gid].append(zone.name)
    rooms = []
    for space in sorted(
        building.spaces, key=lambda s: (order.get(s.storey_id, 1 << 30), s.name, s.global_id)
    ):
        gid = space.global_id
        room_type = overrides.get(gid) or rules.classify(space)
        area = usable_area(space)
        occupants = department = capacity = None
        if occupancy is not None:
            occupants = int(occupancy.occupants.get(gid, 0))
            department = occupancy.departments.get(gid)
            capacity = occupancy.capacity.get(gid)
            if capacity is None and room_type in WORKPLACE_TYPES and area.area_m2:
                capacity = max(1, int(area.area_m2 // area_per_workplace_m2))
        rooms.append(
            RoomUsage(
                global_id=gid,
                name=space.name,
                long_name=space.long_name,
                storey=storey_names.get(space.storey_id, ""),
                zones=tuple(zones.get(gid, ())),
                room_type=room_type,
                area_m2=area.area_m2,
                area_source=area.source,
                occupants=occupants,
                department=department,
                capacity=capacity,
            )
        )
    return tuple(rooms)


def group_usage(rooms: Sequence[RoomUsage], by: GroupBy = "storey") -> tuple[UsageGroup, ...]:
    """Totals of ``rooms`` grouped ``by`` building, storey, type, zone or department."""
    if by not in GROUP_BY:
        raise ValueError(f"unknown grouping {by!r} (use one of {', '.join(GROUP_BY)})")
    groups: dict[str, list[RoomUsage]] = defaultdict(list)
    order: list[str] = []
    for room in rooms:
        for key in _keys(room, by):
            if key not in groups:
                order.append(key)
            groups[key].append(room)
    if by == "type":
        order.sort(key=lambda t: ROOM_TYPES.index(t) if t in ROOM_TYPES else len(ROOM_TYPES))
    elif by in ("zone", "department"):
        order.sort()
    return tuple(_group(key, groups[key]) for key in order)


def vacant_rooms(rooms: Iterable[RoomUsage]) -> tuple[RoomUsage, ...]:
    """Workplace rooms known to have no occupant, largest first."""
    return tuple(
        sorted(
            (r for r in rooms if r.vacant), key=lambda r: (-(r.area_m2 or 0.0), r.name, r.global_id)
        )
    )


def usage_report(
    building: Building,
    *,
    by: GroupBy = "storey",
    rules: RoomTypeRules | None = None,
    room_types: Mapping[str, str] | None = None,
    occupancy: Occupancy | None = None,
) -> dict[str, Any]:
    """A JSON-able report: ``building`` totals, ``groups`` by ``by``, ``rooms``, ``vacant``.

    Areas are rounded to 0.01 m², utilisation to 0.001.
    """
    rooms = room_usage(building, rules=rules, room_types=room_types, occupancy=occupancy)
    return {
        "building": building.name,
        "by": by,
        "total": group_as_dict(group_usage(rooms, "building")[0]) if rooms else None,
        "groups": [group_as_dict(g) for g in group_usage(rooms, by)],
        "rooms": [room_as_dict(r) for r in rooms],
        "vacant": [room_as_dict(r) for r in vacant_rooms(rooms)] if occupancy else [],
    }


def group_as_dict(group: UsageGroup) -> dict[str, Any]:
    """A group as plain JSON-able values (areas rounded to 0.01 m²)."""
    return {
        "key": group.key,
        "rooms": group.rooms,
        "usable_area_m2": _r(group.usable_area_m2),
        "area_by_type_m2": {k: _r(v) for k, v in group.area_by_type_m2.items()},
        "rooms_by_type": dict(group.rooms_by_type),
        "office_area_m2": _r(group.office_area_m2),
        "occupants": group.occupants,
        "capacity": group.capacity,
        "area_per_person_m2": None
        if group.area_per_person_m2 is None
        else _r(group.area_per_person_m2),
        "utilisation": None if group.utilisation is None else round(group.utilisation, 3),
        "vacant_rooms": group.vacant_rooms,
    }


def room_as_dict(room: RoomUsage) -> dict[str, Any]:
    """A room as plain JSON-able values."""
    return {
        "global_id": room.global_id,
        "name": room.name,
        "long_name": room.long_name,
        "storey": room.storey,
        "zones": list(room.zones),
        "room_type": room.room_type,
        "area_m2": None if room.area_m2 is None else _r(room.area_m2),
        "area_source": room.area_source,
        "occupants": room.occupants,
        "department": room.department,
        "capacity": room.capacity,
    }


def _keys(room: RoomUsage, by: GroupBy) -> tuple[str, ...]:
    if by == "building":
        return ("building",)
    if by == "storey":
        return (room.storey,)
    if by == "type":
        return (room.room_type,)
    if by == "zone":
        return room.zones or (NO_ZONE,)
    return (room.department or NO_DEPARTMENT,)


def _group(key: str, rooms: Sequence[RoomUsage]) -> UsageGroup:
    area_by_type: dict[str, float] = defaultdict(float)
    rooms_by_type: dict[str, int] = defaultdict(int)
    for room in rooms:
        area_by_type[room.room_type] += room.area_m2 or 0.0
        rooms_by_type[room.room_type] += 1
    ordered = sorted(
        area_by_type, key=lambda t: ROOM_TYPES.index(t) if t in ROOM_TYPES else len(ROOM_TYPES)
    )
    offices = [r for r in rooms if r.room_type in WORKPLACE_TYPES]
    office_area = sum(r.area_m2 or 0.0 for r in offices)
    known = rooms[0].occupants is not None if rooms else False
    occupants = capacity = vacant = None
    per_person = utilisation = None
    if known:
        occupants = sum(r.occupants or 0 for r in rooms)
        office_occupants = sum(r.occupants or 0 for r in offices)
        capacity = sum(r.capacity or 0 for r in offices)
        vacant = sum(1 for r in offices if r.vacant)
        per_person = office_area / office_occupants if office_occupants else None
        utilisation = office_occupants / capacity if capacity else None
    return UsageGroup(
        key=key,
        rooms=len(rooms),
        usable_area_m2=sum(r.area_m2 or 0.0 for r in rooms),
        area_by_type_m2={t: area_by_type[t] for t in ordered},
        rooms_by_type={t: rooms_by_type[t] for t in ordered},
        office_area_m2=office_area,
        occupants=occupants,
        capacity=capacity,
        area_per_person_m2=per_person,
        utilisation=utilisation,
        vacant_rooms=vacant,
    )


def _r(value: float) -> float:
    return round(float(value), 2)
