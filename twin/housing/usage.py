"""How a building's rooms are used: rooms and usable area per storey, room type,
zone, department or the whole building, with occupancy from allocations.

The grouping and totals are :func:`spatial.usage.usage_report`; this module
adds the allocations (who sits where on a day).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from spatial.records import Building
from spatial.room_types import RoomTypeRules
from spatial.usage import GROUP_BY, usage_report
from twin.housing.allocations.occupancy import occupancy_on
from twin.housing.allocations.records import Allocation
from twin.housing.errors import HousingError


class UsageQueryError(HousingError, ValueError):
    """A usage question that cannot be answered (an unknown grouping, or by
    department without allocations)."""


def check_usage_query(by: str, *, with_allocations: bool) -> None:
    """Refuse a grouping that is unknown, or by department without allocations
    (callers check before the slow work of loading a building).

    Raises
    ------
    UsageQueryError
    """
    if by not in GROUP_BY:
        raise UsageQueryError(f"by={by!r}: use one of {', '.join(GROUP_BY)}")
    if by == "department" and not with_allocations:
        raise UsageQueryError("usage by department needs allocations")


def building_usage(
    building: Building,
    *,
    by: str = "storey",
    rules: RoomTypeRules | None = None,
    room_types: Mapping[str, str] | None = None,
    allocations: Iterable[Allocation] | None = None,
    on_date: date,
) -> dict[str, Any]:
    """The usage report of :func:`spatial.usage.usage_report` grouped ``by`` one of
    :data:`spatial.usage.GROUP_BY`, with occupancy and vacancy on ``on_date`` when
    ``allocations`` are given.

    Raises
    ------
    UsageQueryError
    """
    check_usage_query(by, with_allocations=allocations is not None)
    occupancy = None if allocations is None else occupancy_on(allocations, on_date)
    return usage_report(
        building,
        by=by,  # type: ignore[arg-type]
        rules=rules,
        room_types=room_types,
        occupancy=occupancy,
    )
