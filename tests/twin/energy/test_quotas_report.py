"""Quotas against the year to date, and the monthly XLSX report."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from tests.twin.energy.helpers import ALLOCATIONS, AREAS, END, ORG_X, building, devices, readings
from tests.twin.energy.test_consumption import rooms
from twin.devices.store import BatchWriter
from twin.energy.config import Quota


@pytest.fixture
def loaded(engine):  # type: ignore[no-untyped-def]
    from tests.twin.energy.helpers import energy_service

    BatchWriter(engine).submit_readings(readings()).result(30)
    service = energy_service(engine)
    service.data = replace(
        service.data,
        quotas={
            ORG_X: (
                Quota("electricity", "per_m2", 2.0),
                Quota("kgce", "per_person", 100.0),
                Quota("water", "per_person", 50.0),
            )
        },
    )
    site = service.site("K", building(), devices=devices(), allocations=ALLOCATIONS)
    return service, site


def test_quotas_year_to_date_projection_and_flag(loaded):
    service, site = loaded
    status = service.quotas(site, as_of=END)
    assert status["year"] == 2026 and status["as_of"] == "2026-09-28"
    (org,) = status["organisations"]
    assert org["organisation"] == ORG_X and org["persons"] == 3
    area = AREAS["R101"] + AREAS["R102"]
    assert org["area_m2"] == area
    quotas = {q["measure"]: q for q in org["quotas"]}
    # The year to date also holds F2's first reading (an interval meter's 2 kWh closing
    # at 23:00 before START), which leaves 2 kWh less of MAIN's own for the building.
    electricity = rooms()["R101"] + rooms()["R102"] - 2.0 * area / sum(AREAS.values())
    scale = 365 / 271  # 1 January to 28 September: 271 days of 365
    assert quotas["electricity"]["allowance"] == pytest.approx(2.0 * area)
    assert quotas["electricity"]["to_date"] == pytest.approx(electricity, abs=1e-5)
    assert quotas["electricity"]["projection"] == pytest.approx(electricity * scale, abs=1e-4)
    assert quotas["electricity"]["over"] and quotas["electricity"]["over_now"]
    water = 30.0 * area / sum(AREAS.values())
    assert quotas["water"]["to_date"] == pytest.approx(water, abs=1e-6)
    assert not quotas["water"]["over"]
    kgce = electricity * 0.1229 + water * 0.0857
    assert quotas["kgce"]["to_date"] == pytest.approx(kgce, abs=1e-5)
    assert quotas["kgce"]["allowance"] == pytest.approx(300.0)
    assert status["over"] == [ORG_X]


def test_monthly_report_is_a_workbook_with_charts(loaded):
    service, site = loaded
    body = service.report(site, "2026-09")
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == [
        "概况 Summary",
        "单位 Organisations",
        "部门 Departments",
        "每日 Daily",
    ]
    summary = book["概况 Summary"]
    electricity = next(r for r in summary.iter_rows(values_only=True) if r[0] == "电 electricity")
    assert electricity[2] == pytest.approx(6.0 * 120)  # the month holds all known readings
    daily = list(book["每日 Daily"].iter_rows(min_row=2, values_only=True))
    # The 23rd holds the first readings (23:00), which open the counters' first steps.
    assert [d[0] for d in daily] == [f"2026-09-{d}" for d in range(23, 29)]
    assert [d[1] for d in daily] == pytest.approx([0.0] + [144.0] * 5)
    organisations = {
        r[0]: r for r in book["单位 Organisations"].iter_rows(min_row=3, values_only=True)
    }
    assert organisations[ORG_X][-1] == "是 yes"
    assert len(book["单位 Organisations"]._charts) == 1
    assert len(book["部门 Departments"]._charts) == 1
    assert len(book["每日 Daily"]._charts) == 1
