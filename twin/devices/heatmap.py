"""Heat maps: one live quantity per room (temperature, CO₂, occupancy) at a moment.

A room's value at time ``at`` is the mean over its devices' points of that
quantity (chosen by Brick class) of each point's latest stored reading at or
before ``at``, if that reading is at most ``max_age_s`` old. A room with a
sensor but no such reading is ``no_data``; a room without a sensor of the
quantity is not listed, so "no sensor" and "no data" stay apart. Times are
UTC; values in the points' units (SI where the registry says so).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import and_, func, select

from twin.devices.hub import DeviceService
from twin.devices.pipeline import US_PER_S
from twin.devices.registry import OCCUPANCY_COUNT_CLASSES
from twin.devices.state import from_us
from twin.devices.store import readings

Quantity = Literal["temperature", "co2", "occupancy"]

#: Brick classes whose readings make each quantity.
QUANTITY_CLASSES: dict[str, frozenset[str]] = {
    "temperature": frozenset(
        {"Zone_Air_Temperature_Sensor", "Air_Temperature_Sensor", "Temperature_Sensor"}
    ),
    "co2": frozenset({"CO2_Sensor", "CO2_Level_Sensor"}),
    "occupancy": frozenset(OCCUPANCY_COUNT_CLASSES),
}
#: A reading older than this at the chosen moment counts as missing, seconds.
DEFAULT_MAX_AGE_S = 3600.0


@dataclass(frozen=True, slots=True)
class RoomValue:
    """One room's value: ``value`` is ``None`` when its sensors have no recent reading."""

    space_id: str
    value: float | None
    ts: datetime | None
    devices: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HeatMap:
    """Room values of one quantity at ``at``, the history's extent and the unit."""

    quantity: str
    unit: str
    at: datetime
    rooms: tuple[RoomValue, ...]
    history_start: datetime | None
    history_end: datetime | None


def room_heat_map(
    service: DeviceService,
    building_id: str,
    quantity: Quantity,
    at: datetime,
    *,
    max_age_s: float = DEFAULT_MAX_AGE_S,
) -> HeatMap:
    """The rooms of ``building_id`` with a sensor of ``quantity`` and their value at ``at``.

    Examples
    --------
    >>> heat = room_heat_map(service, "demo", "temperature", now)  # doctest: +SKIP
    >>> heat.rooms[0].value  # doctest: +SKIP
    22.4
    """
    classes = QUANTITY_CLASSES[quantity]
    points: dict[tuple[str, str], str] = {}  # (device, point) -> room
    units: set[str] = set()
    for device in service.devices(building_id):
        if device.space_id is None:
            continue
        for name, spec in device.points.items():
            if spec.brick_class in classes:
                points[(device.device_id, name)] = device.space_id
                units.add(spec.unit)
    service.flush()
    at_us = round(at.timestamp() * US_PER_S)
    latest, extent = _latest_readings(
        service, list(points), at_us=at_us, since_us=at_us - round(max_age_s * US_PER_S)
    )
    by_room: dict[str, list[tuple[str, int, float]]] = defaultdict(list)
    devices: dict[str, set[str]] = defaultdict(set)
    for key, room in points.items():
        devices[room].add(key[0])
        if key in latest:
            by_room[room].append((key[0], *latest[key]))
    rooms = []
    for room in sorted(devices):
        found = by_room.get(room, [])
        rooms.append(
            RoomValue(
                space_id=room,
                value=sum(v for _, _, v in found) / len(found) if found else None,
                ts=from_us(max(ts for _, ts, _ in found)) if found else None,
                devices=tuple(sorted(devices[room])),
            )
        )
    return HeatMap(
        quantity=quantity,
        unit=sorted(units)[0] if len(units) == 1 else ", ".join(sorted(units)),
        at=at,
        rooms=tuple(rooms),
        history_start=None if extent[0] is None else from_us(extent[0]),
        history_end=None if extent[1] is None else from_us(extent[1]),
    )


def _latest_readings(
    service: DeviceService, keys: Sequence[tuple[str, str]], *, at_us: int, since_us: int
) -> tuple[dict[tuple[str, str], tuple[int, float]], tuple[int | None, int | None]]:
    """Each point's latest reading in ``[since_us, at_us]`` and the extent of their
    whole history, in two grouped queries."""
    if not keys:
        return {}, (None, None)
    device_ids = sorted({d for d, _ in keys})
    names = sorted({p for _, p in keys})
    wanted = set(keys)
    scope = and_(readings.c.device_id.in_(device_ids), readings.c.point.in_(names))
    newest = (
        select(
            readings.c.device_id,
            readings.c.point,
            func.max(readings.c.ts_us).label("ts_us"),
        )
        .where(scope, readings.c.ts_us <= at_us, readings.c.ts_us >= since_us)
        .group_by(readings.c.device_id, readings.c.point)
        .subquery()
    )
    query = select(readings.c.device_id, readings.c.point, readings.c.ts_us, readings.c.value).join(
        newest,
        and_(
            readings.c.device_id == newest.c.device_id,
            readings.c.point == newest.c.point,
            readings.c.ts_us == newest.c.ts_us,
        ),
    )
    extent_query = select(func.min(readings.c.ts_us), func.max(readings.c.ts_us)).where(scope)
    with service.engine.connect() as connection:
        latest = {
            (row.device_id, row.point): (int(row.ts_us), float(row.value))
            for row in connection.execute(query)
            if (row.device_id, row.point) in wanted
        }
        first, last = connection.execute(extent_query).one()
    return latest, (first, last)
