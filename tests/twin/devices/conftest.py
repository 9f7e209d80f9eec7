"""Shared helpers of the device tests: a fake clock and a service on a temp database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from twin.devices.hub import DeviceService
from twin.devices.registry import parse_rows
from twin.store.db import engine_for

#: A Tuesday morning, 10:00 in Shanghai (working hours).
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC).timestamp()


class FakeClock:
    """Epoch seconds that tests move by hand."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def iso(self, offset_s: float = 0.0) -> str:
        return datetime.fromtimestamp(self.now + offset_s, UTC).isoformat().replace("+00:00", "Z")


ROWS = [
    {
        "device_id": "TS-01",
        "point": "temp",
        "brick_class": "Zone_Air_Temperature_Sensor",
        "unit": "degC",
        "min": "-20",
        "max": "60",
        "warn_above": "28",
        "alarm_above": "32",
        "heartbeat_s": "60",
    },
    {
        "device_id": "TS-01",
        "point": "co2",
        "brick_class": "CO2_Sensor",
        "unit": "ppm",
        "min": "0",
        "max": "5000",
        "alarm_above": "1500",
    },
    {
        "device_id": "LD-01",
        "point": "leak",
        "brick_class": "Leak_Detector_Equipment",
        "unit": "bool",
        "alarm_when": "true",
        "heartbeat_s": "60",
    },
    {
        "device_id": "EM-01",
        "point": "energy",
        "brick_class": "Electrical_Meter",
        "unit": "kWh",
        "min": "0",
    },
]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_service(url: str, clock: FakeClock, **kwargs) -> DeviceService:  # type: ignore[no-untyped-def]
    service = DeviceService(engine_for(url), clock=clock, flush_interval_s=0.005, **kwargs)
    service.open()
    return service


@pytest.fixture
def service(tmp_path, clock) -> Iterator[DeviceService]:  # type: ignore[no-untyped-def]
    svc = make_service(f"sqlite:///{tmp_path / 'twin.sqlite3'}", clock)
    svc.load_registry("B1", parse_rows(ROWS))
    yield svc
    svc.close()
