"""Walking routes and maintenance rounds through a building."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.errors import problem_responses
from api.security import RoutesRead

router = APIRouter(tags=["routes"], responses=problem_responses(400, 401, 403, 404, 422, 503))

REF_HELP = (
    "GlobalId, room number or name, equipment tag, 'outside', 'alarm:<id>' or 'work-order:<id>'"
)


class PlaceOut(BaseModel):
    kind: str
    global_id: str
    name: str


class StepOut(BaseModel):
    kind: str = Field(description="room, door, opening, stair, ramp, lift, outside, equipment")
    global_id: str
    name: str
    storey: str | None


class LegOut(BaseModel):
    """A route: ordered steps, length (m), time (s) and a 3D polyline (world metres)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    from_: PlaceOut = Field(alias="from")
    to: PlaceOut
    length_m: float
    time_s: float
    steps: list[StepOut]
    polyline: list[list[float]] = Field(description="[x, y, z] world metres")


class RouteOut(LegOut):
    """A route: ordered steps, length (m), time (s), a 3D polyline (world metres), and
    the lifts it avoided because their devices report a fault."""

    model_config = ConfigDict(
        populate_by_name=True,
        serialize_by_alias=True,
        json_schema_extra={
            "examples": [
                {
                    "from": {"kind": "outside", "global_id": "outside", "name": "outside"},
                    "to": {"kind": "room", "global_id": "2O2Fr$t4X7Zf8NOew3FLOH", "name": "0312"},
                    "length_m": 41.2,
                    "time_s": 34.3,
                    "steps": [],
                    "polyline": [[0.0, 0.0, 0.0]],
                    "lifts_out_of_service": [],
                }
            ]
        },
    )

    lifts_out_of_service: list[str] = Field(description="lifts avoided: their devices fault")


class RoundOut(BaseModel):
    """A maintenance round: visiting order, legs, and the naive order's totals."""

    start: PlaceOut
    order: list[PlaceOut]
    length_m: float
    time_s: float
    naive_length_m: float
    naive_time_s: float
    legs: list[LegOut]
    lifts_out_of_service: list[str]


Ref = Annotated[str, Query(min_length=1, max_length=200, description=REF_HELP)]
NoStairs = Annotated[bool, Query(description="step-free: no stairs or escalators")]
Avoid = Annotated[
    list[str] | None, Query(description="room reference or room type to keep out of; repeat")
]


@router.get("/buildings/{building_id}/route")
async def get_route(
    building_id: str,
    queries: QueriesDep,
    _: RoutesRead,
    from_: Annotated[str, Query(alias="from", min_length=1, max_length=200, description=REF_HELP)],
    to: Ref,
    no_stairs: NoStairs = False,
    avoid: Avoid = None,
    out_of_service: Annotated[
        list[str] | None, Query(description="GlobalId of a door, stair or lift not to use")
    ] = None,
) -> RouteOut:
    """The quickest walking route; lifts whose devices report a fault are not used.

    ```sh
    curl -H "Authorization: Bearer $KEY" \\
      "http://127.0.0.1:8000/api/v1/buildings/demo/route?from=outside&to=0312&no_stairs=true"
    ```
    """
    answer = await run_in_threadpool(
        lambda: queries.navigator(building_id).route(
            from_,
            to,
            no_stairs=no_stairs,
            avoid=avoid or (),
            out_of_service=out_of_service or (),
        )
    )
    return RouteOut.model_validate(answer.to_dict())


@router.get("/buildings/{building_id}/rounds")
async def get_round(
    building_id: str,
    queries: QueriesDep,
    _: RoutesRead,
    from_: Annotated[str, Query(alias="from", min_length=1, max_length=200, description=REF_HELP)],
    to: Annotated[
        list[str], Query(min_length=1, max_length=100, description=f"places to visit: {REF_HELP}")
    ],
    no_stairs: NoStairs = False,
    avoid: Avoid = None,
) -> RoundOut:
    """A maintenance round from ``from`` over every ``to`` in the order that keeps the
    walk short (``to=alarm:<id>`` visits the alarm's equipment)."""
    answer = await run_in_threadpool(
        lambda: queries.navigator(building_id).round(
            from_, to, no_stairs=no_stairs, avoid=avoid or ()
        )
    )
    return RoundOut.model_validate(answer.to_dict())
