"""Walking routes and maintenance rounds through a building."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.errors import problem_responses
from api.schemas.routes import RoundOut, RouteOut
from api.security import RoutesRead

router = APIRouter(tags=["routes"], responses=problem_responses(400, 401, 403, 404, 422, 503))

REF_HELP = (
    "GlobalId, room number or name, equipment tag, 'outside', 'alarm:<id>' or 'work-order:<id>'"
)


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
    return RouteOut.model_validate(answer)


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
    return RoundOut.model_validate(answer)
