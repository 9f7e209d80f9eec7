"""Work orders: list, update (status open → in_progress → done, assignee, notes), rounds."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.deps import DevicesDep, QueriesDep
from api.pages import PAGE_RESPONSE, PageDep, send_page
from api.schemas.alarms import WorkOrderOut
from api.schemas.routes import PlaceOut, RoundOut, WorkOrderRoundOut
from api.security import PrincipalDep
from twin.devices.workorders import WorkOrder
from twin.store.pages import instant_key, paginate

router = APIRouter(tags=["work orders"])


class WorkOrderUpdate(BaseModel):
    """The actor (and a note's author) is always the key's name."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["open", "in_progress", "done"] | None = None
    assignee: str | None = Field(None, max_length=128)
    note: str | None = Field(None, max_length=4000)


def work_order_out(order: WorkOrder) -> WorkOrderOut:
    return WorkOrderOut.model_validate(order, from_attributes=True)


@router.get("/work-orders", responses={200: PAGE_RESPONSE})
def list_work_orders(
    request: Request,
    response: Response,
    service: DevicesDep,
    principal: PrincipalDep,
    page: PageDep,
    building: str | None = None,
    status: Literal["open", "in_progress", "done", "active"] | None = None,
) -> list[WorkOrderOut]:
    """Work orders, oldest first (by time created, then id); ``status=active`` means not
    done. Paginated (``limit``, ``cursor``; see the ``Link`` header)."""
    found = [
        o
        for o in service.work_orders(building_id=building, status=status)
        if principal.covers(o.building_id)
    ]
    chosen = paginate(
        found, key=lambda o: (instant_key(o.created_at), o.id), limit=page.limit, cursor=page.cursor
    )
    return [work_order_out(o) for o in send_page(chosen, request, response)]


@router.get("/work-orders/round")
async def plan_work_order_round(
    building: str, start: str, queries: QueriesDep, service: DevicesDep, principal: PrincipalDep
) -> WorkOrderRoundOut:
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
        navigator = queries.navigator(building)
        place = await run_in_threadpool(lambda: navigator.router.resolve(navigator.resolve(start)))
        here = PlaceOut.model_validate(place)
        return WorkOrderRoundOut(
            start=here,
            order=[],
            length_m=0.0,
            time_s=0.0,
            naive_length_m=0.0,
            naive_time_s=0.0,
            legs=[],
            lifts_out_of_service=[],
            work_orders={},
        )
    answer = await run_in_threadpool(lambda: queries.navigator(building).round(start, targets))
    return WorkOrderRoundOut(**dict(RoundOut.model_validate(answer)), work_orders=by_place)


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
