"""Allocations as the occupancy plug-in of :mod:`spatial.usage`."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from spatial.usage import Occupancy
from twin.housing.allocations.records import Allocation


def occupancy_on(allocations: Iterable[Allocation], day: date) -> Occupancy:
    """Persons and department per room on ``day``.

    A room's department is the one most of its occupants belong to (ties: the
    first alphabetically). Capacity is left to :func:`spatial.usage.room_usage`.
    """
    persons: dict[str, set[str]] = defaultdict(set)
    departments: dict[str, Counter[str]] = defaultdict(Counter)
    for record in allocations:
        if record.valid_on(day):
            persons[record.room_global_id].add(record.person_id)
            departments[record.room_global_id][record.department] += 1
    return Occupancy(
        occupants={gid: len(ids) for gid, ids in persons.items()},
        departments={gid: min(c, key=lambda d: (-c[d], d)) for gid, c in departments.items()},
    )
