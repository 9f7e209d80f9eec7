"""Compliance reports: frozen records (:class:`ComplianceReport`) and an XLSX workbook.

Both hold the same figures, rounded the same way (areas to 0.01 m², shares
of a limit to 0.1 %). The XLSX has one sheet per level — organisation,
department, room, person — plus ``summary`` and ``source``; over-standard
rows are filled red, rooms not judged as offices grey. Names, departments and
organisations that look like formulas are written as text cells
(:mod:`twin.housing.cells`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from twin.housing.cells import append_text_safe
from twin.housing.compliance.check import (
    ComplianceResult,
    GroupResult,
    Leaver,
    PersonResult,
    RoomResult,
)

#: Decimal places of areas (m²) and percentages in reports.
AREA_DIGITS = 2
PCT_DIGITS = 1
OVER_FILL = "FFC7CE"
NOT_OFFICE_FILL = "E7E6E6"


def _a(value: float) -> float:
    return round(float(value), AREA_DIGITS)


def _pct(value: float) -> float:
    return round(float(value), PCT_DIGITS)


@dataclass(frozen=True, slots=True)
class StandardRef:
    """The standard a report was judged by: its id, title and source document."""

    id: str
    title: str
    source: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class OccupantLimit:
    """One occupant's rank and limit (m²) as applied to their room."""

    person_id: str
    rank: str
    rank_code: str
    limit_m2: float


@dataclass(frozen=True, slots=True)
class RoomRow:
    """A room's figures in the report (m², rounded); ``occupants`` are person ids."""

    room: str
    global_id: str
    long_name: str
    storey: str
    room_type: str
    area_m2: float
    area_source: str
    occupants: tuple[str, ...]
    occupant_limits: tuple[OccupantLimit, ...]
    limit_m2: float
    excess_m2: float
    excess_pct: float
    status: str


@dataclass(frozen=True, slots=True)
class VacantRoom:
    """An office with no one allocated on the date."""

    room: str
    global_id: str
    storey: str
    area_m2: float


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    """The report of one check: what ``twin compliance --json`` prints and the API
    answers (shaped by ``api.schemas.housing.ComplianceOut``), figures rounded.
    Persons and groups are the check's records, rounded; rooms list their
    occupants' ids and limits.

    ``summary`` holds ``rooms_checked``, ``rooms_over``, ``persons_over``,
    ``vacant_rooms``, ``vacant_area_m2``, ``area_over_m2``,
    ``not_office_allocations`` and ``leavers``.
    """

    date: dt.date
    standard: StandardRef
    summary: Mapping[str, float | int]
    rooms: tuple[RoomRow, ...]
    persons: tuple[PersonResult, ...]
    departments: tuple[GroupResult, ...]
    organisations: tuple[GroupResult, ...]
    vacant_rooms: tuple[VacantRoom, ...]
    leavers: tuple[Leaver, ...]
    warnings: tuple[str, ...]


def room_row(r: RoomResult) -> RoomRow:
    """A room's figures, as in the report."""
    return RoomRow(
        room=r.room,
        global_id=r.global_id,
        long_name=r.long_name,
        storey=r.storey,
        room_type=r.room_type,
        area_m2=_a(r.area_m2),
        area_source=r.area_source,
        occupants=tuple(o.person_id for o in r.occupants),
        occupant_limits=tuple(
            OccupantLimit(o.person_id, o.rank, o.rank_code, o.limit_m2) for o in r.occupants
        ),
        limit_m2=_a(r.limit_m2),
        excess_m2=_a(r.excess_m2),
        excess_pct=_pct(r.excess_pct),
        status=r.status,
    )


def person_row(p: PersonResult) -> PersonResult:
    """A person's figures in one room, rounded as in the report."""
    return replace(
        p,
        room_area_m2=_a(p.room_area_m2),
        room_limit_m2=_a(p.room_limit_m2),
        share_m2=_a(p.share_m2),
        limit_m2=_a(p.limit_m2),
        excess_m2=_a(p.excess_m2),
        excess_pct=_pct(p.excess_pct),
    )


def group_row(g: GroupResult) -> GroupResult:
    """An organisation's or department's totals, rounded as in the report."""
    return replace(g, area_m2=_a(g.area_m2), limit_m2=_a(g.limit_m2), excess_m2=_a(g.excess_m2))


def compliance_report(result: ComplianceResult) -> ComplianceReport:
    """The report of ``result``: every figure rounded (areas to 0.01 m², shares to 0.1 %)."""
    return ComplianceReport(
        date=result.on_date,
        standard=StandardRef(
            result.standard_id, result.standard_title, dict(result.standard_source)
        ),
        summary={k: (_a(v) if isinstance(v, float) else v) for k, v in result.summary.items()},
        rooms=tuple(room_row(r) for r in result.rooms),
        persons=tuple(person_row(p) for p in result.persons),
        departments=tuple(group_row(g) for g in result.departments),
        organisations=tuple(group_row(g) for g in result.organisations),
        vacant_rooms=tuple(
            VacantRoom(r.room, r.global_id, r.storey, _a(r.area_m2))
            for r in result.rooms
            if r.status == "vacant"
        ),
        leavers=result.leavers,
        warnings=tuple(result.warnings),
    )


def redact_report(report: ComplianceReport) -> ComplianceReport:
    """The report with counts and departments instead of persons: no person ids in
    rooms, no persons, no leavers, no names of members over or out of an office."""

    def group(g: GroupResult) -> GroupResult:
        return replace(g, persons_over=(), leavers=(), not_office_persons=())

    return replace(
        report,
        rooms=tuple(
            replace(
                r,
                occupants=(),
                occupant_limits=tuple(replace(o, person_id="") for o in r.occupant_limits),
            )
            for r in report.rooms
        ),
        persons=(),
        leavers=(),
        departments=tuple(group(g) for g in report.departments),
        organisations=tuple(group(g) for g in report.organisations),
    )


def to_xlsx_bytes(
    result: ComplianceResult, *, plan_links: Mapping[str, str] | None = None
) -> bytes:
    """The report as an XLSX workbook (bytes), same figures as :func:`compliance_report`.

    ``plan_links`` maps a storey name to the address of its floor plan (a URL of
    the service, or ``plans.pdf#page=3`` beside the workbook): each room row then
    links to the plan of its storey, in a last column ``plan``.
    """
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    report = compliance_report(result)
    book = openpyxl.Workbook()
    over = PatternFill("solid", fgColor=OVER_FILL)
    grey = PatternFill("solid", fgColor=NOT_OFFICE_FILL)
    bold = Font(bold=True)

    def sheet(title: str, rows: Sequence[Any], highlight) -> None:  # type: ignore[no-untyped-def]
        ws = book.create_sheet(title)
        if not rows:
            return
        columns = [f.name for f in fields(rows[0])]
        ws.append(columns)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            append_text_safe(ws, (_cell(getattr(row, c)) for c in columns))
            fill = highlight(row)
            if fill is not None:
                for cell in ws[ws.max_row]:
                    cell.fill = fill
        ws.freeze_panes = "A2"

    def by_status(row: RoomRow | PersonResult) -> PatternFill | None:
        return {"over": over, "not_office": grey}.get(row.status)

    def group_over(row: GroupResult) -> PatternFill | None:
        return over if row.excess_m2 > 0 or row.persons_over else None

    book.remove(book.active)
    sheet("organisation", report.organisations, group_over)
    sheet("department", report.departments, group_over)
    sheet("room", report.rooms, by_status)
    if plan_links and report.rooms:
        _link_plans(book["room"], plan_links)
    sheet("person", report.persons, by_status)
    summary = book.create_sheet("summary")
    summary.append(["date", report.date.isoformat()])
    for key, value in report.summary.items():
        summary.append([key, value])
    source = book.create_sheet("source")
    source.append(["standard", report.standard.id])
    append_text_safe(source, ["title", report.standard.title])
    for key, value in report.standard.source.items():
        append_text_safe(source, [key, _cell(value)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _link_plans(ws: Any, plan_links: Mapping[str, str]) -> None:
    header = [cell.value for cell in ws[1]]
    storey_column = header.index("storey") + 1
    plan_column = len(header) + 1
    ws.cell(row=1, column=plan_column, value="plan").font = ws.cell(row=1, column=1).font.copy()
    for row in range(2, ws.max_row + 1):
        storey = ws.cell(row=row, column=storey_column).value
        link = plan_links.get(storey)
        if link is not None:
            cell = ws.cell(row=row, column=plan_column, value=f"plan {storey}")
            cell.hyperlink = link
            cell.style = "Hyperlink"


def _cell(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return "; ".join(_limit_text(v) if isinstance(v, OccupantLimit) else str(v) for v in value)
    return value


def _limit_text(item: OccupantLimit) -> str:
    return f"{item.person_id} {item.rank} {item.limit_m2} m²"
