"""The device registry: devices, their points and the elements they are bound to.

A device is known by the id its field system gives it (``FCU-0312``) and is
bound to one element of the building by GlobalId: a piece of equipment, or a
room for room sensors. Each device has points (one row per point in the
registry file) with a Brick class, a unit, a valid range and alarm rules.

The registry file (the contract other systems rely on) is CSV, or JSON with
the same fields: ``device_id, global_id, point, brick_class, unit, min, max,
warn_above, alarm_above, warn_below, alarm_below, alarm_when, heartbeat_s``
and, optionally, for meters (points of a :data:`METER_CLASSES` class or with a
``medium``): ``medium`` (``electricity``, ``water``, ``gas``, ``heat``),
``kind`` (``counter``: a running total, the default; ``interval``: the
consumption since the previous reading; the older column ``accumulation``
with ``cumulative``/``interval`` is still read), ``feeds`` (what the meter
supplies: room GlobalIds or numbers, a storey, a zone, ``building`` or a
parent meter's device id, several separated by ``;``) and ``apportion`` (how
a shared meter is split over the rooms it feeds: ``area``, the default,
``equal`` or weights ``0301=2;0302=1``); :mod:`twin.energy.meters` reads them.
``brick_class`` must be a Brick point class and ``unit`` one with a QUDT unit
(:mod:`twin.exchange.brick`); either wrong is a row error naming the closest
real ones. An empty ``global_id`` asks for auto-binding: the device id is
matched to an element's ``Tag``, then to its Name (equipment first, then rooms).

Over 400 lines: the records, the file's parsing (CSV and JSON) and the binding
to elements share the row type and its checks; the binding is the next cut
when it grows.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from spatial.records import Building
from twin.devices.errors import RegistryFileError
from twin.exchange.brick import check_point_class, check_unit

#: Fields of one registry row, in file order (the contract).
REGISTRY_FIELDS = (
    "device_id",
    "global_id",
    "point",
    "brick_class",
    "unit",
    "min",
    "max",
    "warn_above",
    "alarm_above",
    "warn_below",
    "alarm_below",
    "alarm_when",
    "heartbeat_s",
)
#: Optional extra fields: a meter's medium, kind, what it feeds and how it is apportioned.
OPTIONAL_FIELDS = ("medium", "kind", "feeds", "apportion")
#: Heartbeat timeout when the file gives none, seconds.
DEFAULT_HEARTBEAT_S = 300.0
#: Brick classes whose readings are energy in kWh (roll-ups read these).
ENERGY_CLASSES = frozenset({"Electric_Energy_Sensor", "Energy_Sensor", "Energy_Usage_Sensor"})
#: Brick classes of meter points and the medium each measures (``None``: the row says).
METER_CLASSES: dict[str, str | None] = {
    **dict.fromkeys(ENERGY_CLASSES, "electricity"),
    "Electrical_Energy_Usage_Sensor": "electricity",
    "Water_Usage_Sensor": "water",
    "Hot_Water_Usage_Sensor": "water",
    "Natural_Gas_Usage_Sensor": "gas",
    "Thermal_Energy_Usage_Sensor": "heat",
    "Usage_Sensor": None,
}
#: Media a meter can measure.
MEDIA = ("electricity", "water", "gas", "heat")
#: Brick classes that count people in a room.
OCCUPANCY_COUNT_CLASSES = frozenset({"Occupancy_Count_Sensor"})
#: Brick classes that say whether a room is occupied (boolean).
OCCUPANCY_BOOL_CLASSES = frozenset({"Occupancy_Sensor"})

Accumulation = Literal["cumulative", "interval"]
BindingMethod = Literal["mapping", "global_id", "tag", "name", "unbound"]


@dataclass(frozen=True, slots=True)
class PointSpec:
    """One point of a device: what it measures, its valid range and alarm rules.

    Numeric limits are in ``unit`` (SI where the unit is SI). ``alarm_when`` is
    the boolean value that raises an alarm (``True`` for a leak detector);
    ``None`` for numeric points. ``min``/``max`` bound the *valid* range: a
    value outside is a bad reading, rejected, not an alarm.
    """

    name: str
    brick_class: str
    unit: str = ""
    min: float | None = None
    max: float | None = None
    warn_above: float | None = None
    alarm_above: float | None = None
    warn_below: float | None = None
    alarm_below: float | None = None
    alarm_when: bool | None = None
    accumulation: Accumulation | None = None
    medium: str | None = None
    feeds: str = ""
    apportion: str = ""

    @property
    def is_boolean(self) -> bool:
        """Whether readings of this point are booleans (on/off, leak, fault)."""
        return self.alarm_when is not None or self.unit.lower() in ("bool", "boolean")

    @property
    def has_rules(self) -> bool:
        """Whether the point has any alarm rule (thresholds or a boolean alarm)."""
        return self.alarm_when is not None or not (
            self.warn_above is None
            and self.alarm_above is None
            and self.warn_below is None
            and self.alarm_below is None
        )

    @property
    def is_energy(self) -> bool:
        return self.brick_class in ENERGY_CLASSES

    @property
    def is_meter(self) -> bool:
        """Whether the point is a meter (a meter class, or a medium given)."""
        return self.medium is not None or self.brick_class in METER_CLASSES


@dataclass(frozen=True, slots=True)
class Device:
    """A device bound (or not) to an element of a building.

    ``global_id`` is the bound element (equipment or room), ``None`` when
    unbound; ``space_id`` the room it serves (the room itself for a room
    sensor, the equipment's room otherwise). ``heartbeat_s`` is the silence
    after which the device counts as offline, seconds.
    """

    device_id: str
    building_id: str
    points: Mapping[str, PointSpec]
    global_id: str | None = None
    space_id: str | None = None
    storey_id: str | None = None
    ifc_class: str = ""
    binding: BindingMethod = "unbound"
    heartbeat_s: float = DEFAULT_HEARTBEAT_S


@dataclass(frozen=True, slots=True)
class RegistryRow:
    """One parsed row of a registry file (one point of one device)."""

    device_id: str
    global_id: str
    point: PointSpec
    heartbeat_s: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The row as the registry file writes it (``None`` as empty)."""
        p = self.point
        return {
            "device_id": self.device_id,
            "global_id": self.global_id,
            "point": p.name,
            "brick_class": p.brick_class,
            "unit": p.unit,
            "min": p.min,
            "max": p.max,
            "warn_above": p.warn_above,
            "alarm_above": p.alarm_above,
            "warn_below": p.warn_below,
            "alarm_below": p.alarm_below,
            "alarm_when": None if p.alarm_when is None else str(p.alarm_when).lower(),
            "heartbeat_s": self.heartbeat_s,
            "medium": p.medium,
            "kind": {"cumulative": "counter", "interval": "interval"}.get(p.accumulation or ""),
            "feeds": p.feeds or None,
            "apportion": p.apportion or None,
        }


@dataclass(frozen=True)
class BindingReport:
    """Outcome of binding registry rows to a building."""

    devices: tuple[Device, ...]
    unbound_devices: tuple[str, ...]
    unbound_equipment: tuple[str, ...]
    by_method: Mapping[str, int] = field(default_factory=dict)


def read_registry_file(path: Path) -> list[RegistryRow]:
    """Parse a registry file (``.csv`` or ``.json``) into rows.

    Raises
    ------
    RegistryFileError
        The file is unreadable, or rows are bad (all row errors are listed).
    """
    try:
        text = Path(path).read_text("utf-8-sig")
    except OSError as exc:
        raise RegistryFileError(f"{path}: {exc.strerror or exc}") from exc
    if Path(path).suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise RegistryFileError(f"{path}: not JSON ({exc})") from exc
        if isinstance(data, dict):
            data = data.get("points", data.get("devices"))
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise RegistryFileError(f"{path}: expected a list of point objects")
        return parse_rows(data)
    return parse_csv(text)


def parse_csv(text: str) -> list[RegistryRow]:
    """Parse registry rows from CSV text with the contract's header."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"device_id", "point"} - set(reader.fieldnames or ())
    if missing:
        raise RegistryFileError(f"registry CSV lacks columns: {', '.join(sorted(missing))}")
    return parse_rows(list(reader))


def parse_rows(records: Iterable[Mapping[str, Any]]) -> list[RegistryRow]:
    """Validate raw row mappings; all row errors are reported together."""
    rows: list[RegistryRow] = []
    errors: list[tuple[int, str]] = []
    seen: set[tuple[str, str]] = set()
    for number, record in enumerate(records, start=1):
        try:
            row = _parse_row(record)
        except ValueError as exc:
            errors.append((number, str(exc)))
            continue
        key = (row.device_id, row.point.name)
        if key in seen:
            errors.append((number, f"duplicate point {row.point.name!r} of {row.device_id!r}"))
            continue
        seen.add(key)
        rows.append(row)
    if errors:
        detail = "; ".join(f"row {n}: {m}" for n, m in errors[:10])
        raise RegistryFileError(f"{len(errors)} bad registry row(s): {detail}", errors)
    return rows


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value).strip()


def _number(record: Mapping[str, Any], key: str) -> float | None:
    raw = _text(record, key)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{key} is not a number: {raw!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{key} is not finite: {raw!r}")
    return value


def _parse_row(record: Mapping[str, Any]) -> RegistryRow:
    device_id = _text(record, "device_id")
    name = _text(record, "point")
    if not device_id or not name:
        raise ValueError("device_id and point are required")
    if "/" in device_id or "+" in device_id or "#" in device_id:
        raise ValueError(f"device_id {device_id!r} contains an MQTT topic character")
    alarm_when_raw = _text(record, "alarm_when").lower()
    if alarm_when_raw in ("", "none"):
        alarm_when = None
    elif alarm_when_raw in ("true", "1", "yes", "on"):
        alarm_when = True
    elif alarm_when_raw in ("false", "0", "no", "off"):
        alarm_when = False
    else:
        raise ValueError(f"alarm_when must be true or false, not {alarm_when_raw!r}")
    kind = (_text(record, "kind") or _text(record, "accumulation")).lower() or None
    accumulation = {"counter": "cumulative", "cumulative": "cumulative"}.get(kind or "", kind)
    if accumulation not in (None, "cumulative", "interval"):
        raise ValueError(f"kind must be counter or interval, not {kind!r}")
    brick_class = check_point_class(_text(record, "brick_class") or "Point")
    medium = _text(record, "medium").lower() or METER_CLASSES.get(brick_class)
    if medium is not None and medium not in MEDIA:
        raise ValueError(f"medium must be one of {', '.join(MEDIA)}, not {medium!r}")
    if medium is None and brick_class in METER_CLASSES:
        raise ValueError(f"a {brick_class} point needs a medium ({', '.join(MEDIA)})")
    point = PointSpec(
        name=name,
        brick_class=brick_class,
        unit=check_unit(_text(record, "unit")),
        min=_number(record, "min"),
        max=_number(record, "max"),
        warn_above=_number(record, "warn_above"),
        alarm_above=_number(record, "alarm_above"),
        warn_below=_number(record, "warn_below"),
        alarm_below=_number(record, "alarm_below"),
        alarm_when=alarm_when,
        accumulation=accumulation,  # type: ignore[arg-type]
        medium=medium,
        feeds=_text(record, "feeds"),
        apportion=_text(record, "apportion"),
    )
    if point.is_meter and point.accumulation is None:
        # Meters report a running total unless the file says otherwise.
        point = replace(point, accumulation="cumulative")
    if point.min is not None and point.max is not None and point.min > point.max:
        raise ValueError(f"min {point.min} is above max {point.max}")
    heartbeat = _number(record, "heartbeat_s")
    if heartbeat is not None and heartbeat <= 0:
        raise ValueError("heartbeat_s must be positive")
    return RegistryRow(device_id, _text(record, "global_id"), point, heartbeat)


def write_registry_csv(rows: Sequence[RegistryRow]) -> str:
    """Registry rows as CSV text with the contract's header (plus the meter columns)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*REGISTRY_FIELDS, *OPTIONAL_FIELDS])
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.as_dict().items()})
    return out.getvalue()


def bind(building_id: str, building: Building | None, rows: Sequence[RegistryRow]) -> BindingReport:
    """Group rows into devices and bind each to an element of ``building``.

    A non-empty ``global_id`` is used as given (it must name equipment or a
    room of the building, else the device stays unbound); an empty one is
    matched to an element's GlobalId, then an equipment ``Tag``, then an
    equipment Name, then a room Name. Lifts (vertical links) count as elements.
    Without a building every device stays as the mapping says.
    """
    grouped: dict[str, list[RegistryRow]] = {}
    for row in rows:
        grouped.setdefault(row.device_id, []).append(row)
    equipment = {e.global_id: e for e in building.equipment} if building else {}
    spaces = {s.global_id: s for s in building.spaces} if building else {}
    # Lifts are vertical links, not equipment, but a lift's own device binds to it.
    links = {link.global_id: link for link in building.links} if building else {}
    by_tag: dict[str, str] = {}
    by_name: dict[str, str] = {}
    room_by_name: dict[str, str] = {}
    if building is not None:
        for item in building.equipment:
            if item.tag:
                by_tag.setdefault(item.tag, item.global_id)
            if item.name:
                by_name.setdefault(item.name, item.global_id)
        for space in building.spaces:
            if space.name:
                room_by_name.setdefault(space.name, space.global_id)
    devices: list[Device] = []
    methods: dict[str, int] = {}
    for device_id, device_rows in grouped.items():
        given = next((r.global_id for r in device_rows if r.global_id), "")
        method: BindingMethod
        if given:
            target: str | None = given
            method = "mapping"
            if building is not None and not (
                given in equipment or given in spaces or given in links
            ):
                target, method = None, "unbound"
        elif device_id in equipment or device_id in spaces or device_id in links:
            target, method = device_id, "global_id"
        elif device_id in by_tag:
            target, method = by_tag[device_id], "tag"
        elif device_id in by_name:
            target, method = by_name[device_id], "name"
        elif device_id in room_by_name:
            target, method = room_by_name[device_id], "name"
        else:
            target, method = None, "unbound"
        space_id = storey_id = None
        ifc_class = ""
        if target in equipment:
            item = equipment[target]
            space_id, storey_id, ifc_class = item.space_id, item.storey_id, item.ifc_class
        elif target in spaces:
            space_id, storey_id, ifc_class = target, spaces[target].storey_id, "IfcSpace"
        elif target in links:
            ifc_class = links[target].ifc_class or "IfcTransportElement"
        heartbeat = min(
            (r.heartbeat_s for r in device_rows if r.heartbeat_s is not None),
            default=DEFAULT_HEARTBEAT_S,
        )
        devices.append(
            Device(
                device_id=device_id,
                building_id=building_id,
                points={r.point.name: r.point for r in device_rows},
                global_id=target,
                space_id=space_id,
                storey_id=storey_id,
                ifc_class=ifc_class,
                binding=method,
                heartbeat_s=heartbeat,
            )
        )
        methods[method] = methods.get(method, 0) + 1
    bound = {d.global_id for d in devices if d.global_id}
    return BindingReport(
        devices=tuple(devices),
        unbound_devices=tuple(d.device_id for d in devices if d.global_id is None),
        unbound_equipment=tuple(e for e in equipment if e not in bound),
        by_method=methods,
    )
