"""What the plans are coloured and labelled by: plain mappings keyed by space GlobalId.

The plans do not depend on the compliance checker's or the device service's
internals: callers hand over mappings. :func:`inputs_from_compliance_report`
turns the JSON report of ``twin compliance --json`` into them,
:func:`inputs_from_report` the twin's own
:class:`~twin.housing.compliance.ComplianceReport`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from twin.housing.plans.errors import PlanInputError

if TYPE_CHECKING:
    from twin.housing.compliance import ComplianceReport

#: Room statuses a compliance report may give.
COMPLIANCE_STATUSES = ("within", "over", "vacant", "not_office")


@dataclass(frozen=True)
class PlanInputs:
    """Per-room data the plans draw, all keyed by space GlobalId.

    Attributes
    ----------
    statuses
        Compliance status: ``within``, ``over``, ``vacant`` or ``not_office``.
    excess_m2
        Usable area above the room's limit (m², > 0 in over-standard rooms).
    occupants
        Persons allocated to the room.
    departments
        Occupants' department(s), printed in the room label.
    live
        Live status: ``normal``, ``warning``, ``alarm`` or ``offline``.
    standard
        Title of the standard the statuses were judged by (title block).
    summary
        The report's summary (``rooms_over``, ``persons_over``,
        ``vacant_rooms``, ``area_over_m2`` ...) for the PDF cover; empty to
        have the cover count the statuses itself.
    """

    statuses: Mapping[str, str] = field(default_factory=dict)
    excess_m2: Mapping[str, float] = field(default_factory=dict)
    occupants: Mapping[str, int] = field(default_factory=dict)
    departments: Mapping[str, str] = field(default_factory=dict)
    live: Mapping[str, str] = field(default_factory=dict)
    standard: str = ""
    summary: Mapping[str, Any] = field(default_factory=dict)


def inputs_from_compliance_report(report: Mapping[str, Any]) -> PlanInputs:
    """Plan inputs from a compliance report (the dict of ``twin compliance --json``).

    Reads ``rooms`` (``global_id``, ``status``, ``excess_m2``, ``occupants`` as
    a count or a list of person ids), ``persons`` (``global_id``,
    ``department``) when present, ``standard`` (a title string or a mapping
    with ``title``) and ``summary``.

    Raises
    ------
    PlanInputError
        When ``rooms`` is missing or a room lacks its GlobalId or has an
        unknown status.

    Examples
    --------
    >>> inputs = inputs_from_compliance_report(
    ...     {"rooms": [{"global_id": "2O2Fr$t4X7Zf8NOew3FLOH", "status": "over",
    ...                 "excess_m2": 3.2, "occupants": ["p1"]}]})
    >>> inputs.statuses["2O2Fr$t4X7Zf8NOew3FLOH"], inputs.occupants["2O2Fr$t4X7Zf8NOew3FLOH"]
    ('over', 1)
    """
    rooms = report.get("rooms")
    if not isinstance(rooms, list):
        raise PlanInputError("compliance report has no 'rooms' list")
    checked: list[_Room] = []
    for index, room in enumerate(rooms):
        gid = room.get("global_id") if isinstance(room, Mapping) else None
        if not gid:
            raise PlanInputError(f"compliance report room #{index} has no global_id")
        people = room.get("occupants", 0)
        checked.append(
            _Room(
                gid,
                room.get("status"),
                float(room.get("excess_m2") or 0.0),
                len(people) if isinstance(people, list) else int(people or 0),
                str(room.get("department") or ""),
            )
        )
    persons = [
        (p["global_id"], str(p["department"]))
        for p in report.get("persons", []) or []
        if isinstance(p, Mapping) and p.get("global_id") and p.get("department")
    ]
    standard = report.get("standard", "")
    title = standard.get("title", "") if isinstance(standard, Mapping) else str(standard or "")
    return _inputs(checked, persons, title, dict(report.get("summary", {}) or {}))


def inputs_from_report(report: ComplianceReport) -> PlanInputs:
    """Plan inputs from the twin's own compliance report (the same reading as
    :func:`inputs_from_compliance_report` of its JSON)."""
    return _inputs(
        [_Room(r.global_id, r.status, r.excess_m2, len(r.occupants), "") for r in report.rooms],
        [(p.global_id, p.department) for p in report.persons if p.department],
        report.standard.title,
        dict(report.summary),
    )


@dataclass(frozen=True, slots=True)
class _Room:
    global_id: str
    status: Any
    excess_m2: float
    occupants: int
    department: str


def _inputs(
    rooms: Iterable[_Room],
    persons: Iterable[tuple[str, str]],
    standard: str,
    summary: Mapping[str, Any],
) -> PlanInputs:
    statuses: dict[str, str] = {}
    excess: dict[str, float] = {}
    occupants: dict[str, int] = {}
    departments: dict[str, set[str]] = defaultdict(set)
    for room in rooms:
        if room.status not in COMPLIANCE_STATUSES:
            raise PlanInputError(f"room {room.global_id}: unknown status {room.status!r}")
        statuses[room.global_id] = room.status
        excess[room.global_id] = room.excess_m2
        occupants[room.global_id] = room.occupants
        if room.department:
            departments[room.global_id].add(room.department)
    for global_id, department in persons:
        departments[global_id].add(department)
    return PlanInputs(
        statuses=statuses,
        excess_m2=excess,
        occupants=occupants,
        departments={gid: "、".join(sorted(names)) for gid, names in departments.items()},
        standard=standard,
        summary=summary,
    )
