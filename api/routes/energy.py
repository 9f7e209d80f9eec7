"""Energy (数字节能): consumption by building, storey, zone, department,
organisation, room type or room; the building over time; intensity per room
for the viewer's heat map; quotas; anomalies; the monthly XLSX report.

Permissions: ``devices:read`` for everything but raising anomaly alarms
(``alarms:write``). Figures are in the medium's unit over ``[from, to)``;
``from``/``to`` are ISO 8601 with an offset, on whole hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from api.deps import QueriesDep, TwinDep
from api.errors import problem_responses
from api.files import file_answer, file_route
from api.schemas.energy import (
    AnomalyOut,
    EnergyIntensityOut,
    EnergyOut,
    EnergyQuotasOut,
    EnergySeriesOut,
)
from api.schemas.media import XLSX
from api.security import Principal, require
from twin.energy.analysis import GROUP_BY, Site
from twin.energy.anomalies import Anomaly
from twin.energy.service import EnergyService

router = APIRouter(tags=["energy"], responses=problem_responses(400, 401, 403, 404, 422, 503))

EnergyRead = Annotated[Principal, Depends(require("devices:read"))]
AlarmsWrite = Annotated[Principal, Depends(require("alarms:write"))]
FROM = Query(alias="from", description="ISO 8601 with offset, a whole hour")
TO = Query(alias="to", description="ISO 8601 with offset, a whole hour (exclusive)")
Medium = Literal["electricity", "water", "gas", "heat"]


def _energy(twin: TwinDep) -> EnergyService:
    return twin.energy


EnergyDep = Annotated[EnergyService, Depends(_energy)]


def _site(building_id: str, queries: QueriesDep, energy: EnergyDep) -> Site:
    return energy.site(building_id, queries.view(building_id).building)


SiteDep = Annotated[Site, Depends(_site)]


def _anomalies_out(site: Site, found: Iterable[Anomaly]) -> list[dict[str, Any]]:
    labels = {s.global_id: s.label for s in site.building.spaces}
    return [a.to_dict(labels) for a in found]


@router.get("/buildings/{building_id}/energy", response_model=EnergyOut)
def get_energy(
    _: EnergyRead,
    site: SiteDep,
    energy: EnergyDep,
    start: Annotated[datetime, FROM],
    end: Annotated[datetime, TO],
    by: Annotated[str, Query(description=", ".join(GROUP_BY))] = "building",
    medium: Medium = "electricity",
) -> Any:
    """Consumption by building, storey, zone, department, organisation, room type or room."""
    return energy.consumption(site, by=by, start=start, end=end, medium=medium)  # type: ignore[arg-type]


@router.get("/buildings/{building_id}/energy/series", response_model=EnergySeriesOut)
def get_energy_series(
    _: EnergyRead,
    site: SiteDep,
    energy: EnergyDep,
    start: Annotated[datetime, FROM],
    end: Annotated[datetime, TO],
    medium: Medium = "electricity",
    period: Literal["hour", "day", "month"] = "day",
) -> dict[str, Any]:
    """The building's consumption per hour, local day or month (for a chart)."""
    return energy.series(site, start=start, end=end, medium=medium, period=period)


@router.get("/buildings/{building_id}/energy/intensity", response_model=EnergyIntensityOut)
def get_energy_intensity(
    _: EnergyRead,
    site: SiteDep,
    energy: EnergyDep,
    start: Annotated[datetime, FROM],
    end: Annotated[datetime, TO],
    medium: Medium = "electricity",
) -> dict[str, Any]:
    """Consumption per m² of every metered room (GlobalId → value) for the heat map."""
    return energy.intensity(site, start=start, end=end, medium=medium)


@router.get("/buildings/{building_id}/energy/quotas", response_model=EnergyQuotasOut)
def get_energy_quotas(
    _: EnergyRead, site: SiteDep, energy: EnergyDep, as_of: datetime | None = None
) -> dict[str, Any]:
    """Each organisation's annual quotas against the year to date and its projection."""
    return energy.quotas(site, as_of=as_of)


@router.get("/buildings/{building_id}/energy/anomalies", response_model=list[AnomalyOut])
def list_energy_anomalies(
    _: EnergyRead, site: SiteDep, energy: EnergyDep, day: date
) -> list[dict[str, Any]]:
    """Anomalies of a local day: night/holiday use, jumps, sub-meters above their parent."""
    return _anomalies_out(site, energy.anomalies(site, day))


@router.post("/buildings/{building_id}/energy/anomalies/raise", response_model=list[AnomalyOut])
def raise_energy_anomalies(
    _: AlarmsWrite, site: SiteDep, energy: EnergyDep, day: date
) -> list[dict[str, Any]]:
    """Raise the day's anomalies as alarms now (the twin does this every night)."""
    return _anomalies_out(site, energy.raise_anomalies(site, day))


@file_route(
    router, "/buildings/{building_id}/energy/report.xlsx", XLSX, "The monthly energy report (XLSX)"
)
def get_energy_report(
    _: EnergyRead,
    site: SiteDep,
    energy: EnergyDep,
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")],
) -> Response:
    """The monthly report (per organisation and department, with charts) as XLSX."""
    body = energy.report(site, month)
    return file_answer(body, XLSX, filename=f"energy-{site.building_id}-{month}.xlsx")
