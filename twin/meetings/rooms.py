"""Bookable rooms from the model: which rooms, how many seats, what equipment.

A room is bookable when its type (:mod:`spatial.room_types`) is ``meeting``
or ``reception``, unless a facility manager's settings say otherwise (either
way). Seats come from the manager's setting, else from the model's
``Pset_SpaceOccupancyRequirements.OccupancyNumber``, else from the usable
area at :attr:`MeetingRules.m2_per_seat`. Equipment is what the model places
in the room, with a feature (``display``, ``video_conferencing``, ``audio``)
recognised from its IFC class, name or tag.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

from spatial.areas import usable_area
from spatial.records import Equipment, Space
from twin.buildings.results import AREA_DIGITS
from twin.meetings.records import MeetingRules, RoomState
from twin.meetings.store import RoomSettings

#: Room types bookable by default.
BOOKABLE_TYPES = ("meeting", "reception")
#: Property sets and properties that give a room's seats, tried in order.
CAPACITY_PROPERTIES = (
    ("Pset_SpaceOccupancyRequirements", "OccupancyNumber"),
    ("Pset_SpaceOccupancyRequirements", "OccupancyNumberPeak"),
)
#: Equipment feature → keywords in the IFC class, name or tag (case-folded).
EQUIPMENT_FEATURES: dict[str, tuple[str, ...]] = {
    "video_conferencing": ("video", "视频", "conferenc", "camera", "摄像"),
    "display": (
        "ifcaudiovisualappliance",
        "display",
        "screen",
        "monitor",
        "projector",
        "显示",
        "屏",
        "投影",
        "tv",
    ),
    "audio": ("speaker", "microphone", "音响", "话筒", "扩声"),
}


@dataclass(frozen=True)
class RoomEquipment:
    global_id: str
    name: str
    ifc_class: str
    feature: str | None


@dataclass(frozen=True)
class MeetingRoom:
    """A bookable room: seats, where the seat count comes from, its equipment."""

    space: Space
    storey: str
    room_type: str
    capacity: int
    capacity_source: str  # "setting", "model" or "area"
    area_m2: float | None
    equipment: tuple[RoomEquipment, ...]
    needs_approval: bool

    @property
    def features(self) -> frozenset[str]:
        return frozenset(e.feature for e in self.equipment if e.feature)


@dataclass(frozen=True, kw_only=True, slots=True)
class RoomListing:
    """A bookable room as answered: ``number`` and ``name`` from the model, seats
    (``capacity_source``: ``setting``, ``model`` or ``area``), usable area (m²),
    equipment, whether ``outside`` reaches it without stairs, and its status now
    (``None`` where the answer is not about now, as in a free-room search)."""

    global_id: str
    number: str
    name: str
    storey: str
    room_type: str
    capacity: int
    capacity_source: str
    area_m2: float | None
    needs_approval: bool
    equipment: tuple[RoomEquipment, ...]
    step_free: bool
    status: str | None = None
    booking_id: str | None = None
    occupied: bool | None = None
    unbooked_use: bool | None = None

    @classmethod
    def of(
        cls, room: MeetingRoom, *, step_free: bool, state: RoomState | None = None, **extra: Any
    ) -> Self:
        """``room`` as answered; ``extra`` fills a subclass's fields (:class:`FreeRoom`)."""
        return cls(
            global_id=room.space.global_id,
            number=room.space.name,
            name=room.space.long_name,
            storey=room.storey,
            room_type=room.room_type,
            capacity=room.capacity,
            capacity_source=room.capacity_source,
            area_m2=None if room.area_m2 is None else round(room.area_m2, AREA_DIGITS),
            needs_approval=room.needs_approval,
            equipment=room.equipment,
            step_free=step_free,
            status=None if state is None else state.status,
            booking_id=None if state is None else state.booking_id,
            occupied=None if state is None else state.occupied,
            unbooked_use=None if state is None else state.unbooked_use,
            **extra,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class FreeRoom(RoomListing):
    """A room free for the asked time: ``walk_m`` from ``near`` (m, ``None`` without
    it) and why it fits, in words."""

    walk_m: float | None
    why: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RoomConfiguration:
    """A room's settings after a manager's change: seats in effect (``None`` when
    the room is not bookable) and where they come from."""

    global_id: str
    number: str
    name: str
    bookable: bool
    capacity: int | None
    capacity_source: str | None
    needs_approval: bool


def equipment_feature(item: Equipment) -> str | None:
    """The meeting feature a piece of equipment gives, if any."""
    text = " ".join((item.ifc_class, item.name, item.tag)).casefold()
    for feature, keywords in EQUIPMENT_FEATURES.items():
        if any(k in text for k in keywords):
            return feature
    return None


def model_capacity(space: Space) -> int | None:
    """Seats the model gives in a property set, if any (a positive whole number)."""
    for pset, prop in CAPACITY_PROPERTIES:
        value = space.properties.get(pset, {}).get(prop)
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 1:
            return int(value)
    return None


def meeting_rooms(
    spaces: Sequence[Space],
    *,
    room_types: Mapping[str, str],
    storey_names: Mapping[str, str],
    equipment_by_space: Mapping[str, Sequence[Equipment]],
    settings: Mapping[str, RoomSettings],
    rules: MeetingRules,
) -> list[MeetingRoom]:
    """The building's bookable rooms, in model order."""
    out = []
    for space in spaces:
        room_type = room_types.get(space.global_id, "other")
        setting = settings.get(space.global_id)
        bookable = setting.bookable if setting else room_type in BOOKABLE_TYPES
        if not bookable:
            continue
        area = usable_area(space).area_m2
        if setting and setting.capacity is not None:
            capacity, source = setting.capacity, "setting"
        elif (seats := model_capacity(space)) is not None:
            capacity, source = seats, "model"
        else:
            capacity = math.floor((area or 0.0) / rules.m2_per_seat)
            source = "area"
        equipment = tuple(
            RoomEquipment(e.global_id, e.name, e.ifc_class, equipment_feature(e))
            for e in equipment_by_space.get(space.global_id, ())
        )
        out.append(
            MeetingRoom(
                space=space,
                storey=storey_names.get(space.storey_id, ""),
                room_type=room_type,
                capacity=capacity,
                capacity_source=source,
                area_m2=area,
                equipment=equipment,
                needs_approval=bool(setting and setting.needs_approval),
            )
        )
    return out
