"""The monthly energy report as an XLSX workbook with charts (openpyxl).

Sheets: 概况 Summary (the building per medium), 单位 Organisations and
部门 Departments (electricity, water, gas, heat, kgce, per m², per person,
the quota), 每日 Daily (each day's consumption per medium, with a line
chart). Bar charts compare kgce by organisation and by department. The
workbook is returned as bytes: nothing here touches the file system.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from twin.devices.registry import MEDIA
from twin.energy.meters import UNITS

MEDIUM_NAMES = {
    "electricity": "电 electricity",
    "water": "水 water",
    "gas": "燃气 gas",
    "heat": "热 heat",
}
BOLD = Font(bold=True)


def _header(sheet: Worksheet, names: Sequence[str]) -> None:
    sheet.append(list(names))
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def _groups_sheet(
    sheet: Worksheet,
    answers: Mapping[str, Mapping[str, Any]],
    quotas: Mapping[str, Mapping[str, Any]],
    title: str,
) -> None:
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    names = [f"{MEDIUM_NAMES[m]} ({UNITS[m]})" for m in MEDIA]
    _header(
        sheet,
        ["名称 name", *names, "kgce", "kgce/m²", "kgce/人 per person", "面积 m²", "人数 persons",
         "定额 quota (kgce, year)", "年度预计 projection", "超定额 over"],
    )  # fmt: skip
    keys = sorted({row["key"] for answer in answers.values() for row in answer["rows"]})
    for key in keys:
        rows = {m: next((r for r in answers[m]["rows"] if r["key"] == key), None) for m in MEDIA}
        kgce = sum(r["kgce"] for r in rows.values() if r)
        first = next((r for r in rows.values() if r), None)
        area = first["area_m2"] if first else 0.0
        persons = first["persons"] if first else 0
        quota = quotas.get(key)
        items = quota["quotas"] if quota is not None else ()
        kgce_quota = next((q for q in items if q["measure"] == "kgce"), None)
        sheet.append(
            [
                key,
                *[r["consumption"] if (r := rows[m]) is not None else 0.0 for m in MEDIA],
                round(kgce, 3),
                round(kgce / area, 4) if area else None,
                round(kgce / persons, 3) if persons else None,
                area,
                persons,
                kgce_quota["allowance"] if kgce_quota else None,
                kgce_quota["projection"] if kgce_quota else None,
                ("是 yes" if quota["over"] else "否 no") if quota else None,
            ]
        )
    if keys:
        chart = BarChart()
        chart.title = f"{title}: kgce"
        chart.y_axis.title = "kgce"
        kgce_col = 2 + len(MEDIA)
        chart.add_data(
            Reference(sheet, min_col=kgce_col, min_row=2, max_row=2 + len(keys)),
            titles_from_data=True,
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=2 + len(keys)))
        chart.height, chart.width = 8, 16
        sheet.add_chart(chart, f"A{len(keys) + 5}")


def monthly_report(
    *,
    building: str,
    month: str,
    summary: Mapping[str, Mapping[str, Any]],
    organisations: Mapping[str, Mapping[str, Any]],
    departments: Mapping[str, Mapping[str, Any]],
    daily: Sequence[tuple[str, Mapping[str, float]]],
    quotas: Mapping[str, Any],
) -> bytes:
    """The workbook as bytes.

    ``summary``, ``organisations`` and ``departments`` map each medium to the
    consumption answer (by building, organisation, department) for the
    month; ``daily`` is ``(date, {medium: consumption})`` per day; ``quotas``
    the quota status at the month's end.
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "概况 Summary"
    sheet.append([f"能耗月报 Energy report {month}: {building}"])
    sheet["A1"].font = Font(bold=True, size=14)
    _header(
        sheet,
        ["能源 medium", "单位 unit", "用量 consumption", "工作时间 working hours",
         "非工作时间 non-working", "未计量损耗 unmetered", "每平方米 per m²", "人均 per person",
         "kgce", "CO₂ kg", "费用 cost"],
    )  # fmt: skip
    for medium in MEDIA:
        answer = summary[medium]
        sheet.append(
            [
                MEDIUM_NAMES[medium], answer["unit"], answer["total"], answer["working_hours"],
                answer["non_working_hours"], answer["unmetered"], answer["per_m2"],
                answer["per_person"], answer["kgce"], answer["co2_kg"], answer["cost"],
            ]
        )  # fmt: skip
    sheet.append(
        ["合计 total kgce", "", "", "", "", "", "", "", sum(a["kgce"] for a in summary.values())]
    )
    quota_rows = {o["organisation"]: o for o in quotas.get("organisations", ())}
    _groups_sheet(
        book.create_sheet("单位 Organisations"), organisations, quota_rows, "单位 Organisations"
    )
    _groups_sheet(book.create_sheet("部门 Departments"), departments, {}, "部门 Departments")
    days = book.create_sheet("每日 Daily")
    _header(days, ["日期 date", *[f"{MEDIUM_NAMES[m]} ({UNITS[m]})" for m in MEDIA]])
    for day, values in daily:
        days.append([day, *[values.get(m, 0.0) for m in MEDIA]])
    if daily:
        chart = LineChart()
        chart.title = "每日用电 Daily electricity (kWh)"
        chart.y_axis.title = "kWh"
        chart.add_data(
            Reference(days, min_col=2, min_row=1, max_row=1 + len(daily)), titles_from_data=True
        )
        chart.set_categories(Reference(days, min_col=1, min_row=2, max_row=1 + len(daily)))
        chart.height, chart.width = 8, 18
        days.add_chart(chart, "G2")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
