"""Usable area (使用面积) of rooms, and how it compares with the model's own figures.

The usable area is the net floor area inside the room's walls. The project
takes it from the room's **footprint** — the plan outline of the IfcSpace
body, drawn by the authoring tool at the inner wall faces — because geometry
is always current and is measured the same way whatever tool wrote the
model. Where a space has no body, the model's own net floor area is used and
the source says so. See the README ("Which area is the usable area") for the
measurements behind this choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from spatial.records import Space

AreaSource = Literal["footprint", "model_net_floor_area", "none"]

#: Model quantities that mean the net floor area, most trusted first.
NET_AREA_KEYS = (
    "Qto_SpaceBaseQuantities.NetFloorArea",
    "BaseQuantities.NetFloorArea",
)
#: Model values compared with the footprint when a model states no net area:
#: gross floor area (ArchiCAD writes it at the faces its body is drawn at) and
#: Revit's room area (measured at the wall centre lines in our samples).
COMPARED_AREA_KEYS = (
    *NET_AREA_KEYS,
    "Qto_SpaceBaseQuantities.GrossFloorArea",
    "BaseQuantities.GrossFloorArea",
    "PSet_Revit_Dimensions.Area",
    "Dimensions.Area",
)


@dataclass(frozen=True, slots=True)
class UsableArea:
    """A room's usable area in m² and where it came from."""

    area_m2: float | None
    source: AreaSource


def usable_area(space: Space) -> UsableArea:
    """The usable area of ``space``: its footprint area, else the model's net floor area."""
    if space.footprint is not None:
        return UsableArea(float(space.footprint.area), "footprint")
    for key in NET_AREA_KEYS:
        if key in space.model_areas:
            return UsableArea(float(space.model_areas[key]), "model_net_floor_area")
    return UsableArea(None, "none")


def model_area_for_comparison(space: Space) -> tuple[str, float] | None:
    """The model's own area value to compare the footprint with, and its key."""
    for key in COMPARED_AREA_KEYS:
        if key in space.model_areas:
            return key, float(space.model_areas[key])
    return None


def relative_difference(measured: float, reference: float) -> float:
    """``(measured - reference) / reference``; ``inf`` for a zero reference."""
    return float("inf") if reference == 0 else (measured - reference) / reference
