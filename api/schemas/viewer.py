"""The viewer's tools: element properties and names, room heat maps, viewpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from api.schemas.common import Out


class TypeRef(Out):
    """An element's type object."""

    global_id: str
    ifc_class: str
    name: str


class QuantityOut(Out):
    value: float = Field(description="in SI units: m, m², m³ (kg, s as written)")
    unit: str


class ElementPropertiesOut(Out):
    """Everything the model says about one element, for a properties panel."""

    global_id: str
    ifc_class: str
    name: str
    description: str
    object_type: str
    tag: str
    predefined_type: str
    storey: str | None
    type: TypeRef | None
    property_sets: dict[str, dict[str, Any]] = Field(
        description="set → property → value, in the file's units; the type's values "
        "are inherited, the element's own override them"
    )
    quantities: dict[str, dict[str, QuantityOut]]
    classifications: list[str] = Field(description='"code name" of each reference')


class ElementName(Out):
    """A model tree's label of one product."""

    global_id: str
    ifc_class: str
    name: str
    storey: str | None = Field(description="storey name")


class RoomValueOut(Out):
    global_id: str = Field(description="the room")
    value: float | None = Field(description="mean of its sensors; null: no recent reading")
    ts: datetime | None = Field(description="the newest reading used")
    devices: list[str]


class HeatMapOut(Out):
    """Rooms that have a sensor of ``quantity``; rooms not listed have none."""

    quantity: str
    unit: str
    at: datetime
    max_age_s: float
    rooms: list[RoomValueOut]
    history_start: datetime | None = Field(description="oldest stored reading of these sensors")
    history_end: datetime | None = Field(description="newest stored reading of these sensors")


class ClippingPlaneOut(Out):
    """A section plane: a point on it and its normal (world metres, Z up)."""

    location: list[float] = Field(description="a point on the plane [x, y, z], m")
    direction: list[float] = Field(description="its normal [x, y, z], towards the cut-away side")
    axis: str | None = Field(None, description="the model axis it cuts across (x, y or z)")
    flipped: bool = Field(False, description="the kept side is reversed")


class ViewpointOut(Out):
    """A view saved on a work order (world metres, Z up); ``created_by`` is the key's name."""

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
    clipping_planes: list[ClippingPlaneOut]
    title: str
