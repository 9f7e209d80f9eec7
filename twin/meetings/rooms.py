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

from spatial.areas import usable_area
from spatial.records import Equipment, Space
from twin.meetings.records import MeetingRules
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
