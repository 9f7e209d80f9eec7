"""Walking routes and maintenance rounds."""

from __future__ import annotations

from pydantic import AliasChoices, ConfigDict, Field

from api.schemas.common import Out


class PlaceOut(Out):
    kind: str
    global_id: str
    name: str


class StepOut(Out):
    kind: str = Field(description="room, door, opening, stair, ramp, lift, outside, equipment")
    global_id: str
    name: str
    storey: str | None


class LegOut(Out):
    """A route: ordered steps, length (m), time (s) and a 3D polyline (world metres)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    # The records' names (``origin``, ``destination``) are read too; "from" is sent.
    from_: PlaceOut = Field(alias="from", validation_alias=AliasChoices("from", "origin"))
    to: PlaceOut = Field(validation_alias=AliasChoices("to", "destination"))
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
                    "steps": [
                        {
                            "kind": "outside",
                            "global_id": "outside",
                            "name": "outside",
                            "storey": None,
                        },
                        {
                            "kind": "room",
                            "global_id": "2O2Fr$t4X7Zf8NOew3FLOH",
                            "name": "0312",
                            "storey": "F03",
                        },
                    ],
                    "polyline": [[0.0, 0.0, 0.0], [12.0, 4.5, 7.2]],
                    "lifts_out_of_service": [],
                }
            ]
        },
    )

    lifts_out_of_service: list[str] = Field(description="lifts avoided: their devices fault")


class RoundOut(Out):
    """A maintenance round: visiting order, legs, and the naive order's totals."""

    start: PlaceOut
    order: list[PlaceOut]
    length_m: float
    time_s: float
    naive_length_m: float
    naive_time_s: float
    legs: list[LegOut]
    lifts_out_of_service: list[str]


class WorkOrderRoundOut(RoundOut):
    """A round over the building's active work orders; ``work_orders`` maps each stop
    (GlobalId of the equipment or room) to the work orders done there."""

    work_orders: dict[str, list[str]]
