"""Alarms and work orders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from api.schemas.common import Out


class AlarmOut(Out):
    """An alarm: raised by a device's point, acknowledged and cleared by people or by
    the value returning to normal."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "a1b2c3",
                    "building_id": "demo",
                    "device_id": "LEAK-0104",
                    "global_id": "0Lb3x8DqT9yQ2mW7nE1aZ4",
                    "point": "leak",
                    "kind": "leak",
                    "severity": "alarm",
                    "state": "raised",
                    "reason": "leak is true",
                    "reason_code": "state",
                    "reason_params": {"point": "leak", "state": True},
                    "active": True,
                    "raised_at": "2026-01-05T08:00:00Z",
                    "acknowledged_at": None,
                    "acknowledged_by": None,
                    "cleared_at": None,
                    "cleared_by": None,
                }
            ]
        },
    )

    id: str
    building_id: str
    device_id: str
    global_id: str | None
    point: str
    kind: str
    severity: str = Field(description="warning or alarm")
    state: str = Field(description="raised, acknowledged or cleared")
    reason: str = Field(description="the reason in English (see reason_code)")
    reason_code: str | None = Field(
        default=None,
        description="the reason's stable code (above, below, state, offline, patrol; "
        "energy anomalies: night, jump, submeters), null for a free text; a client writes "
        "the reason in its language from it",
    )
    reason_params: dict[str, Any] = Field(
        default_factory=dict,
        description="the code's parameters: point, value, unit, limit (above, below); "
        "point, state (state); seconds (offline); rule, conditions (patrol); medium, day, "
        "value, unit, baseline, rooms, more_rooms (night, jump); meters, value, unit, day, "
        "parent, baseline (submeters)",
    )
    active: bool = Field(description="the condition still holds")
    raised_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    cleared_at: datetime | None = None
    cleared_by: str | None = None


class NoteOut(Out):
    at: datetime
    by: str
    text: str


class WorkOrderOut(Out):
    """A work order: ``open`` → ``in_progress`` → ``done``, usually made from an alarm."""

    id: str
    building_id: str
    title: str
    reason_code: str | None = Field(
        default=None,
        description="for a title made from an alarm (<device>: <reason>), the reason's code "
        "(as an alarm's reason_code); null for a typed title",
    )
    reason_params: dict[str, Any] = Field(
        default_factory=dict, description="that reason's parameters"
    )
    status: str = Field(description="open, in_progress or done")
    assignee: str | None
    alarm_id: str | None
    device_id: str | None
    global_id: str | None
    space_id: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    done_at: datetime | None
    notes: list[NoteOut]
