"""Viewpoints (camera + selection, BCF style) saved on a work order and reopened from it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import DevicesDep
from api.schemas.viewer import ViewpointOut
from api.security import PrincipalDep
from twin.devices.viewpoints import Viewpoint, ViewpointStore

router = APIRouter(tags=["work orders"])

Vector = Annotated[list[float], Field(min_length=3, max_length=3)]


def get_viewpoints(request: Request) -> ViewpointStore:
    return request.app.state.viewpoints


ViewpointsDep = Annotated[ViewpointStore, Depends(get_viewpoints)]


class ClippingPlaneIn(BaseModel):
    """A section plane: a point on it and its normal (world metres, Z up)."""

    model_config = ConfigDict(extra="forbid")

    location: Vector = Field(description="a point on the plane [x, y, z], m")
    direction: Vector = Field(description="its normal [x, y, z], towards the cut-away side")
    axis: Literal["x", "y", "z"] | None = Field(None, description="the model axis it cuts across")
    flipped: bool = Field(False, description="the kept side is reversed")


class ViewpointIn(BaseModel):
    """A view in the building's world frame (metres, Z up). Its author is always the
    key's name."""

    model_config = ConfigDict(extra="forbid")

    camera_view_point: Vector = Field(description="camera position [x, y, z], m")
    camera_direction: Vector = Field(
        description="towards the orbit centre; its length is the distance to it, m"
    )
    camera_up_vector: Vector
    field_of_view_deg: float = Field(gt=1, lt=179, description="vertical, degrees")
    selection: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=1000, description="selected GlobalIds"
    )
    storey_id: str | None = Field(None, max_length=64, description="the isolated storey")
    clipping_planes: list[ClippingPlaneIn] = Field(
        default_factory=list,
        max_length=7,
        description="section planes: the viewer's section plane (with an axis) and a cut box's "
        "six faces (without one)",
    )
    title: str = Field("", max_length=200)


def _out(viewpoint: Viewpoint) -> ViewpointOut:
    return ViewpointOut.model_validate(viewpoint, from_attributes=True)


@router.get("/work-orders/{order_id}/viewpoints")
def list_viewpoints(
    order_id: str, store: ViewpointsDep, service: DevicesDep, principal: PrincipalDep
) -> list[ViewpointOut]:
    """The work order's saved viewpoints, oldest first."""
    principal.check_building(service.work_order(order_id).building_id)
    return [_out(v) for v in store.list(order_id)]


@router.post("/work-orders/{order_id}/viewpoints", status_code=201)
def add_viewpoint(
    order_id: str,
    body: ViewpointIn,
    store: ViewpointsDep,
    service: DevicesDep,
    principal: PrincipalDep,
) -> ViewpointOut:
    """Save the current view (camera, selection, storey, section planes) on a work order."""
    principal.check_building(service.work_order(order_id).building_id)
    viewpoint = store.add(
        order_id,
        by=principal.name,
        camera_view_point=tuple(body.camera_view_point),  # type: ignore[arg-type]
        camera_direction=tuple(body.camera_direction),  # type: ignore[arg-type]
        camera_up_vector=tuple(body.camera_up_vector),  # type: ignore[arg-type]
        field_of_view_deg=body.field_of_view_deg,
        selection=body.selection,
        storey_id=body.storey_id,
        clipping_planes=[plane.model_dump() for plane in body.clipping_planes],
        title=body.title,
    )
    return _out(viewpoint)
