"""Alarms: list, acknowledge, clear, and turn into a work order."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import DevicesDep
from api.routes.workorders import WorkOrderOut, work_order_out
from api.security import PrincipalDep
from twin.devices.alarms import Alarm

router = APIRouter(tags=["alarms"])


class AlarmOut(BaseModel):
    id: str
    building_id: str
    device_id: str
    global_id: str | None
    point: str
    kind: str
    severity: str
    state: str
    reason: str
    active: bool
    raised_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    cleared_at: datetime | None = None
    cleared_by: str | None = None


class AlarmAction(BaseModel):
    """The actor is always the key's name; ``note`` is free text kept beside it in the
    audit log (e.g. who at the desk did it)."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=1000)


class WorkOrderFromAlarm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee: str | None = Field(None, max_length=128)
    title: str | None = Field(None, max_length=400)


def keep_note(request: Request, body: AlarmAction | None) -> None:
    """Hand the caller's note to the audit of this request (``api.metrics``)."""
    if body is not None and body.note:
        request.state.audit_note = body.note


def alarm_out(alarm: Alarm) -> AlarmOut:
    return AlarmOut.model_validate(alarm, from_attributes=True)


@router.get("/alarms")
def list_alarms(
    service: DevicesDep,
    principal: PrincipalDep,
    building: str | None = None,
    state: Literal["open", "raised", "acknowledged", "cleared"] | None = None,
    device_id: str | None = None,
) -> list[AlarmOut]:
    """Alarms, newest first; ``state=open`` means raised or acknowledged."""
    found = service.alarms(building_id=building, state=state, device_id=device_id)
    return [alarm_out(a) for a in found if principal.covers(a.building_id)]


@router.get("/alarms/{alarm_id}")
def get_alarm(alarm_id: str, service: DevicesDep, principal: PrincipalDep) -> AlarmOut:
    alarm = service.alarm(alarm_id)
    principal.check_building(alarm.building_id)
    return alarm_out(alarm)


@router.post("/alarms/{alarm_id}/acknowledge")
async def acknowledge(
    alarm_id: str,
    request: Request,
    service: DevicesDep,
    principal: PrincipalDep,
    body: AlarmAction | None = None,
) -> AlarmOut:
    """Acknowledge a raised alarm as the key (answered once stored)."""
    principal.check_building(service.alarm(alarm_id).building_id)
    keep_note(request, body)
    alarm, stored = service.acknowledge(alarm_id, principal.name)
    await asyncio.wrap_future(stored)
    return alarm_out(alarm)


@router.post("/alarms/{alarm_id}/clear")
async def clear(
    alarm_id: str,
    request: Request,
    service: DevicesDep,
    principal: PrincipalDep,
    body: AlarmAction | None = None,
) -> AlarmOut:
    """Clear an open alarm by hand, as the key (answered once stored)."""
    principal.check_building(service.alarm(alarm_id).building_id)
    keep_note(request, body)
    alarm, stored = service.clear(alarm_id, principal.name)
    await asyncio.wrap_future(stored)
    return alarm_out(alarm)


@router.post("/alarms/{alarm_id}/work-order", status_code=201)
async def to_work_order(
    alarm_id: str,
    service: DevicesDep,
    principal: PrincipalDep,
    body: WorkOrderFromAlarm | None = None,
) -> WorkOrderOut:
    """Make a work order from an alarm."""
    body = body or WorkOrderFromAlarm()
    principal.check_building(service.alarm(alarm_id).building_id)
    order, stored = service.create_work_order(
        alarm_id, by=principal.name, assignee=body.assignee, title=body.title
    )
    await asyncio.wrap_future(stored)
    return work_order_out(order)
