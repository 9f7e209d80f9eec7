"""Compliance reports: a JSON-able dict and an XLSX workbook (as bytes).

Both hold the same figures, rounded the same way (areas to 0.01 m², shares
of a limit to 0.1 %). The XLSX has one sheet per level — organisation,
department, room, person — plus ``summary`` and ``source``; over-standard
rows are filled red, rooms not judged as offices grey. Names, departments and
organisations that look like formulas are written as text cells
(:mod:`twin.housing.cells`).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from twin.housing.cells import append_text_safe
from twin.housing.compliance.check import ComplianceResult, GroupResult, PersonResult, RoomResult

#: Decimal places of areas (m²) and percentages in reports.
AREA_DIGITS = 2
PCT_DIGITS = 1
OVER_FILL = "FFC7CE"
NOT_OFFICE_FILL = "E7E6E6"


def _a(value: float) -> float:
    return round(float(value), AREA_DIGITS)


def room_row(r: RoomResult) -> dict[str, Any]:
    """A room's figures, as in the JSON report."""
    return {
        "room": r.room,
        "global_id": r.global_id,
        "long_name": r.long_name,
        "storey": r.storey,
        "room_type": r.room_type,
        "area_m2": _a(r.area_m2),
        "area_source": r.area_source,
        "occupants": [o.person_id for o in r.occupants],
        "occupant_limits": [
            {
                "person_id": o.person_id,
                "rank": o.rank,
                "rank_code": o.rank_code,
                "limit_m2": o.limit_m2,
            }
            for o in r.occupants
        ],
        "limit_m2": _a(r.limit_m2),
        "excess_m2": _a(r.excess_m2),
        "excess_pct": round(r.excess_pct, PCT_DIGITS),
        "status": r.status,
    }


def person_row(p: PersonResult) -> dict[str, Any]:
    """A person's figures in one room, as in the JSON report."""
    return {
        "person_id": p.person_id,
        "name": p.name,
        "organisation": p.organisation,
        "department": p.department,
        "rank": p.rank,
        "rank_code": p.rank_code,
        "room": p.room,
        "global_id": p.global_id,
        "room_type": p.room_type,
        "room_area_m2": _a(p.room_area_m2),
        "area_source": p.area_source,
        "room_limit_m2": _a(p.room_limit_m2),
        "share_m2": _a(p.share_m2),
        "limit_m2": _a(p.limit_m2),
        "excess_m2": _a(p.excess_m2),
        "excess_pct": round(p.excess_pct, PCT_DIGITS),
        "status": p.status,
        "approved_extra_office": p.approved_extra_office,
    }


def group_row(g: GroupResult) -> dict[str, Any]:
    """An organisation's or department's totals, as in the JSON report."""
    return {
        "organisation": g.organisation,
        "department": g.department,
        "organ_level": g.organ_level,
        "persons": g.persons,
        "rooms": g.rooms,
        "area_m2": _a(g.area_m2),
        "limit_m2": _a(g.limit_m2),
        "excess_m2": _a(g.excess_m2),
        "rooms_over": list(g.rooms_over),
        "persons_over": list(g.persons_over),
        "vacant_rooms": list(g.vacant_rooms),
        "leavers": list(g.leavers),
        "not_office_persons": list(g.not_office_persons),
    }


def to_json(result: ComplianceResult) -> dict[str, Any]:
    """The report as one JSON-able object.

    Keys: ``date``, ``standard`` (id, title, source), ``summary``
    (``rooms_over``, ``persons_over``, ``vacant_rooms``, ``area_over_m2`` ...),
    ``rooms``, ``persons``, ``departments``, ``organisations``,
    ``vacant_rooms`` (room, global_id, storey, area_m2), ``leavers``, ``warnings``.
    """
    summary = {k: (_a(v) if isinstance(v, float) else v) for k, v in result.summary.items()}
    return {
        "date": result.on_date.isoformat(),
        "standard": {
            "id": result.standard_id,
            "title": result.standard_title,
            "source": dict(result.standard_source),
        },
        "summary": summary,
        "rooms": [room_row(r) for r in result.rooms],
        "persons": [person_row(p) for p in result.persons],
        "departments": [group_row(g) for g in result.departments],
        "organisations": [group_row(g) for g in result.organisations],
        "vacant_rooms": [
            {"room": r.room, "global_id": r.global_id, "storey": r.storey, "area_m2": _a(r.area_m2)}
            for r in result.rooms
            if r.status == "vacant"
        ],
        "leavers": [
            {
                "person_id": v.person_id,
                "name": v.name,
                "organisation": v.organisation,
                "department": v.department,
                "room": v.room,
                "global_id": v.global_id,
                "valid_to": v.valid_to.isoformat(),
                "room_status": v.room_status,
            }
            for v in result.leavers
        ],
        "warnings": list(result.warnings),
    }


def to_xlsx_bytes(
    result: ComplianceResult, *, plan_links: Mapping[str, str] | None = None
) -> bytes:
    """The report as an XLSX workbook (bytes), same figures as :func:`to_json`.

    ``plan_links`` maps a storey name to the address of its floor plan (a URL of
    the service, or ``plans.pdf#page=3`` beside the workbook): each room row then
    links to the plan of its storey, in a last column ``plan``.
    """
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    data = to_json(result)
    book = openpyxl.Workbook()
    over = PatternFill("solid", fgColor=OVER_FILL)
    grey = PatternFill("solid", fgColor=NOT_OFFICE_FILL)
    bold = Font(bold=True)

    def sheet(title: str, rows: list[dict[str, Any]], highlight) -> None:  # type: ignore[no-untyped-def]
        ws = book.create_sheet(title)
        if not rows:
            return
        columns = list(rows[0])
        ws.append(columns)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            append_text_safe(ws, (_cell(row[c]) for c in columns))
            fill = highlight(row)
            if fill is not None:
                for cell in ws[ws.max_row]:
                    cell.fill = fill
        ws.freeze_panes = "A2"

    def by_status(row: dict[str, Any]) -> PatternFill | None:
        return {"over": over, "not_office": grey}.get(row["status"])

    def group_over(row: dict[str, Any]) -> PatternFill | None:
        return over if row["excess_m2"] > 0 or row["persons_over"] else None

    book.remove(book.active)
    sheet("organisation", data["organisations"], group_over)
    sheet("department", data["departments"], group_over)
    sheet("room", data["rooms"], by_status)
    if plan_links and data["rooms"]:
        _link_plans(book["room"], plan_links)
    sheet("person", data["persons"], by_status)
    summary = book.create_sheet("summary")
    summary.append(["date", data["date"]])
    for key, value in data["summary"].items():
        summary.append([key, value])
    source = book.create_sheet("source")
    source.append(["standard", data["standard"]["id"]])
    append_text_safe(source, ["title", data["standard"]["title"]])
    for key, value in data["standard"]["source"].items():
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
    if isinstance(value, list):
        return "; ".join(str(v) if not isinstance(v, dict) else _limit_text(v) for v in value)
    return value


def _limit_text(item: dict[str, Any]) -> str:
    return f"{item.get('person_id')} {item.get('rank')} {item.get('limit_m2')} m²"
