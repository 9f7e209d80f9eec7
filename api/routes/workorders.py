"""Work orders: list, update (status open → in_progress → done, assignee, notes), rounds."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.deps import DevicesDep, QueriesDep
from api.security import PrincipalDep
from twin.devices.workorders import WorkOrder

router = APIRouter(tags=["work orders"])


class NoteOut(BaseModel):
    at: datetime
    by: str
    text: str


class WorkOrderOut(BaseModel):
    id: str
    building_id: str
    title: str
    status: str
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


class WorkOrderUpdate(BaseModel):
    """The actor (and a note's author) is always the key's name."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["open", "in_progress", "done"] | None = None
    assignee: str | None = Field(None, max_length=128)
    note: str | None = Field(None, max_length=4000)


def work_order_out(order: WorkOrder) -> WorkOrderOut:
    return WorkOrderOut.model_validate(order, from_attributes=True)


@router.get("/work-orders")
def list_work_orders(
    service: DevicesDep,
    principal: PrincipalDep,
    building: str | None = None,
    status: Literal["open", "in_progress", "done", "active"] | None = None,
) -> list[WorkOrderOut]:
    """Work orders, oldest first; ``status=active`` means not done."""
    found = service.work_orders(building_id=building, status=status)
    return [work_order_out(o) for o in found if principal.covers(o.building_id)]


@router.get("/work-orders/round")
async def plan(
    building: str, start: str, queries: QueriesDep, service: DevicesDep, principal: PrincipalDep
) -> dict[str, Any]:
    """A maintenance round from ``start`` (a room, door, equipment, ``outside``...) over the
    building's active work orders, in the order that keeps the walk short; lifts whose
    devices report a fault are out of service. Same shape as ``/buildings/{id}/rounds``,
    plus the work orders of each stop."""
    principal.check_building(building)
    orders = service.work_orders(building_id=building, status="active")
    # One stop per place: several orders on one device or room are one visit.
    by_place: dict[str, list[str]] = {}
    for order in orders:
        by_place.setdefault(order.global_id or order.space_id or order.id, []).append(order.id)
    targets = [f"work-order:{ids[0]}" for ids in by_place.values()]
    if not targets:
        return {"start": start, "order": [], "legs": [], "work_orders": {}}
    result = await run_in_threadpool(lambda: queries.round(building, start, targets))
    result["work_orders"] = by_place
    return result


@router.get("/work-orders/{order_id}")
def get_work_order(order_id: str, service: DevicesDep, principal: PrincipalDep) -> WorkOrderOut:
    order = service.work_order(order_id)
    principal.check_building(order.building_id)
    return work_order_out(order)


@router.patch("/work-orders/{order_id}")
async def update_work_order(
    order_id: str, body: WorkOrderUpdate, service: DevicesDep, principal: PrincipalDep
) -> WorkOrderOut:
    """Move a work order on, reassign it or add a note (answered once stored)."""
    principal.check_building(service.work_order(order_id).building_id)
    order, stored = service.update_work_order(
        order_id,
        by=principal.name,
        status=body.status,
        assignee=body.assignee,
        note=body.note,
    )
    await asyncio.wrap_future(stored)
    return work_order_out(order)
