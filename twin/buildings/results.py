"""What the building queries answer: small frozen records, one per answer kind.

These are the domain's typed results (:mod:`twin.buildings.queries` returns
them); ``api/schemas`` shapes each for HTTP once, reading their attributes.
Coordinates are world metres, areas m²; both are rounded to the precision a
model carries (:data:`COORD_DIGITS`, :data:`AREA_DIGITS`) so that answers are
stable across kernels and runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from spatial.usage import RoomUsage, UsageGroup
from twin.buildings.ingest import IngestSummary

BuildingState = Literal["ready", "loading", "failed"]
ElementKind = Literal["storey", "space", "door", "stair", "ramp", "lift", "equipment", "zone"]

#: Decimal places of coordinates (m) and areas (m²) in answers.
COORD_DIGITS = 3
AREA_DIGITS = 2

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class BuildingListing:
    """A registered building; name and counts once it is loaded (``state == "ready"``)."""

    id: str
    files: tuple[str, ...]
    state: BuildingState
    name: str | None = None
    storeys: int | None = None
    spaces: int | None = None


@dataclass(frozen=True, slots=True)
class BuildingSummary(IngestSummary):
    """The ingest summary of a registered building, with its id, files and device count."""

    id: str
    files: tuple[str, ...]
    devices: int


@dataclass(frozen=True, slots=True)
class Scene:
    """The building's GLB scene and the SHA-256 (hex) of its bytes, its strong validator."""

    glb: bytes
    sha256: str


@dataclass(frozen=True, slots=True)
class StoreyInfo:
    """A storey: floor level (world Z, m) and how many rooms it has."""

    global_id: str
    name: str
    elevation_m: float
    spaces: int


@dataclass(frozen=True, slots=True)
class SpaceInfo:
    """A room: numbers, storey, type and usable area (see :func:`spatial.areas.usable_area`)."""

    global_id: str
    name: str
    long_name: str
    storey_id: str
    storey: str
    room_type: str
    area_m2: float | None
    area_source: str


@dataclass(frozen=True, slots=True)
class EquipmentInfo:
    """A piece of equipment; ``centre`` is world metres ``(x, y, z)`` or ``None``."""

    global_id: str
    ifc_class: str
    name: str
    tag: str
    storey: str | None
    space_id: str | None
    centre: tuple[float, float, float] | None


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """A device bound to an element or room and its live status."""

    device_id: str
    global_id: str | None
    status: str


@dataclass(frozen=True, slots=True)
class Occupant:
    """A person allocated the room (personal data)."""

    person_id: str
    name: str
    department: str
    rank: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class RoomOccupancy:
    """Who uses a room on ``date``; ``occupants`` is ``None`` without personal-data permission."""

    date: date
    count: int
    departments: tuple[str, ...]
    occupants: tuple[Occupant, ...] | None


@dataclass(frozen=True, slots=True)
class SpaceDetail(SpaceInfo):
    """A room with its outline (exterior rings, world metres), equipment, devices, occupancy."""

    zones: tuple[str, ...]
    height_m: float | None
    floor_z_m: float | None
    footprint: tuple[Ring, ...] | None
    model_areas: Mapping[str, float]
    equipment: tuple[EquipmentInfo, ...]
    devices: tuple[DeviceStatus, ...]
    occupancy: RoomOccupancy


@dataclass(frozen=True, slots=True)
class ElementInfo:
    """Any element by GlobalId: kind, where it is, its properties and bound devices.

    ``properties`` are JSON values: the model's property sets for rooms and
    equipment; width and rooms for doors; storeys served for stairs and lifts.
    Equipment also carries ``tag`` and ``centre``.
    """

    global_id: str
    kind: ElementKind
    name: str
    storey: str | None
    space_id: str | None
    ifc_class: str | None
    properties: Mapping[str, Any]
    devices: tuple[DeviceStatus, ...]
    tag: str | None = None
    centre: tuple[float, float, float] | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A room, piece of equipment, door or storey whose words contain the search text."""

    kind: ElementKind
    global_id: str
    name: str
    storey: str | None


@dataclass(frozen=True, slots=True)
class UsageReport:
    """Rooms and usable area grouped ``by`` one key, with occupancy where known.

    ``total`` is the whole building (``None`` for a building without rooms);
    ``vacant`` lists workplace rooms known to have no occupant.
    """

    building: str
    by: str
    total: UsageGroup | None
    groups: tuple[UsageGroup, ...]
    rooms: tuple[RoomUsage, ...]
    vacant: tuple[RoomUsage, ...]
