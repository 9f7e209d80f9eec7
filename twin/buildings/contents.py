"""What is in a building, storey by storey: the tree ``twin info`` prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from spatial.areas import usable_area
from spatial.records import Building, Equipment


@dataclass(frozen=True)
class RoomEntry:
    """A room: its label (number and name), usable area (m², ``None`` when the model
    gives none) and how much equipment it holds."""

    label: str
    area_m2: float | None
    equipment: int


@dataclass(frozen=True)
class StoreyEntry:
    """A storey: name, elevation (m, world frame) and its rooms sorted by number."""

    name: str
    elevation_m: float
    rooms: tuple[RoomEntry, ...]


@dataclass(frozen=True)
class Contents:
    """The building's storeys and the equipment that lies in no room."""

    name: str
    schema: str
    storeys: tuple[StoreyEntry, ...]
    unlocated: tuple[Equipment, ...]


def building_contents(building: Building) -> Contents:
    """Storeys with their rooms (usable area, equipment count) and unlocated equipment."""
    equipment_by_space = Counter(e.space_id for e in building.equipment)
    storeys = []
    for storey in building.storeys:
        spaces = sorted(
            (s for s in building.spaces if s.storey_id == storey.global_id), key=lambda s: s.name
        )
        rooms = tuple(
            RoomEntry(s.label, usable_area(s).area_m2, equipment_by_space.get(s.global_id, 0))
            for s in spaces
        )
        storeys.append(StoreyEntry(storey.name, storey.elevation_m, rooms))
    unlocated = tuple(e for e in building.equipment if e.space_id is None)
    return Contents(building.name, building.schema, tuple(storeys), unlocated)
