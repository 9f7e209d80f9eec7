"""Consumption by building, storey, zone, department, organisation, room type or room.

Given each meter's consumption over a range (:func:`twin.energy.rollup.totals`),
every meter's *own* consumption (its own less its children's) is spread over
the rooms it feeds by its shares (:mod:`twin.energy.meters`), and rooms are
grouped as asked. Per m² divides by the group's usable area (from the model,
every room of the group, metered or not), per person by the persons
allocated to the group's rooms on the range's last day. Working and
non-working hours, kgce, CO₂ and cost follow each unit of consumption.

``total`` is what the top-level meters counted, so the rows of any grouping
but ``zone`` (a room may be in several zones, or none) add up to it.
``unmetered`` is, for each meter with sub-meters, its consumption less
theirs (losses and unmetered loads), summed; it is inside the rows too,
apportioned with its meter.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from spatial.areas import usable_area
from spatial.records import Building
from spatial.room_types import RoomTypeRules
from spatial.usage import NO_DEPARTMENT, NO_ZONE
from twin.energy.calendar import US_PER_HOUR, US_PER_S, WorkingTime
from twin.energy.config import EnergyData
from twin.energy.errors import EnergyQueryError
from twin.energy.meters import UNASSIGNED, UNITS, Meter, MeterSet
from twin.energy.rollup import Amount
from twin.housing.allocations.occupancy import occupancy_on
from twin.housing.allocations.records import Allocation

GroupBy = Literal["building", "storey", "zone", "department", "organisation", "room_type", "room"]
GROUP_BY: tuple[GroupBy, ...] = (
    "building", "storey", "zone", "department", "organisation", "room_type", "room",
)  # fmt: skip
NO_ORGANISATION = "(no organisation)"
#: Decimal places of figures in answers.
DIGITS = 6


@dataclass(frozen=True)
class Site:
    """One building as the energy domain sees it: the model, its meters, room
    types and the allocations (all of them; a query picks its day)."""

    building_id: str
    building: Building
    meters: MeterSet
    allocations: tuple[Allocation, ...] = ()
    room_types: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        building_id: str,
        building: Building,
        meters: MeterSet,
        allocations: Iterable[Allocation] = (),
    ) -> Site:
        types = RoomTypeRules().classify_all(building.spaces)
        return cls(building_id, building, meters, tuple(allocations), types)


@dataclass(frozen=True)
class RoomFacts:
    """What grouping needs of each room on one day."""

    storey: dict[str, str]
    zones: dict[str, tuple[str, ...]]
    area_m2: dict[str, float]
    persons: dict[str, int]
    department: dict[str, str]
    organisation: dict[str, str]
    room_type: dict[str, str]
    label: dict[str, str]


def room_facts(site: Site, day: date) -> RoomFacts:
    building = site.building
    storeys = {s.global_id: s.name for s in building.storeys}
    for storey in building.storeys:
        for alias in storey.aliases:
            storeys[alias] = storey.name
    zone_names = {z.global_id: z.name for z in building.zones}
    zones: dict[str, list[str]] = defaultdict(list)
    for zone in building.zones:
        for gid in zone.space_ids:
            zones[gid].append(zone.name)
    occupancy = occupancy_on(site.allocations, day)
    organisations: dict[str, Counter[str]] = defaultdict(Counter)
    for record in site.allocations:
        if record.valid_on(day):
            organisations[record.room_global_id][record.organisation] += 1
    spaces = building.spaces
    return RoomFacts(
        storey={s.global_id: storeys.get(s.storey_id, s.storey_id) for s in spaces},
        zones={
            s.global_id: tuple(zones.get(s.global_id) or [zone_names.get(z, z) for z in s.zones])
            for s in spaces
        },
        area_m2={s.global_id: usable_area(s).area_m2 or 0.0 for s in spaces},
        persons={s.global_id: occupancy.occupants.get(s.global_id, 0) for s in spaces},
        department={
            s.global_id: occupancy.departments.get(s.global_id, NO_DEPARTMENT) for s in spaces
        },
        organisation={s.global_id: _main(organisations.get(s.global_id)) for s in spaces},
        room_type={s.global_id: site.room_types.get(s.global_id, "other") for s in spaces},
        label={s.global_id: s.label for s in spaces},
    )


def _main(counts: Counter[str] | None) -> str:
    """The organisation most occupants of a room belong to (ties: alphabetical)."""
    if not counts:
        return NO_ORGANISATION
    return min(counts, key=lambda o: (-counts[o], o))


def keys_of(facts: RoomFacts, by: GroupBy, room: str) -> tuple[str, ...]:
    """The group keys of a room (several for zones)."""
    if by == "building":
        return ("building",)
    if by == "storey":
        return (facts.storey[room],)
    if by == "zone":
        return facts.zones[room] or (NO_ZONE,)
    if by == "department":
        return (facts.department[room],)
    if by == "organisation":
        return (facts.organisation[room],)
    if by == "room_type":
        return (facts.room_type[room],)
    return (room,)


def own_amounts(
    meters: Sequence[Meter], amounts: Mapping[tuple[str, str], Amount], tree: MeterSet
) -> dict[str, Amount]:
    """Each meter's own consumption: its own less its children's (device id → amount)."""
    own = {}
    for meter in meters:
        mine = amounts.get(meter.key, Amount())
        for child in tree.children(meter):
            theirs = amounts.get(child.key, Amount())
            mine = Amount(mine.total - theirs.total, mine.working - theirs.working)
        own[meter.device_id] = mine
    return own


def room_amounts(
    meters: Sequence[Meter], amounts: Mapping[tuple[str, str], Amount], tree: MeterSet
) -> dict[str, Amount]:
    """Consumption per room GlobalId (and :data:`UNASSIGNED`), from every meter's own share."""
    rooms: dict[str, Amount] = defaultdict(Amount)
    own = own_amounts(meters, amounts, tree)
    for meter in meters:
        mine = own[meter.device_id]
        if not meter.shares:
            rooms[UNASSIGNED] += mine
        for room, share in meter.shares.items():
            rooms[room] += mine.scaled(share)
    return dict(rooms)


#: Years a query may name, and the longest range, days.
FIRST_YEAR, LAST_YEAR, MAX_RANGE_DAYS = 1971, 2999, 3_660


def check_day(day: date, name: str = "day") -> date:
    """``day`` if its year is one the twin can hold readings for.

    Raises
    ------
    EnergyQueryError
    """
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise EnergyQueryError(f"{name} {day}: the year must be {FIRST_YEAR} to {LAST_YEAR}")
    return day


def check_range(start: datetime, end: datetime) -> tuple[int, int]:
    """``[start, end)`` as UTC µs; both aware and on whole hours, ``start < end``,
    at most :data:`MAX_RANGE_DAYS` long.

    Raises
    ------
    EnergyQueryError
    """
    for name, moment in (("from", start), ("to", end)):
        if moment.tzinfo is None:
            raise EnergyQueryError(f"{name} needs a UTC offset (e.g. 2026-11-01T00:00+08:00)")
        check_day(moment.date(), name)
    start_us = round(start.timestamp() * US_PER_S)
    end_us = round(end.timestamp() * US_PER_S)
    if start_us >= end_us:
        raise EnergyQueryError("from must be before to")
    if end_us - start_us > MAX_RANGE_DAYS * 24 * US_PER_HOUR:
        raise EnergyQueryError(f"the range may be at most {MAX_RANGE_DAYS} days")
    if start_us % US_PER_HOUR or end_us % US_PER_HOUR:
        raise EnergyQueryError("from and to must be whole hours (consumption is rolled up hourly)")
    return start_us, end_us


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS) + 0.0


def consumption(
    site: Site,
    amounts: Mapping[tuple[str, str], Amount],
    data: EnergyData,
    working: WorkingTime,
    *,
    by: GroupBy,
    medium: str,
    start_us: int,
    end_us: int,
) -> dict[str, Any]:
    """The consumption answer (the API's and CLI's contract); see the module docstring."""
    if by not in GROUP_BY:
        raise EnergyQueryError(f"by={by!r}: use one of {', '.join(GROUP_BY)}")
    if medium not in UNITS:
        raise EnergyQueryError(f"medium={medium!r}: use one of {', '.join(UNITS)}")
    meters = site.meters.of(medium)
    day = working.local_date(end_us - 1)
    facts = room_facts(site, day)
    rooms = room_amounts(meters, amounts, site.meters)
    factor = data.factors[medium]
    price = data.prices.get(medium)
    groups: dict[str, Amount] = defaultdict(Amount)
    area: dict[str, float] = defaultdict(float)
    persons: dict[str, int] = defaultdict(int)
    for space in site.building.spaces:
        gid = space.global_id
        if by == "room" and gid not in rooms:
            continue
        for key in keys_of(facts, by, gid):
            groups[key] += rooms.get(gid, Amount())
            area[key] += facts.area_m2[gid]
            persons[key] += facts.persons[gid]
    if UNASSIGNED in rooms:
        groups[UNASSIGNED] += rooms[UNASSIGNED]
    order = _order(site, facts, by)
    rows = []
    for key in sorted(groups, key=lambda k: (order.get(k, len(order)), k)):
        amount = groups[key]
        row: dict[str, Any] = {
            "key": key,
            "consumption": _r(amount.total),
            "per_m2": _r(amount.total / area[key]) if area[key] > 0 else None,
            "per_person": _r(amount.total / persons[key]) if persons[key] > 0 else None,
            "working_hours": _r(amount.working),
            "non_working_hours": _r(amount.non_working),
            "area_m2": _r(area[key]),
            "persons": persons[key],
            "kgce": _r(amount.total * factor.kgce_per_unit),
            "co2_kg": _r(amount.total * factor.co2_kg_per_unit),
            "cost": None if price is None else _r(amount.total * price),
        }
        if by == "room":
            row["label"] = facts.label.get(key, key)
            row["storey"] = facts.storey.get(key)
        rows.append(row)
    top = [m for m in meters if m.parent is None]
    total = sum((amounts.get(m.key, Amount()) for m in top), Amount())
    losses = []
    for meter in meters:
        children = site.meters.children(meter)
        if children:
            mine = amounts.get(meter.key, Amount()).total
            theirs = sum(amounts.get(c.key, Amount()).total for c in children)
            losses.append(
                {
                    "meter": meter.device_id,
                    "consumption": _r(mine),
                    "sub_meters": _r(theirs),
                    "loss": _r(mine - theirs),
                    "loss_share": _r((mine - theirs) / mine) if mine > 0 else None,
                }
            )
    total_area = sum(facts.area_m2.values())
    total_persons = sum(facts.persons.values())
    warnings = list(site.meters.warnings)
    for when in {working.local_date(start_us), day}:
        if not working.calendar.covers(when):
            warnings.append(f"the holiday calendar has no data for {when.year}: weekdays only")
    return {
        "building": site.building_id,
        "by": by,
        "from": _iso(start_us),
        "to": _iso(end_us),
        "medium": medium,
        "unit": UNITS[medium],
        "rows": rows,
        "total": _r(total.total),
        "unmetered": _r(sum(float(item["loss"] or 0.0) for item in losses)),
        "unmetered_by_meter": losses,
        "working_hours": _r(total.working),
        "non_working_hours": _r(total.non_working),
        "per_m2": _r(total.total / total_area) if total_area > 0 else None,
        "per_person": _r(total.total / total_persons) if total_persons > 0 else None,
        "kgce": _r(total.total * factor.kgce_per_unit),
        "co2_kg": _r(total.total * factor.co2_kg_per_unit),
        "cost": None if price is None else _r(total.total * price),
        "currency": data.currency,
        "persons_on": day.isoformat(),
        "meters": len(meters),
        "warnings": sorted(set(warnings)),
    }


def _order(site: Site, facts: RoomFacts, by: GroupBy) -> dict[str, int]:
    if by == "storey":
        storeys = sorted(site.building.storeys, key=lambda s: s.elevation_m)
        return {s.name: i for i, s in enumerate(storeys)}
    if by == "room":
        spaces = sorted(
            site.building.spaces, key=lambda s: (facts.storey[s.global_id], s.name, s.global_id)
        )
        return {s.global_id: i for i, s in enumerate(spaces)}
    return {}


def _iso(ts_us: int) -> str:
    return datetime.fromtimestamp(ts_us / US_PER_S, UTC).isoformat().replace("+00:00", "Z")
