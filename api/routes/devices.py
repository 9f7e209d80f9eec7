"""Devices: live state, history, binding and occupancy (energy: ``api.routes.energy``)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response

from api.deps import DevicesDep
from api.pages import PAGE_RESPONSE, PageDep, send_page
from api.schemas.devices import (
    BindingOut,
    DeviceOut,
    HistoryPoint,
    LiveOccupancyOut,
    PointOut,
    StatusCounts,
)
from api.security import PrincipalDep
from twin.devices.state import DeviceState, from_us
from twin.store.pages import cut, decode_cursor, paginate

router = APIRouter(tags=["devices"])


def _device_out(state: DeviceState) -> DeviceOut:
    return DeviceOut(
        device_id=state.device_id,
        building_id=state.building_id,
        global_id=state.global_id,
        status=state.status,
        reason=state.reason,
        reason_code=state.reason_code,
        reason_params=dict(state.reason_params),
        points={
            name: PointOut(value=p.value, unit=p.unit, ts=p.ts, level=p.level)
            for name, p in state.points.items()
        },
    )


@router.get("/devices", responses={200: PAGE_RESPONSE})
def list_devices(
    request: Request,
    response: Response,
    service: DevicesDep,
    principal: PrincipalDep,
    page: PageDep,
    building: str | None = None,
    status: str | None = None,
    unbound: bool = False,
) -> list[DeviceOut]:
    """Devices with their live state, by device id; ``unbound=true`` lists only devices
    bound to nothing. Paginated (``limit``, ``cursor``; see the ``Link`` header)."""
    states = [s for s in service.states(building) if principal.covers(s.building_id)]
    if status is not None:
        states = [s for s in states if s.status == status]
    if unbound:
        states = [s for s in states if s.global_id is None]
    found = paginate(states, key=lambda s: (s.device_id,), limit=page.limit, cursor=page.cursor)
    return [_device_out(s) for s in send_page(found, request, response)]


@router.get("/devices/{device_id}")
def get_device(device_id: str, service: DevicesDep, principal: PrincipalDep) -> DeviceOut:
    """A device's status, reason and latest value of each point."""
    state = service.state(device_id)
    principal.check_building(state.building_id)
    return _device_out(state)


@router.get("/devices/{device_id}/history", responses={200: PAGE_RESPONSE})
def get_history(
    device_id: str,
    request: Request,
    response: Response,
    service: DevicesDep,
    principal: PrincipalDep,
    page: PageDep,
    point: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[HistoryPoint]:
    """Stored readings of a device by point, then time (oldest first). Paginated
    (``limit``, ``cursor``; see the ``Link`` header)."""
    principal.check_building(service.device(device_id).building_id)  # 404 when unknown
    after = None
    if page.cursor is not None:
        device, name, ts_us = decode_cursor(page.cursor, arity=3)
        after = (str(device), str(name), int(ts_us))
    rows = service.history(
        [device_id], point=point, start=start, end=end, after=after, limit=page.limit + 1
    )
    found = cut(rows, key=lambda r: (r[0], r[1], r[2]), limit=page.limit)
    return [
        HistoryPoint(point=p, ts=from_us(ts), value=v)
        for _, p, ts, v in send_page(found, request, response)
    ]


@router.get("/binding")
def get_binding(building: str, service: DevicesDep) -> BindingOut:
    """How the building's devices were bound, and what stayed unbound on both sides."""
    report = service.binding_report(building)
    if report is None:
        return BindingOut(devices=0, by_method={}, unbound_devices=[], unbound_equipment=[])
    return BindingOut(
        devices=len(report.devices),
        by_method=dict(report.by_method),
        unbound_devices=list(report.unbound_devices),
        unbound_equipment=list(report.unbound_equipment),
    )


@router.get("/occupancy")
def get_occupancy(building: str, service: DevicesDep) -> list[LiveOccupancyOut]:
    """Live occupancy of the rooms that have an occupancy sensor."""
    return [LiveOccupancyOut.model_validate(o) for o in service.occupancy(building).values()]


@router.get("/devices-summary")
def count_device_statuses(
    service: DevicesDep, principal: PrincipalDep, building: str | None = None
) -> StatusCounts:
    """How many devices are in each status."""
    counts: dict[str, int] = {"normal": 0, "warning": 0, "alarm": 0, "offline": 0}
    for state in service.states(building):
        if not principal.covers(state.building_id):
            continue
        counts[state.status] += 1
    return StatusCounts(**counts)
