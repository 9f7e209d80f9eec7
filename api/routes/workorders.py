"""Work orders: list, update (status open → in_progress → done, assignee, notes), rounds."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import DevicesDep, TwinDep
from api.security import PrincipalDep
from twin.devices.rounds import lifts_out_of_service, plan_round, target_node, without_links
from twin.devices.workorders import WorkOrder
from twin.registry import UnknownBuildingError

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
    by: str | None = Field(None, min_length=1, max_length=128, description="default: key name")
    status: Literal["open", "in_progress", "done"] | None = None
    assignee: str | None = None
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
async def plan(building: str, start: str, twin: TwinDep) -> dict[str, object]:
    """A maintenance round from ``start`` (a node GlobalId) over the building's active work
    orders, avoiding lifts whose devices report a fault."""
    loaded = await run_in_threadpool(twin.buildings.load, building)
    if start not in loaded.graph:
        raise UnknownBuildingError(f"no node {start!r} in building {building!r}")
    orders = twin.devices.work_orders(building_id=building, status="active")
    targets = {
        node: order.id
        for order in orders
        if (node := target_node(loaded.building, order.global_id, order.space_id))
    }
    broken = lifts_out_of_service(loaded.building, twin.devices.faulty_elements(building))
    graph = without_links(loaded.graph, broken)
    result = await run_in_threadpool(plan_round, graph, start, targets)
    return {
        "start": result.start,
        "stops": [{"node": n, "work_order": targets[n]} for n in result.stops],
        "total_s": round(result.total_s, 1),
        "unreachable": list(result.unreachable),
        "lifts_out_of_service": sorted(broken),
    }


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
        by=body.by or principal.name,
        status=body.status,
        assignee=body.assignee,
        note=body.note,
    )
    await asyncio.wrap_future(stored)
    return work_order_out(order)
