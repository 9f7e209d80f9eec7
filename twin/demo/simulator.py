"""A device simulator: realistic devices for a building's equipment, readings and faults.

:func:`template_rows` writes a device registry for a building's equipment
(tag → device id; points by IFC class, predefined type and tag prefix).
:class:`Simulator` produces readings for those devices tick by tick, with
faults injected on request: ``leak:<device>``, ``fault:<device>`` (a lift or
fan coil fault), ``offline:<device>`` (the device falls silent) and
``drift:<device>`` (its temperature creeps up). Publishing over MQTT or HTTP
lives in :mod:`twin.devices.publish`; this module does no I/O.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from spatial.records import Building, Equipment
from twin.devices.registry import Device, PointSpec, RegistryRow
from twin.energy.meters import model_meter_medium
from twin.errors import TwinError

#: Temperature drift of a ``drift`` fault, °C per second.
DRIFT_DEGC_PER_S = 0.02
#: Mean electrical power of a metered circuit, kW (energy grows by this × time).
METER_MEAN_KW = 4.0
FAULT_KINDS = ("leak", "fault", "offline", "drift")
_SAFE_ID = re.compile(r"[^A-Za-z0-9_$.-]")


class FaultSpecError(TwinError, ValueError):
    """A ``--fault`` is not ``KIND:DEVICE`` with a known kind."""


def _p(name: str, brick: str, unit: str = "", **limits: object) -> PointSpec:
    return PointSpec(name=name, brick_class=brick, unit=unit, **limits)  # type: ignore[arg-type]


ON = _p("on", "On_Off_Status", "bool")
FAULT = _p("fault", "Fault_Status", "bool", alarm_when=True)
SPEED = _p("speed", "Fan_Speed_Command", "", min=0.0, max=3.0)
SUPPLY = _p("supply_temp", "Supply_Air_Temperature_Sensor", "degC", min=-10.0, max=70.0)
TEMP = _p(
    "temp", "Zone_Air_Temperature_Sensor", "degC", min=-20.0, max=60.0,
    warn_above=28.0, alarm_above=32.0, warn_below=16.0, alarm_below=12.0,
)  # fmt: skip
CO2 = _p("co2", "CO2_Sensor", "ppm", min=0.0, max=10000.0, warn_above=1000.0, alarm_above=1500.0)
OCCUPANCY = _p("occupancy", "Occupancy_Count_Sensor", "count", min=0.0, max=500.0)
LEAK = _p("leak", "Leak_Alarm", "bool", alarm_when=True)
ENERGY = _p("energy", "Electric_Energy_Sensor", "kWh", min=0.0, accumulation="cumulative",
            medium="electricity")  # fmt: skip
#: The point of a meter on the model, by medium (:func:`twin.energy.meters.model_meter_medium`).
METER_POINTS = {
    "electricity": ENERGY,
    "water": _p("water", "Water_Usage_Sensor", "m3", min=0.0, accumulation="cumulative",
                medium="water"),
    "gas": _p("gas", "Natural_Gas_Usage_Sensor", "m3", min=0.0, accumulation="cumulative",
              medium="gas"),
    "heat": _p("heat", "Thermal_Energy_Usage_Sensor", "kWh", min=0.0, accumulation="cumulative",
               medium="heat"),
}  # fmt: skip
FLOOR = _p("floor", "Position_Sensor", "", min=-10.0, max=200.0)
WATER = _p("water_temp", "Water_Temperature_Sensor", "degC", min=0.0, max=110.0, alarm_above=95.0)

#: Points by kind of device.
PROFILES: dict[str, tuple[PointSpec, ...]] = {
    "fan_coil": (ON, SPEED, SUPPLY, FAULT),
    "room_sensor": (TEMP, CO2, OCCUPANCY),
    "leak_detector": (LEAK,),
    "meter": (ENERGY,),
    "lift": (FAULT, FLOOR),
    "heating": (ON, WATER, FAULT),
    "light": (ON,),
    "generic": (FAULT,),
}
#: Tag prefixes of the demo building and common field practice.
TAG_PROFILES = (
    ("FCU", "fan_coil"),
    ("TS", "room_sensor"),
    ("LD", "leak_detector"),
    ("EM", "meter"),
    ("LC", "lift"),
    ("LT", "light"),
)
CLASS_PROFILES = {
    "IfcUnitaryEquipment": "fan_coil",
    "IfcFan": "fan_coil",
    "IfcTransportElement": "lift",
    "IfcBoiler": "heating",
    "IfcPump": "heating",
    "IfcSpaceHeater": "heating",
    "IfcLightFixture": "light",
    "IfcLamp": "light",
    "IfcFlowMeter": "meter",
}
PREDEFINED_PROFILES = {
    "TEMPERATURESENSOR": "room_sensor",
    "CO2SENSOR": "room_sensor",
    "MOISTURESENSOR": "leak_detector",
    "ENERGYMETER": "meter",
    "FANCOILUNIT": "fan_coil",
}


def profile_of(item: Equipment) -> str:
    """The kind of simulated device for a piece of equipment."""
    tag = (item.tag or "").upper()
    for prefix, profile in TAG_PROFILES:
        if tag.startswith(prefix + "-") or (
            tag.startswith(prefix) and tag[len(prefix) :].isdigit()
        ):
            return profile
    if item.predefined_type.upper() in PREDEFINED_PROFILES:
        return PREDEFINED_PROFILES[item.predefined_type.upper()]
    return CLASS_PROFILES.get(item.ifc_class, "generic")


def device_id_for(item: Equipment, taken: set[str]) -> str:
    """The equipment's tag as device id when usable and unique, else its GlobalId."""
    candidate = _SAFE_ID.sub("_", item.tag.strip()) if item.tag else ""
    if not candidate or candidate in taken:
        candidate = item.global_id
    taken.add(candidate)
    return candidate


def template_rows(building: Building, *, heartbeat_s: float = 120.0) -> list[RegistryRow]:
    """A device registry for every piece of equipment (and lift) of ``building``.

    Meters on the model (:func:`twin.energy.meters.model_meter_medium`) get a
    counter point of their medium that feeds their storey."""
    rows: list[RegistryRow] = []
    taken: set[str] = set()
    storeys = {s.global_id: s.name for s in building.storeys}
    for item in building.equipment:
        device_id = device_id_for(item, taken)
        medium = model_meter_medium(item)
        if medium is not None:
            # A meter on a storey is taken to feed that storey (edit ``feeds`` to say better).
            feeds = storeys.get(item.storey_id or "", "building")
            point = replace(METER_POINTS[medium], feeds=feeds)
            rows.append(RegistryRow(device_id, item.global_id, point, heartbeat_s))
            continue
        for point in PROFILES[profile_of(item)]:
            rows.append(RegistryRow(device_id, item.global_id, point, heartbeat_s))
    for lift in building.lifts:
        device_id = _SAFE_ID.sub("_", lift.name) or lift.global_id
        if device_id in taken:
            device_id = lift.global_id
        taken.add(device_id)
        for point in PROFILES["lift"]:
            rows.append(RegistryRow(device_id, lift.global_id, point, heartbeat_s))
    return rows


@dataclass(frozen=True)
class Fault:
    kind: str
    device_id: str


def parse_fault(text: str) -> Fault:
    """``leak:LD-0305`` → a fault.

    Raises
    ------
    FaultSpecError
    """
    kind, _, device_id = text.partition(":")
    if kind not in FAULT_KINDS or not device_id:
        raise FaultSpecError(f"fault {text!r}: use KIND:DEVICE with KIND in {FAULT_KINDS}")
    return Fault(kind, device_id)


@dataclass
class _Sim:
    device: Device
    phase: float
    temp: float
    energy: float
    floor: float = 0.0
    extras: dict[str, float] = field(default_factory=dict)


class Simulator:
    """Readings for a set of devices, one tick at a time.

    Values follow the working day (in ``utc_offset_h`` local time): rooms
    fill from 08:30 to 18:00, fan coils run while people are there, CO2 and
    temperature follow occupancy, meters count up.
    """

    def __init__(
        self,
        devices: Sequence[Device],
        *,
        seed: int = 0,
        faults: Iterable[Fault] = (),
        utc_offset_h: float = 8.0,
    ) -> None:
        self._random = random.Random(seed)
        self._sims = [
            _Sim(d, self._random.random() * math.tau, 22.0 + self._random.random() * 2, 1000.0)
            for d in devices
        ]
        self.faults: dict[str, set[str]] = {}
        for fault in faults:
            self.inject(fault)
        self._offset_s = utc_offset_h * 3600.0
        self._last: float | None = None

    def inject(self, fault: Fault) -> None:
        self.faults.setdefault(fault.device_id, set()).add(fault.kind)

    def clear(self, device_id: str) -> None:
        self.faults.pop(device_id, None)

    def tick(self, now: float) -> list[dict[str, object]]:
        """One reading per (not offline) device at ``now`` (epoch seconds)."""
        dt = 1.0 if self._last is None else max(now - self._last, 0.0)
        self._last = now
        ts = datetime.fromtimestamp(now, UTC).isoformat().replace("+00:00", "Z")
        local_h = ((now + self._offset_s) % 86400.0) / 3600.0
        weekday = datetime.fromtimestamp(now + self._offset_s, UTC).isoweekday()
        working = weekday <= 5 and 8.5 <= local_h < 18.0
        readings = []
        rnd = self._random
        for sim in self._sims:
            device = sim.device
            faults = self.faults.get(device.device_id, ())
            if "offline" in faults:
                continue
            busy = working and math.sin(sim.phase + now / 1800.0) > -0.3
            people = rnd.randint(1, 6) if busy else 0
            target = 24.5 if busy else 22.0
            sim.temp += (target - sim.temp) * 0.01 * dt + rnd.gauss(0, 0.02)
            if "drift" in faults:
                sim.temp += DRIFT_DEGC_PER_S * dt
            sim.energy += METER_MEAN_KW * (1.5 if working else 0.4) * dt / 3600.0
            values: dict[str, object] = {}
            for name, spec in device.points.items():
                values[name] = self._value(sim, spec, faults, busy, people)
            readings.append({"device_id": device.device_id, "ts": ts, "values": values})
        return readings

    def _value(
        self, sim: _Sim, spec: PointSpec, faults: Iterable[str], busy: bool, people: int
    ) -> object:
        brick = spec.brick_class
        rnd = self._random
        if brick == "On_Off_Status":
            return busy
        if brick == "Fault_Status":
            return "fault" in faults
        if brick == "Leak_Alarm":
            return "leak" in faults
        if brick == "Fan_Speed_Command":
            return float(rnd.randint(1, 3)) if busy else 0.0
        if brick == "Supply_Air_Temperature_Sensor":
            return round(16.0 + rnd.gauss(0, 0.3), 2) if busy else round(sim.temp, 2)
        if brick == "Zone_Air_Temperature_Sensor":
            return round(min(sim.temp, 59.0), 2)
        if brick == "CO2_Sensor":
            return round(420.0 + people * 90.0 + rnd.gauss(0, 10), 1)
        if brick == "Occupancy_Count_Sensor":
            return float(people)
        if spec.medium is not None and spec.accumulation == "cumulative":
            return round(sim.energy, 4)
        if brick == "Position_Sensor":
            sim.floor = float(rnd.randint(0, 5)) if rnd.random() < 0.05 else sim.floor
            return sim.floor
        if brick == "Water_Temperature_Sensor":
            return round(70.0 + rnd.gauss(0, 0.5), 2)
        lo = spec.min if spec.min is not None else 0.0
        hi = spec.max if spec.max is not None else lo + 1.0
        return round(lo + (hi - lo) * 0.5, 3)
