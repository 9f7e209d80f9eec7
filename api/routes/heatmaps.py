"""Heat maps of a live quantity per room at a moment, over the stored history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime
from starlette.concurrency import run_in_threadpool

from api.deps import DevicesDep
from api.schemas.viewer import HeatMapOut, RoomValueOut
from api.security import PrincipalDep
from twin.buildings.errors import BadQueryError
from twin.devices.heatmap import DEFAULT_MAX_AGE_S, Quantity, room_heat_map

router = APIRouter(tags=["devices"])

#: The longest a reading may count as current, seconds (one day).
MAX_AGE_LIMIT_S = 86_400


@router.get("/buildings/{building_id}/heatmap")
async def get_heat_map(
    building_id: str,
    service: DevicesDep,
    principal: PrincipalDep,
    quantity: Quantity = "temperature",
    at: Annotated[AwareDatetime | None, Query(description="moment (UTC; default now)")] = None,
    max_age_s: Annotated[
        float, Query(gt=0, le=MAX_AGE_LIMIT_S, description="older readings count as missing")
    ] = DEFAULT_MAX_AGE_S,
) -> HeatMapOut:
    """Each room's latest value of ``quantity`` at ``at`` (temperature °C, CO₂ ppm,
    occupancy count), for a heat map with a time slider over ``history_start`` …
    ``history_end``."""
    principal.check_building(building_id)
    try:
        moment = (
            at.astimezone(UTC) if at is not None else datetime.fromtimestamp(service.clock(), UTC)
        )
    except OverflowError:
        raise BadQueryError(f"at={at}: not a moment the history can hold") from None
    heat = await run_in_threadpool(
        lambda: room_heat_map(service, building_id, quantity, moment, max_age_s=max_age_s)
    )
    return HeatMapOut(
        quantity=heat.quantity,
        unit=heat.unit,
        at=heat.at,
        max_age_s=max_age_s,
        rooms=[
            RoomValueOut(global_id=r.space_id, value=r.value, ts=r.ts, devices=list(r.devices))
            for r in heat.rooms
        ],
        history_start=heat.history_start,
        history_end=heat.history_end,
    )
