"""Devices: live state, history, binding and occupancy (energy: ``api.routes.energy``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import DevicesDep
from api.security import PrincipalDep
from twin.devices.state import DeviceState, from_us

router = APIRouter(tags=["devices"])


class PointOut(BaseModel):
    value: float | bool
    unit: str
    ts: datetime
    level: str


class DeviceOut(BaseModel):
    device_id: str
    building_id: str
    global_id: str | None
    status: str
    reason: str
    points: dict[str, PointOut]


def _device_out(state: DeviceState) -> DeviceOut:
    return DeviceOut(
        device_id=state.device_id,
        building_id=state.building_id,
        global_id=state.global_id,
        status=state.status,
        reason=state.reason,
        points={
            name: PointOut(value=p.value, unit=p.unit, ts=p.ts, level=p.level)
            for name, p in state.points.items()
        },
    )


@router.get("/devices")
def list_devices(
    service: DevicesDep,
    principal: PrincipalDep,
    building: str | None = None,
    status: str | None = None,
    unbound: bool = False,
) -> list[DeviceOut]:
    """Devices with their live state; ``unbound=true`` lists only devices bound to nothing."""
    states = [s for s in service.states(building) if principal.covers(s.building_id)]
    if status is not None:
        states = [s for s in states if s.status == status]
    if unbound:
        states = [s for s in states if s.global_id is None]
    return [_device_out(s) for s in states]


@router.get("/devices/{device_id}")
def get_device(device_id: str, service: DevicesDep, principal: PrincipalDep) -> DeviceOut:
    """A device's status, reason and latest value of each point."""
    state = service.state(device_id)
    principal.check_building(state.building_id)
    return _device_out(state)


@router.get("/devices/{device_id}/history")
def get_history(
    device_id: str,
    service: DevicesDep,
    principal: PrincipalDep,
    point: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[dict[str, Any]]:
    """Stored readings of a device, oldest first."""
    principal.check_building(service.device(device_id).building_id)  # 404 when unknown
    rows = service.history([device_id], point=point, start=start, end=end)
    return [{"point": p, "ts": from_us(ts).isoformat(), "value": v} for _, p, ts, v in rows]


@router.get("/binding")
def get_binding(building: str, service: DevicesDep) -> dict[str, Any]:
    """How the building's devices were bound, and what stayed unbound on both sides."""
    report = service.binding_report(building)
    if report is None:
        return {"devices": 0, "by_method": {}, "unbound_devices": [], "unbound_equipment": []}
    return {
        "devices": len(report.devices),
        "by_method": dict(report.by_method),
        "unbound_devices": list(report.unbound_devices),
        "unbound_equipment": list(report.unbound_equipment),
    }


@router.get("/occupancy")
def get_occupancy(building: str, service: DevicesDep) -> list[dict[str, Any]]:
    """Live occupancy of the rooms that have an occupancy sensor."""
    return [
        {"space_id": o.space_id, "count": o.count, "occupied": o.occupied, "ts": o.ts.isoformat()}
        for o in service.occupancy(building).values()
    ]


@router.get("/devices-summary")
def summary(
    service: DevicesDep, principal: PrincipalDep, building: str | None = None
) -> dict[str, int]:
    """How many devices are in each status."""
    counts: dict[str, int] = {"normal": 0, "warning": 0, "alarm": 0, "offline": 0}
    for state in service.states(building):
        if not principal.covers(state.building_id):
            continue
        counts[state.status] += 1
    return counts
