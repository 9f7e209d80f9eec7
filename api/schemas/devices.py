"""Devices: live state, history, binding, live occupancy, energy, readings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Out
from twin.devices.ingestion import MAX_BATCH_READINGS
from twin.devices.pipeline import MAX_REPORTED_ERRORS


class PointOut(Out):
    """A point's latest value in its unit, when it was measured and its alarm level."""

    value: float | bool
    unit: str
    ts: datetime
    level: str = Field(description="normal, warning or alarm")


class DeviceOut(Out):
    """A device's live state: status, why, and the latest value of each point."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "device_id": "TS-0312",
                    "building_id": "demo",
                    "global_id": "1kTvXnbbzCWw8lcMd1dR4o",
                    "status": "warning",
                    "reason": "temp 27.5 degC above 26",
                    "reason_code": "above",
                    "reason_params": {
                        "point": "temp",
                        "value": 27.5,
                        "unit": "degC",
                        "limit": 26.0,
                    },
                    "points": {
                        "temp": {
                            "value": 27.5,
                            "unit": "degC",
                            "ts": "2026-01-05T08:00:00Z",
                            "level": "warning",
                        }
                    },
                }
            ]
        }
    )

    device_id: str
    building_id: str
    global_id: str | None
    status: str = Field(description="normal, warning, alarm or offline")
    reason: str = Field(description="why, in English (see reason_code); empty when normal")
    reason_code: str | None = Field(
        default=None,
        description="the reason's stable code, as an alarm's (above, below, state, offline, "
        "patrol); null for a free text or no reason",
    )
    reason_params: dict[str, Any] = Field(
        default_factory=dict, description="the code's parameters, as an alarm's"
    )
    points: dict[str, PointOut]


class HistoryPoint(Out):
    """One stored reading."""

    point: str
    ts: datetime
    value: float


class BindingOut(Out):
    """How the building's devices were bound to model elements, and what stayed unbound."""

    devices: int
    by_method: dict[str, int] = Field(description="binding method (global_id, tag, ...) → devices")
    unbound_devices: list[str]
    unbound_equipment: list[str] = Field(description="GlobalIds of equipment with no device")


class LiveOccupancyOut(Out):
    """A room's live occupancy from its sensor."""

    space_id: str
    count: float
    occupied: bool
    ts: datetime


class StatusCounts(Out):
    """Devices in each status."""

    normal: int
    warning: int
    alarm: int
    offline: int


class ReadingIn(BaseModel):
    """One reading (documentation of the body; items are checked one by one by the twin)."""

    device_id: str
    ts: str = Field(description="ISO-8601 time with a UTC offset, e.g. 2026-11-25T08:00:00Z")
    values: dict[str, float | bool] = Field(description="point name → value in the point's unit")


class ReadingsBatch(BaseModel):
    readings: list[ReadingIn] = Field(max_length=MAX_BATCH_READINGS)


class ItemRejection(Out):
    """One rejected reading of a batch."""

    index: int = Field(description="position of the reading in the batch, from 0")
    reason: str
    detail: str


class IngestAnswer(Out):
    """What a batch of readings did."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "accepted": 998,
                    "rejected": {"unknown_device": 2},
                    "rejected_total": 2,
                    "errors": [
                        {"index": 5, "reason": "unknown_device", "detail": "no device 'X9'"},
                        {"index": 9, "reason": "unknown_device", "detail": "no device 'X9'"},
                    ],
                }
            ]
        }
    )

    accepted: int
    rejected: dict[str, int] = Field(description="rejected readings per reason")
    rejected_total: int
    errors: list[ItemRejection] = Field(
        description=f"the first {MAX_REPORTED_ERRORS} rejected readings, with index and reason"
    )


class BuildingRejectionsOut(Out):
    """One building's counters."""

    accepted: int
    rejected: dict[str, int]


class RejectionsOut(Out):
    """Readings accepted, and rejected per reason, since the service started (counters:
    one per reason, so this never grows), in total and per building."""

    accepted: int
    rejected: dict[str, int]
    by_building: dict[str, BuildingRejectionsOut]
