"""A generated building with known consumption: two storeys, five rooms of known
area, a meter hierarchy and hourly readings from Thursday 24 to Monday 28
September 2026 (local time), 25-27 September being the Mid-Autumn holiday.

Meters (electricity unless said):

- ``MAIN`` counter, feeds the building: +6 kWh an hour, with a gap (no
  readings closing 12:00, 13:00, 14:00 on the 24th: the 15:00 reading holds
  the four hours);
- ``F1`` counter, floor 1F under MAIN: +3 kWh an hour, reset to 0 at 03:00
  on the 25th (reads 0.5 then: that step counts 0.5);
- ``F2`` interval, floor 2F under MAIN: 2 kWh an hour;
- ``C101`` counter, room 101 under F1: +1 kWh an hour, replaced at 12:00 on
  the 26th by a new meter that starts at 0;
- ``W1`` water counter, the building: +0.25 m³ an hour.

Readings are written shuffled, some twice, straight into the readings table
(as a backfill or another worker would), so the figures also prove that
duplicates and arrival order do not matter.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from shapely.geometry import box

from spatial.records import Building, Space, Storey
from twin.devices.registry import bind, parse_rows
from twin.energy.calendar import WorkingTime, load_calendar
from twin.energy.config import load_energy_data
from twin.energy.service import EnergyService
from twin.housing.allocations.records import Allocation

CST = timezone(timedelta(hours=8))
#: First and last (exclusive) moment of the known consumption.
START = datetime(2026, 9, 24, tzinfo=CST)
END = datetime(2026, 9, 29, tzinfo=CST)
HOURS = 120
#: Usable areas, m².
AREAS = {"R101": 40.0, "R102": 30.0, "R103": 10.0, "R201": 20.0, "R202": 20.0}
STOREY_OF = {"R101": "1F", "R102": "1F", "R103": "1F", "R201": "2F", "R202": "2F"}
ORG_X, ORG_Y = "甲单位", "乙单位"


def building() -> Building:
    spaces = []
    x = 0.0
    for gid, area in AREAS.items():
        number = gid[1:]
        name = "走廊" if gid == "R103" else "办公室"
        spaces.append(
            Space(gid, number, name, "S1" if STOREY_OF[gid] == "1F" else "S2",
                  footprint=box(x, 0.0, x + area / 5.0, 5.0))
        )  # fmt: skip
        x += 20.0
    return Building(
        name="known",
        global_id="B-KNOWN",
        sources=(),
        storeys=(Storey("S1", "1F", 0.0), Storey("S2", "2F", 3.6)),
        spaces=tuple(spaces),
    )


def _person(n: int, org: str, dept: str, room: str) -> Allocation:
    return Allocation(
        organisation=org, organ_level="municipal", department=dept, person_id=f"P{n}",
        name=f"人{n}", rank_code="municipal.staff", rank="科员", room_global_id=room,
        room=room[1:], valid_from=date(2026, 1, 1),
    )  # fmt: skip


ALLOCATIONS = (
    _person(1, ORG_X, "综合科", "R101"),
    _person(2, ORG_X, "综合科", "R101"),
    _person(3, ORG_X, "财务科", "R102"),
    _person(4, ORG_Y, "财务科", "R201"),
)

REGISTRY = [
    {"device_id": "MAIN", "point": "energy", "brick_class": "Electric_Energy_Sensor",
     "unit": "kWh", "feeds": "building"},
    {"device_id": "F1", "point": "energy", "brick_class": "Electric_Energy_Sensor",
     "unit": "kWh", "feeds": "1F;MAIN"},
    {"device_id": "F2", "point": "energy", "brick_class": "Electric_Energy_Sensor",
     "unit": "kWh", "kind": "interval", "feeds": "2F;MAIN"},
    {"device_id": "C101", "point": "energy", "brick_class": "Electric_Energy_Sensor",
     "unit": "kWh", "feeds": "101;F1"},
    {"device_id": "W1", "point": "water", "brick_class": "Water_Usage_Sensor",
     "unit": "m3", "feeds": "building"},
]  # fmt: skip


def hour(offset: int) -> datetime:
    """The whole hour ``offset`` hours after START (local)."""
    return START + timedelta(hours=offset)


def us(moment: datetime) -> int:
    return round(moment.timestamp() * 1_000_000)


def readings(seed: int = 1) -> list[tuple[str, str, int, float]]:
    """Every reading, shuffled, some duplicated. Readings start an hour before START
    so that every step closing in [START, END) is known."""
    rows: list[tuple[str, str, int, float]] = []
    main = f1 = c101 = w1 = 1000.0
    for offset in range(-1, HOURS):
        ts = hour(offset)
        main += 6.0
        f1 += 3.0
        c101 += 1.0
        w1 += 0.25
        if ts == datetime(2026, 9, 25, 3, tzinfo=CST):
            f1 = 0.5  # a faulty meter reset
        if ts == datetime(2026, 9, 26, 12, tzinfo=CST):
            c101 = 0.0  # replaced: the new meter starts at 0
        if not (
            datetime(2026, 9, 24, 12, tzinfo=CST) <= ts <= datetime(2026, 9, 24, 14, tzinfo=CST)
        ):
            rows.append(("MAIN", "energy", us(ts), main))
        rows += [
            ("F1", "energy", us(ts), f1),
            ("F2", "energy", us(ts), 2.0),
            ("C101", "energy", us(ts), c101),
            ("W1", "water", us(ts), w1),
        ]
    rnd = random.Random(seed)
    rows += rnd.sample(rows, 40)  # duplicates
    rnd.shuffle(rows)
    return rows


def devices():  # type: ignore[no-untyped-def]
    return bind("K", building(), parse_rows(REGISTRY)).devices


def energy_service(engine) -> EnergyService:  # type: ignore[no-untyped-def]
    from twin.devices.patrol import load_patrol_rules

    working = WorkingTime(load_calendar(), load_patrol_rules().working_hours)
    return EnergyService(engine, working=working, data=load_energy_data())
