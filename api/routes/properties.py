"""Full properties of an element: property sets, quantities, type, classification."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.errors import problem_responses
from api.security import BuildingsRead
from twin.buildings.properties import ElementProperties

router = APIRouter(tags=["spaces"], responses=problem_responses(401, 403, 404, 422))


def get_properties(request: Request) -> ElementProperties:
    return request.app.state.properties


PropertiesDep = Annotated[ElementProperties, Depends(get_properties)]


class TypeRef(BaseModel):
    global_id: str
    ifc_class: str
    name: str


class QuantityOut(BaseModel):
    value: float = Field(description="in SI units: m, m², m³ (kg, s as written)")
    unit: str


class ElementPropertiesOut(BaseModel):
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


class ElementName(BaseModel):
    global_id: str
    ifc_class: str
    name: str
    storey: str | None = Field(description="storey name")


@router.get("/buildings/{building_id}/element-names")
async def list_element_names(
    building_id: str, properties: PropertiesDep, _: BuildingsRead
) -> list[ElementName]:
    """GlobalId, class, name and storey of every product of the model (the labels of a
    model tree); read with the full properties, so the first call for a building waits."""
    rows = await run_in_threadpool(properties.names, building_id)
    return [ElementName.model_validate(row) for row in rows]


@router.get("/buildings/{building_id}/elements/{global_id}/properties")
async def get_element_properties(
    building_id: str, global_id: str, properties: PropertiesDep, _: BuildingsRead
) -> ElementPropertiesOut:
    """Property sets, quantities, type and classification of any product of the model
    (read from the IFC files once, then cached; the first call for a building waits)."""
    data = await run_in_threadpool(properties.get, building_id, global_id)
    return ElementPropertiesOut.model_validate(data)
