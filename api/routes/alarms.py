"""Alarms: list, acknowledge, clear, and turn into a work order."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api.deps import DevicesDep
from api.pages import PAGE_RESPONSE, PageDep, send_page
from api.routes.workorders import work_order_out
from api.schemas.alarms import AlarmOut, WorkOrderOut
from api.security import PrincipalDep
from twin.devices.alarms import Alarm
from twin.store.pages import instant_key, paginate

router = APIRouter(tags=["alarms"])


class Actor(BaseModel):
    by: str | None = Field(
        None, min_length=1, max_length=128, description="who does this (default: the key's name)"
    )


class WorkOrderFromAlarm(Actor):
    assignee: str | None = None
    title: str | None = None


def alarm_out(alarm: Alarm) -> AlarmOut:
    return AlarmOut.model_validate(alarm, from_attributes=True)


@router.get("/alarms", responses={200: PAGE_RESPONSE})
def list_alarms(
    request: Request,
    response: Response,
    service: DevicesDep,
    principal: PrincipalDep,
    page: PageDep,
    building: str | None = None,
    state: Literal["open", "raised", "acknowledged", "cleared"] | None = None,
    device_id: str | None = None,
) -> list[AlarmOut]:
    """Alarms, newest first (by time raised, then id); ``state=open`` means raised or
    acknowledged. Paginated (``limit``, ``cursor``; see the ``Link`` header)."""
    found = [
        a
        for a in service.alarms(building_id=building, state=state, device_id=device_id)
        if principal.covers(a.building_id)
    ]
    chosen = paginate(
        found,
        key=lambda a: (instant_key(a.raised_at), a.id),
        limit=page.limit,
        cursor=page.cursor,
        descending=True,
    )
    return [alarm_out(a) for a in send_page(chosen, request, response)]


@router.get("/alarms/{alarm_id}")
def get_alarm(alarm_id: str, service: DevicesDep, principal: PrincipalDep) -> AlarmOut:
    alarm = service.alarm(alarm_id)
    principal.check_building(alarm.building_id)
    return alarm_out(alarm)


@router.post("/alarms/{alarm_id}/acknowledge")
async def acknowledge_alarm(
    alarm_id: str, service: DevicesDep, principal: PrincipalDep, body: Actor | None = None
) -> AlarmOut:
    """Acknowledge a raised alarm (answered once stored)."""
    principal.check_building(service.alarm(alarm_id).building_id)
    alarm, stored = service.acknowledge(alarm_id, (body and body.by) or principal.name)
    await asyncio.wrap_future(stored)
    return alarm_out(alarm)


@router.post("/alarms/{alarm_id}/clear")
async def clear_alarm(
    alarm_id: str, service: DevicesDep, principal: PrincipalDep, body: Actor | None = None
) -> AlarmOut:
    """Clear an open alarm by hand (answered once stored)."""
    principal.check_building(service.alarm(alarm_id).building_id)
    alarm, stored = service.clear(alarm_id, (body and body.by) or principal.name)
    await asyncio.wrap_future(stored)
    return alarm_out(alarm)


@router.post("/alarms/{alarm_id}/work-order", status_code=201)
async def create_work_order_from_alarm(
    alarm_id: str,
    service: DevicesDep,
    principal: PrincipalDep,
    body: WorkOrderFromAlarm | None = None,
) -> WorkOrderOut:
    """Make a work order from an alarm."""
    body = body or WorkOrderFromAlarm()
    principal.check_building(service.alarm(alarm_id).building_id)
    order, stored = service.create_work_order(
        alarm_id, by=body.by or principal.name, assignee=body.assignee, title=body.title
    )
    await asyncio.wrap_future(stored)
    return work_order_out(order)
