"""Office allocations (import, history) and the compliance report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from api.schemas.common import Out


class AllocationOut(Out):
    """One person in one room for a period. ``name`` and ``person_id`` are empty for
    keys that may not see personal data."""

    organisation: str
    organ_level: str
    department: str
    person_id: str
    name: str
    rank_code: str
    rank: str
    room_global_id: str
    room: str
    posts: list[str]
    valid_from: dt.date
    valid_to: dt.date | None
    approved_extra_office: bool


class UpdatedOut(Out):
    """A record changed by an import: as it was and as it is."""

    before: AllocationOut
    after: AllocationOut

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, data: Any) -> Any:
        # The domain gives ``(before, after)`` pairs.
        if isinstance(data, tuple) and len(data) == 2:
            return {"before": data[0], "after": data[1]}
        return data


class ImportOut(Out):
    """What an import changed (or, with ``dry_run``, would change)."""

    dry_run: bool
    applied: bool
    created: list[AllocationOut]
    updated: list[UpdatedOut]
    unchanged: int


# --- compliance ---------------------------------------------------------------
SourceValue = str | int | float | list[str] | None


class StandardRef(Out):
    id: str
    title: str
    source: dict[str, SourceValue] = Field(description="the standard's document, number, year…")


class OccupantLimit(Out):
    person_id: str
    rank: str
    rank_code: str
    limit_m2: float


class ComplianceRoom(Out):
    """An office against the sum of its occupants' limits (m²)."""

    room: str
    global_id: str
    long_name: str
    storey: str
    room_type: str
    area_m2: float
    area_source: str
    occupants: list[str] = Field(description="person ids (empty without personal data)")
    occupant_limits: list[OccupantLimit]
    limit_m2: float
    excess_m2: float
    excess_pct: float
    status: str = Field(description="within, over, vacant or not_office")


class CompliancePerson(Out):
    """A person's share of their room against their rank's limit (m²)."""

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
    status: str
    approved_extra_office: bool


class ComplianceGroup(Out):
    """An organisation's or department's totals (m²)."""

    organisation: str
    department: str
    organ_level: str
    persons: int
    rooms: int
    area_m2: float
    limit_m2: float
    excess_m2: float
    rooms_over: list[str]
    persons_over: list[str]
    vacant_rooms: list[str]
    leavers: list[str]
    not_office_persons: list[str]


class VacantRoom(Out):
    room: str
    global_id: str
    storey: str
    area_m2: float


class LeaverOut(Out):
    """A person whose allocation has ended while the room is still theirs."""

    person_id: str
    name: str
    organisation: str
    department: str
    room: str
    global_id: str
    valid_to: dt.date
    room_status: str


class ComplianceOut(Out):
    """The ``twin compliance --json`` report. Without personal-data permission,
    ``persons`` and ``leavers`` are empty and rooms list no occupants (counts and
    departments remain)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "date": "2026-01-05",
                    "standard": {
                        "id": "cn-2014",
                        "title": "党政机关办公用房建设标准 (2014)",
                        "source": {"number": "发改投资〔2014〕2674号", "year": 2014},
                    },
                    "summary": {"rooms_checked": 40, "rooms_over": 2, "area_over_m2": 6.5},
                    "rooms": [],
                    "persons": [],
                    "departments": [],
                    "organisations": [],
                    "vacant_rooms": [],
                    "leavers": [],
                    "warnings": [],
                }
            ]
        }
    )

    date: dt.date
    standard: StandardRef
    summary: dict[str, float | int] = Field(
        description="rooms_checked, rooms_over, persons_over, vacant_rooms, vacant_area_m2, "
        "area_over_m2, not_office_allocations, leavers"
    )
    rooms: list[ComplianceRoom]
    persons: list[CompliancePerson]
    departments: list[ComplianceGroup]
    organisations: list[ComplianceGroup]
    vacant_rooms: list[VacantRoom]
    leavers: list[LeaverOut]
    warnings: list[str] = Field(description="rooms not judged and why")
