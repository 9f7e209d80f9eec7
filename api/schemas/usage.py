"""Space usage: rooms and usable area grouped by storey, type, zone or department."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from api.schemas.common import Out


class UsageGroupOut(Out):
    """Totals of one group of rooms (areas m²); occupancy figures are null without
    allocations."""

    key: str
    rooms: int
    usable_area_m2: float
    area_by_type_m2: dict[str, float]
    rooms_by_type: dict[str, int]
    office_area_m2: float
    occupants: int | None
    capacity: int | None
    area_per_person_m2: float | None
    utilisation: float | None = Field(description="office occupants / office capacity, 0-1")
    vacant_rooms: int | None


class UsageRoomOut(Out):
    global_id: str
    name: str
    long_name: str
    storey: str
    zones: list[str]
    room_type: str
    area_m2: float | None = Field(description="usable area, m²")
    area_source: str
    occupants: int | None
    department: str | None
    capacity: int | None


class UsageOut(Out):
    """Counts and departments only: no personal data."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "building": "某市机关办公楼",
                    "by": "storey",
                    "total": None,
                    "groups": [
                        {
                            "key": "F01",
                            "rooms": 50,
                            "usable_area_m2": 1020.4,
                            "area_by_type_m2": {"office": 800.1, "corridor": 220.3},
                            "rooms_by_type": {"office": 40, "corridor": 10},
                            "office_area_m2": 800.1,
                            "occupants": 52,
                            "capacity": 80,
                            "area_per_person_m2": 15.4,
                            "utilisation": 0.65,
                            "vacant_rooms": 3,
                        }
                    ],
                    "rooms": [],
                    "vacant": [],
                }
            ]
        }
    )

    building: str
    by: str
    total: UsageGroupOut | None
    groups: list[UsageGroupOut]
    rooms: list[UsageRoomOut]
    vacant: list[UsageRoomOut]
