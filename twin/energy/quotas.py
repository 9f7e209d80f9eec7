"""Annual energy quotas (公共机构能耗定额) per organisation: to date and projected.

For each organisation with quotas, consumption from 1 January (local) up to
the comparison moment is taken from its rooms (:mod:`twin.energy.analysis`,
grouped by organisation); each quota's limit is multiplied by the
organisation's persons (allocations on that day) or usable area to give the
year's allowance. The projection extends the year to date linearly over the
whole year (``to_date × year length / elapsed``); an organisation is flagged
``over`` when the projection exceeds the allowance, ``over_now`` when the
consumption to date already does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from twin.devices.registry import MEDIA
from twin.energy.analysis import DIGITS
from twin.energy.calendar import US_PER_HOUR, WorkingTime
from twin.energy.config import EnergyData

#: consumption(by="organisation", medium=...) for the year to date → its answer.
Query = Callable[[str], Mapping[str, Any]]


def year_start_us(working: WorkingTime, on: date) -> int:
    return working.day_start_us(date(on.year, 1, 1))


def quota_status(
    data: EnergyData, working: WorkingTime, *, start_us: int, end_us: int, query: Query
) -> dict[str, Any]:
    """Quotas against consumption from ``start_us`` (1 January) to ``end_us``."""
    by_medium = {medium: query(medium) for medium in MEDIA}
    rows_by_medium = {
        medium: {row["key"]: row for row in answer["rows"]} for medium, answer in by_medium.items()
    }
    day = working.local_date(end_us - 1)
    year_hours = (
        working.day_start_us(date(day.year + 1, 1, 1)) - working.day_start_us(date(day.year, 1, 1))
    ) / US_PER_HOUR
    elapsed_hours = (end_us - start_us) / US_PER_HOUR
    scale = year_hours / elapsed_hours if elapsed_hours > 0 else 0.0
    organisations = []
    for organisation, quotas in sorted(data.quotas.items()):
        figures = {m: rows_by_medium[m].get(organisation) for m in MEDIA}
        any_row = next((r for r in figures.values() if r is not None), None)
        persons = any_row["persons"] if any_row else 0
        area_m2 = any_row["area_m2"] if any_row else 0.0
        items = []
        for quota in quotas:
            if quota.measure == "kgce":
                to_date = sum(r["kgce"] for r in figures.values() if r is not None)
            else:
                row = figures[quota.measure]
                to_date = row["consumption"] if row is not None else 0.0
            basis = persons if quota.basis == "per_person" else area_m2
            allowance = quota.limit * basis
            projection = to_date * scale
            items.append(
                {
                    "measure": quota.measure,
                    "basis": quota.basis,
                    "limit": quota.limit,
                    "allowance": round(allowance, DIGITS),
                    "to_date": round(to_date, DIGITS),
                    "projection": round(projection, DIGITS),
                    "share_to_date": round(to_date / allowance, DIGITS) if allowance else None,
                    "over": allowance > 0 and projection > allowance,
                    "over_now": allowance > 0 and to_date > allowance,
                }
            )
        organisations.append(
            {
                "organisation": organisation,
                "persons": persons,
                "area_m2": area_m2,
                "quotas": items,
                "over": any(i["over"] for i in items),
            }
        )
    return {
        "year": day.year,
        "as_of": day.isoformat(),
        "elapsed_share": round(elapsed_hours / year_hours, DIGITS) if year_hours else None,
        "source": data.quota_source,
        "organisations": organisations,
        "over": [o["organisation"] for o in organisations if o["over"]],
    }
