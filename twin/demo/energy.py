"""The demo building's meter hierarchy and simulated consumption history.

Meters: ``EM-MAIN`` (the building's incoming supply, on no element), the
model's storey meters ``EM-NN`` under it (each feeds its storey), a lighting
circuit ``EM-02-LT`` under ``EM-02`` feeding three offices of storey 2, and
``WM-MAIN``, the building's water meter.

History (:func:`demo_history`, a reading every 15 minutes up to ``end``):
offices draw more in working hours (the calendar's: weekends and public
holidays are quiet, make-up Saturdays busy), a little at night; the main
meter counts its storeys plus 4 % losses; ``EM-03`` is reset to 0 by a
fault one night; and on the last evening the lights on ``EM-02-LT`` are left
on, so the twin's nightly check raises a "left on at night" alarm.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from spatial.records import Building
from spatial.room_types import RoomTypeRules
from twin.demo.simulator import METER_POINTS
from twin.devices.registry import RegistryRow
from twin.energy.calendar import US_PER_S, WorkingTime

MAIN = "EM-MAIN"
WATER = "WM-MAIN"
CIRCUIT = "EM-02-LT"
FAULTY = "EM-03"
#: Losses between the main meter and the storey meters.
LOSS_SHARE = 0.04
STEP_S = 900
#: Storey load, kW: base (nights, days off) and extra in working hours.
STOREY_BASE_KW, STOREY_WORK_KW = 2.0, 9.0
CIRCUIT_BASE_KW, CIRCUIT_WORK_KW, CIRCUIT_LEFT_ON_KW = 0.2, 1.5, 1.5
WATER_BASE_M3_H, WATER_WORK_M3_H = 0.02, 0.6


def demo_meter_rows(building: Building, template: list[RegistryRow]) -> list[RegistryRow]:
    """The template's rows with the meters put in a hierarchy, plus the demo's own meters."""
    rows = []
    for row in template:
        if row.point.medium is not None:
            row = replace(row, point=replace(row.point, feeds=f"{row.point.feeds};{MAIN}"))
        rows.append(row)
    rows.append(RegistryRow(MAIN, "", replace(METER_POINTS["electricity"], feeds="building")))
    rows.append(RegistryRow(WATER, "", replace(METER_POINTS["water"], feeds="building")))
    floor = next((r.point.feeds for r in template if r.device_id == "EM-02"), None)
    storey = next((s for s in building.storeys if s.name == floor), None)
    if storey is not None:
        types = RoomTypeRules().classify_all(building.spaces)
        offices = [
            s.name for s in building.spaces
            if s.storey_id == storey.global_id and types.get(s.global_id) == "office"
        ][:3]  # fmt: skip
        if offices:
            feeds = ";".join([*offices, "EM-02"])
            rows.append(RegistryRow(CIRCUIT, "", replace(METER_POINTS["electricity"], feeds=feeds)))
    return rows


def demo_history(
    rows: list[RegistryRow],
    working: WorkingTime,
    *,
    end: datetime,
    days: int,
    after: Mapping[str, tuple[int, float]] | None = None,
    seed: int = 0,
) -> list[tuple[str, str, int, float]]:
    """Readings ``(device_id, point, ts_us, value)`` every 15 minutes for ``days`` up
    to ``end``; ``after`` (device id → its latest stored ``(ts_us, value)``) makes a
    second run go on from what is stored instead of starting the counters again."""
    meters = {r.device_id: r.point for r in rows if r.point.medium is not None}
    storeys = sorted(d for d in meters if d.startswith("EM-") and d[3:].isdigit())
    rnd = random.Random(seed)
    step_h = STEP_S / 3600.0
    end_s = int(end.timestamp()) // STEP_S * STEP_S
    start_s = end_s - days * 86400
    last_evening = working.local_date(end_s * US_PER_S) - timedelta(days=1)
    reset_day = working.local_date(start_s * US_PER_S) + timedelta(days=days // 2)
    counters = dict.fromkeys(meters, 1000.0)
    for device_id, (ts_us, value) in (after or {}).items():
        if device_id in counters:
            counters[device_id] = value
            start_s = max(start_s, ts_us // US_PER_S // STEP_S * STEP_S + STEP_S)
    out: list[tuple[str, str, int, float]] = []
    if start_s >= end_s:
        return []
    for ts in range(start_s, end_s + 1, STEP_S):
        ts_us = ts * US_PER_S
        day = working.local_date(ts_us)
        lo, hi = working.window_us(day)
        busy = lo <= ts_us < hi
        noise = 1.0 + rnd.uniform(-0.05, 0.05)
        circuit = (CIRCUIT_BASE_KW + (CIRCUIT_WORK_KW if busy else 0.0)) * step_h
        local_hour = datetime.fromtimestamp(ts, working.zone).hour
        if day == last_evening and not busy and local_hour >= 18:
            circuit = (CIRCUIT_BASE_KW + CIRCUIT_LEFT_ON_KW) * step_h  # lights left on
        total = 0.0
        for device_id in storeys:
            load = (STOREY_BASE_KW + (STOREY_WORK_KW if busy else 0.0)) * step_h * noise
            if device_id == "EM-02" and CIRCUIT in meters:
                load += circuit
            counters[device_id] += load
            total += load
            if device_id == FAULTY and day == reset_day and local_hour == 3 and ts % 3600 == 0:
                counters[device_id] = load  # the meter was reset: it counts from 0 again
        if CIRCUIT in meters:
            counters[CIRCUIT] += circuit
        counters[MAIN] += total * (1 + LOSS_SHARE)
        counters[WATER] += (WATER_BASE_M3_H + (WATER_WORK_M3_H if busy else 0.0)) * step_h
        for device_id, point in meters.items():
            out.append((device_id, point.name, ts_us, round(counters[device_id], 4)))
    return out
