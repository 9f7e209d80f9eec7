"""Meters: which registry points are meters, what they feed, how they are shared.

A meter is one point of a registered device (:mod:`twin.devices.registry`)
with a medium and a kind (``counter`` or ``interval``). Its ``feeds`` column
says what it supplies, as ``;``-separated targets:

- a room (GlobalId or number), a storey (name or GlobalId), a zone (name or
  GlobalId) or ``building`` (every room);
- a parent meter's device id (the same medium): the hierarchy main meter →
  floor sub-meters → circuit meters. A meter naming only its parent feeds
  what its parent feeds.

Empty ``feeds``: the room the device is bound to when it is bound to a room,
else the whole building.

A meter's *own* consumption is its consumption less that of its children
(for a parent: the unmetered loss and unmetered loads); it is apportioned
over the rooms the meter feeds by the meter's ``apportion`` rule: ``area``
(usable area from the model, the default), ``equal``, or weights per room
(``0301=2;0302=1``). So every unit a top-level meter counts lands in exactly
one room (or in :data:`UNASSIGNED` for a meter that feeds no room), and
figures per storey or department add up to the building's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from spatial.areas import usable_area
from spatial.records import Building, Equipment
from twin.devices.registry import MEDIA, METER_CLASSES, Device, PointSpec
from twin.energy.errors import MeterConfigError

MeterKind = Literal["counter", "interval"]
#: Unit of each medium.
UNITS = {"electricity": "kWh", "water": "m3", "gas": "m3", "heat": "kWh"}
#: Group key of consumption that feeds no room.
UNASSIGNED = "(unassigned)"
BUILDING = "building"
APPORTION_RULES = ("area", "equal")
#: Predefined types of IfcFlowMeter (IfcFlowMeterType in IFC2X3) and their medium.
FLOW_METER_MEDIA = {
    "ENERGYMETER": "electricity",
    "ELECTRICMETER": "electricity",
    "GASMETER": "gas",
    "WATERMETER": "water",
}
#: Tag prefixes and name words that mark equipment as a meter, with the medium.
METER_TAGS = (("EM", "electricity"), ("WM", "water"), ("GM", "gas"), ("HM", "heat"))
METER_WORDS = (
    ("电能表", "electricity"), ("电表", "electricity"), ("燃气表", "gas"), ("气表", "gas"),
    ("热量表", "heat"), ("热表", "heat"), ("水表", "water"),
)  # fmt: skip
#: IFC classes of control elements that may be meters when tagged so.
CONTROL_CLASSES = frozenset(
    {
        "IfcDistributionControlElement",
        "IfcSensor",
        "IfcController",
        "IfcFlowInstrument",
        "IfcUnitaryControlElement",
    }
)


@dataclass(frozen=True, slots=True)
class Meter:
    """One meter point, resolved against the building.

    ``shares`` maps room GlobalIds to the fraction of the meter's own
    consumption each gets (they add up to 1; empty when the meter feeds no
    room). ``parent`` is the parent meter's device id.
    """

    device_id: str
    point: str
    medium: str
    kind: MeterKind
    feeds: str = ""
    parent: str | None = None
    shares: Mapping[str, float] = field(default_factory=dict)
    rule: str = "area"
    global_id: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.device_id, self.point)

    @property
    def unit(self) -> str:
        return UNITS[self.medium]


@dataclass(frozen=True)
class MeterSet:
    """The meters of one building, with their hierarchy."""

    meters: tuple[Meter, ...]
    warnings: tuple[str, ...] = ()
    _children: Mapping[tuple[str, str], list[Meter]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        children: dict[tuple[str, str], list[Meter]] = {}
        for meter in self.meters:
            if meter.parent is not None:
                children.setdefault((meter.parent, meter.medium), []).append(meter)
        object.__setattr__(self, "_children", children)

    def of(self, medium: str) -> list[Meter]:
        return [m for m in self.meters if m.medium == medium]

    def children(self, meter: Meter) -> list[Meter]:
        return list(self._children.get((meter.device_id, meter.medium), ()))

    def by_device(self, device_id: str, medium: str) -> Meter | None:
        return next(
            (m for m in self.meters if m.device_id == device_id and m.medium == medium), None
        )

    @property
    def media(self) -> list[str]:
        return [m for m in MEDIA if any(x.medium == m for x in self.meters)]


def medium_of(spec: PointSpec) -> str | None:
    """The medium a point measures, ``None`` when it is no meter."""
    return spec.medium or METER_CLASSES.get(spec.brick_class)


def model_meter_medium(item: Equipment) -> str | None:
    """The medium of a piece of equipment that is a meter on the model, else ``None``.

    ``IfcFlowMeter`` (``IfcFlowMeterType`` in IFC2X3) by its predefined type;
    a flow meter of an undefined type and control elements
    (``IfcDistributionControlElement`` and subtypes) by a tag prefix such as
    ``EM-`` or ``WM-``, or a name such as 电表 or 水表.
    """
    predefined = (item.predefined_type or "").upper()
    if predefined in FLOW_METER_MEDIA:
        return FLOW_METER_MEDIA[predefined]
    is_flow_meter = item.ifc_class == "IfcFlowMeter" or "METER" in predefined
    if not (is_flow_meter or item.ifc_class in CONTROL_CLASSES):
        return None
    tag = (item.tag or item.name or "").upper()
    for prefix, medium in METER_TAGS:
        if tag.startswith(prefix + "-") or (tag.startswith(prefix) and tag[2:3].isdigit()):
            return medium
    for word, medium in METER_WORDS:
        if word in item.name:
            return medium
    return "electricity" if is_flow_meter and "ENERGY" in predefined else None


def resolve(devices: Iterable[Device], building: Building) -> MeterSet:
    """The meters among ``devices``, resolved against ``building``.

    Raises
    ------
    MeterConfigError
        Every problem at once: unknown ``feeds`` targets, a parent that is no
        meter of the same medium, a cycle of parents, a bad ``apportion``.
    """
    points = [
        (device, name, spec, medium)
        for device in devices
        for name, spec in device.points.items()
        if (medium := medium_of(spec)) is not None
    ]
    ids = {(d.device_id, medium) for d, _, _, medium in points}
    targets = _Targets(building)
    errors: list[str] = []
    warnings: list[str] = []
    raw: list[tuple[Meter, list[str] | None]] = []
    for device, name, spec, medium in points:
        label = f"meter {device.device_id}.{name}"
        parent: str | None = None
        rooms: list[str] | None = []
        tokens = [t.strip() for t in spec.feeds.replace("|", ";").split(";") if t.strip()]
        if not tokens:
            own_room = device.ifc_class == "IfcSpace" and device.global_id
            rooms = [device.global_id] if own_room else targets.all  # type: ignore[list-item]
        for token in tokens:
            if (token, medium) in ids and token != device.device_id:
                if parent is not None:
                    errors.append(f"{label}: two parents ({parent}, {token})")
                parent = token
                continue
            found = targets.rooms(token)
            if found is None:
                errors.append(
                    f"{label} feeds {token!r}: no room, storey, zone or {medium} meter of that name"
                )
                continue
            assert rooms is not None
            rooms.extend(found)
        if tokens and not rooms:
            rooms = None  # only a parent: inherits the parent's rooms
        kind: MeterKind = "interval" if spec.accumulation == "interval" else "counter"
        meter = Meter(
            device.device_id, name, medium, kind, spec.feeds, parent,
            rule=spec.apportion or "area", global_id=device.global_id,
        )  # fmt: skip
        raw.append((meter, None if rooms is None else list(dict.fromkeys(rooms))))
    by_key = {(m.device_id, m.medium): (m, rooms) for m, rooms in raw}
    resolved: dict[tuple[str, str], list[str]] = {}

    def rooms_of(key: tuple[str, str], seen: tuple[str, ...]) -> list[str]:
        if key in resolved:
            return resolved[key]
        meter, rooms = by_key[key]
        if rooms is None:
            if meter.parent is None or meter.parent in seen:
                chain = " → ".join((*seen, meter.device_id))
                raise MeterConfigError(f"meters form a cycle: {chain}")
            rooms = rooms_of((meter.parent, meter.medium), (*seen, meter.device_id))
        resolved[key] = rooms
        return rooms

    meters: list[Meter] = []
    for meter, _ in raw:
        seen = [meter.device_id]
        parent = meter.parent
        while parent is not None:  # a cycle anywhere above this meter
            if parent in seen:
                errors.append(f"meters form a cycle: {' → '.join([*seen, parent])}")
                break
            seen.append(parent)
            parent = by_key[(parent, meter.medium)][0].parent
        else:
            try:
                rooms = rooms_of((meter.device_id, meter.medium), ())
                shares = _shares(meter, rooms, building, warnings)
            except MeterConfigError as exc:
                errors.append(str(exc))
                continue
            meters.append(replace(meter, shares=shares))
    if errors:
        raise MeterConfigError("; ".join(dict.fromkeys(errors)))
    return MeterSet(tuple(meters), tuple(warnings))


def _shares(
    meter: Meter, rooms: Sequence[str], building: Building, warnings: list[str]
) -> dict[str, float]:
    label = f"meter {meter.device_id}.{meter.point}"
    if not rooms:
        return {}
    if meter.rule == "equal":
        weights = dict.fromkeys(rooms, 1.0)
    elif meter.rule == "area":
        weights = {gid: usable_area(building.space(gid)).area_m2 or 0.0 for gid in rooms}
        if sum(weights.values()) <= 0:
            warnings.append(f"{label}: its rooms have no usable area; shared equally")
            weights = dict.fromkeys(rooms, 1.0)
    else:
        targets = _Targets(building)
        weights = {}
        for part in meter.rule.split(";"):
            ref, _, value = part.partition("=")
            found = targets.rooms(ref.strip())
            try:
                weight = float(value)
            except ValueError:
                weight = -1.0
            if found is None or len(found) != 1 or weight < 0:
                raise MeterConfigError(
                    f"{label}: apportion {meter.rule!r}: use area, equal or ROOM=WEIGHT;..."
                )
            weights[found[0]] = weight
        if sum(weights.values()) <= 0:
            raise MeterConfigError(f"{label}: apportion weights add up to 0")
    total = sum(weights.values())
    return {gid: w / total for gid, w in weights.items() if w > 0}


class _Targets:
    """Rooms by every name a ``feeds`` target may use."""

    def __init__(self, building: Building) -> None:
        self.all = [s.global_id for s in building.spaces]
        self._rooms: dict[str, list[str]] = {BUILDING: self.all}
        storeys: dict[str, list[str]] = {}
        for space in building.spaces:
            storeys.setdefault(space.storey_id, []).append(space.global_id)
        for storey in building.storeys:
            rooms = [g for sid in (storey.global_id, *storey.aliases) for g in storeys.get(sid, [])]
            self._rooms.setdefault(storey.name, rooms)
            self._rooms.setdefault(storey.global_id, rooms)
        for zone in building.zones:
            self._rooms.setdefault(zone.name, list(zone.space_ids))
            self._rooms.setdefault(zone.global_id, list(zone.space_ids))
        for space in building.spaces:
            self._rooms[space.global_id] = [space.global_id]
            if space.name:
                self._rooms.setdefault(space.name, [space.global_id])

    def rooms(self, token: str) -> list[str] | None:
        return self._rooms.get(token)
