"""Answers of the energy routes: consumption, series, intensity, quotas, anomalies."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field

from api.schemas.common import Out


class EnergyRow(Out):
    """One group: consumption in the medium's unit, per m² of usable area, per
    person allocated on the range's last day, in and out of working hours."""

    key: str
    consumption: float
    per_m2: float | None
    per_person: float | None
    working_hours: float
    non_working_hours: float
    area_m2: float
    persons: int
    kgce: float
    co2_kg: float
    cost: float | None
    label: str | None = Field(None, description="by=room: the room's number and name")
    storey: str | None = Field(None, description="by=room: the room's storey")


class MeterLoss(Out):
    """A parent meter against its sub-meters: what they do not account for."""

    meter: str
    consumption: float
    sub_meters: float
    loss: float
    loss_share: float | None


class EnergyOut(Out):
    """Consumption of ``medium`` over ``[from, to)`` grouped ``by``; ``total`` is what
    the top-level meters counted, ``unmetered`` parents less their sub-meters."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    building: str
    by: str
    from_: str = Field(alias="from")
    to: str
    medium: str
    unit: str
    rows: list[EnergyRow]
    total: float
    unmetered: float
    unmetered_by_meter: list[MeterLoss]
    working_hours: float
    non_working_hours: float
    per_m2: float | None
    per_person: float | None
    kgce: float
    co2_kg: float
    cost: float | None
    currency: str
    persons_on: str
    meters: int
    warnings: list[str]


class SeriesPoint(Out):
    """The building's consumption in one hour, local day or month from ``start``."""

    start: str
    consumption: float
    working_hours: float
    non_working_hours: float


class EnergySeriesOut(Out):
    """The building's consumption (its top-level meters) per period."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    building: str
    medium: str
    unit: str
    period: str
    from_: str = Field(alias="from")
    to: str
    points: list[SeriesPoint]


class RoomIntensity(Out):
    """One metered room's consumption and consumption per m²."""

    global_id: str
    label: str | None
    storey: str | None
    consumption: float
    area_m2: float
    per_m2: float | None


class EnergyIntensityOut(Out):
    """Consumption per m² of every metered room (the viewer's heat map)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    building: str
    medium: str
    unit: str
    from_: str = Field(alias="from")
    to: str
    min: float | None
    max: float | None
    rooms: list[RoomIntensity]


class QuotaOut(Out):
    """One annual quota of an organisation against the year to date and its projection."""

    measure: str = Field(description="a medium, or kgce over every medium")
    basis: str = Field(description="per_person or per_m2")
    limit: float
    allowance: float
    to_date: float
    projection: float
    share_to_date: float | None
    over: bool = Field(description="the projection exceeds the allowance")
    over_now: bool = Field(description="the year to date already exceeds it")


class OrganisationQuotasOut(Out):
    organisation: str
    persons: int
    area_m2: float
    quotas: list[QuotaOut]
    over: bool


class EnergyQuotasOut(Out):
    """Each organisation's quotas from 1 January to ``as_of``."""

    year: int
    as_of: date
    elapsed_share: float | None
    source: str = Field(description="where the quotas come from")
    organisations: list[OrganisationQuotasOut]
    over: list[str] = Field(description="organisations projected over a quota")


class AnomalyRoom(Out):
    global_id: str
    label: str


class AnomalyOut(Out):
    """One anomaly of one meter on one local day (``night``: values per hour)."""

    kind: str
    device_id: str
    point: str
    medium: str
    day: date
    value: float
    baseline: float
    rooms: list[AnomalyRoom]
    reason: str
