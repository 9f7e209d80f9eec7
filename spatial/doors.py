"""Doors to rooms by geometry, for models without space boundaries.

A door (or the opening it fills) spans the wall it sits in; grown by a few
centimetres, its plan outline overlaps the rooms on both sides of the wall.
"""

from __future__ import annotations

from shapely.geometry import Polygon

from spatial.constants import (
    DOOR_REACH_M,
    MIN_DOOR_OVERLAP_M2,
)
from spatial.locate import SpaceIndex


def rooms_at_door(index: SpaceIndex, storey_id: str, outline: Polygon) -> tuple[str, ...]:
    """The (at most two) rooms a door's plan outline touches, largest contact first."""
    touched = index.overlapping(storey_id, outline.buffer(DOOR_REACH_M))
    return tuple(space_id for space_id, area in touched[:2] if area >= MIN_DOOR_OVERLAP_M2)
