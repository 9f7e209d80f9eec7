"""Alarms: list, acknowledge, clear, and turn into a work order."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import DevicesDep
from api.pages import PAGE_RESPONSE, PageDep, send_page
from api.routes.workorders import work_order_out
from api.schemas.alarms import AlarmOut, WorkOrderOut
from api.security import Principal, PrincipalDep
from twin.devices.alarms import Alarm
from twin.devices.hub import DeviceService
from twin.store.pages import instant_key, paginate

router = APIRouter(tags=["alarms"])


class AlarmAction(BaseModel):
    """The actor is always the key's name; ``note`` is free text kept beside it in the
    audit log (e.g. who at the desk did it)."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=1000)


class WorkOrderFromAlarm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee: str | None = Field(None, max_length=128)
    title: str | None = Field(None, max_length=400)


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


async def _act(
    action: Callable[[str, str], tuple[Alarm, Future[None]]],
    alarm_id: str,
    request: Request,
    service: DeviceService,
    principal: Principal,
    body: AlarmAction | None,
) -> AlarmOut:
    """One alarm transition as the key, its note handed to this request's audit row
    (``api.metrics``); answered once stored."""
    principal.check_building(service.alarm(alarm_id).building_id)
    if body is not None and body.note:
        request.state.audit_note = body.note
    alarm, stored = action(alarm_id, principal.name)
    await asyncio.wrap_future(stored)
    return alarm_out(alarm)


@router.post("/alarms/{alarm_id}/acknowledge")
async def acknowledge_alarm(
    alarm_id: str,
    request: Request,
    service: DevicesDep,
    principal: PrincipalDep,
    body: AlarmAction | None = None,
) -> AlarmOut:
    """Acknowledge a raised alarm as the key (answered once stored)."""
    return await _act(service.acknowledge, alarm_id, request, service, principal, body)


@router.post("/alarms/{alarm_id}/clear")
async def clear_alarm(
    alarm_id: str,
    request: Request,
    service: DevicesDep,
    principal: PrincipalDep,
    body: AlarmAction | None = None,
) -> AlarmOut:
    """Clear an open alarm by hand, as the key (answered once stored)."""
    return await _act(service.clear, alarm_id, request, service, principal, body)


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
        alarm_id, by=principal.name, assignee=body.assignee, title=body.title
    )
    await asyncio.wrap_future(stored)
    return work_order_out(order)
