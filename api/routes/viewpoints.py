"""Viewpoints (camera + selection, BCF style) saved on a work order and reopened from it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from api.deps import DevicesDep
from api.security import PrincipalDep
from twin.devices.viewpoints import Viewpoint, ViewpointStore

router = APIRouter(tags=["work orders"])

Vector = Annotated[list[float], Field(min_length=3, max_length=3)]


def get_viewpoints(request: Request) -> ViewpointStore:
    return request.app.state.viewpoints


ViewpointsDep = Annotated[ViewpointStore, Depends(get_viewpoints)]


class ViewpointIn(BaseModel):
    """A view in the building's world frame (metres, Z up)."""

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
    clipping_planes: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=6,
        description="section planes: {location: [x, y, z], direction: [x, y, z]}",
    )
    title: str = Field("", max_length=200)
    by: str | None = Field(None, min_length=1, max_length=128, description="default: key name")


class ViewpointOut(BaseModel):
    id: str
    work_order_id: str
    created_at: datetime
    created_by: str
    camera_view_point: list[float]
    camera_direction: list[float]
    camera_up_vector: list[float]
    field_of_view_deg: float
    selection: list[str]
    storey_id: str | None
    clipping_planes: list[dict[str, Any]]
    title: str


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
        by=body.by or principal.name,
        camera_view_point=tuple(body.camera_view_point),  # type: ignore[arg-type]
        camera_direction=tuple(body.camera_direction),  # type: ignore[arg-type]
        camera_up_vector=tuple(body.camera_up_vector),  # type: ignore[arg-type]
        field_of_view_deg=body.field_of_view_deg,
        selection=body.selection,
        storey_id=body.storey_id,
        clipping_planes=body.clipping_planes,
        title=body.title,
    )
    return _out(viewpoint)
