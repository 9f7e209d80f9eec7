"""Full properties of an element: property sets, quantities, type, classification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from api.errors import problem_responses
from api.schemas.viewer import ElementName, ElementPropertiesOut
from api.security import BuildingsRead
from twin.buildings.properties import ElementProperties

router = APIRouter(tags=["spaces"], responses=problem_responses(401, 403, 404, 422))


def get_properties(request: Request) -> ElementProperties:
    return request.app.state.properties


PropertiesDep = Annotated[ElementProperties, Depends(get_properties)]


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
