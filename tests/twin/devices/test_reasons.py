"""Alarm reasons: each code's English text reads back as the same code and parameters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from twin.devices.alarms import AlarmBook
from twin.devices.reasons import CODES, alarm_title, reason_of, reason_text
from twin.devices.registry import PointSpec
from twin.devices.rules import evaluate


@pytest.mark.parametrize(
    ("kind", "point", "code", "params"),
    [
        (
            "threshold",
            "temp",
            "above",
            {"point": "temp", "value": 31.5, "unit": "degC", "limit": 30.0},
        ),
        ("threshold", "co2", "below", {"point": "co2", "value": -2.0, "unit": "", "limit": 0.5}),
        ("boolean", "leak", "state", {"point": "leak", "state": True}),
        ("offline", "offline", "offline", {"seconds": 120.0}),
    ],
)
def test_a_reason_text_reads_back_as_its_code_and_parameters(kind, point, code, params):
    text = reason_text(code, **params)
    assert reason_of(kind, point, text) == (code, params)


def test_a_patrol_reason_carries_its_rule_and_the_conditions_that_held():
    text = reason_text("patrol", description="Lights on", conditions=["room_empty", "after_hours"])
    assert text == "Lights on (room_empty, after_hours)"
    found = reason_of("patrol", "patrol:light-on-unoccupied", text)
    assert found == (
        "patrol",
        {"rule": "light-on-unoccupied", "conditions": ["room_empty", "after_hours"]},
    )


def test_the_rules_write_reasons_with_a_code():
    spec = PointSpec(
        "temp", "Zone_Air_Temperature_Sensor", "degC", warn_above=28.0, alarm_below=12.0
    )
    level, text = evaluate(spec, 29.25)
    assert (level, text) == ("warning", "temp 29.25 degC above 28")
    assert reason_of("threshold", "temp", text) == (
        "above",
        {"point": "temp", "value": 29.25, "unit": "degC", "limit": 28.0},
    )
    assert reason_of("threshold", "temp", evaluate(spec, 3.0)[1])[0] == "below"


def test_an_alarm_exposes_its_reason_code_and_free_text_has_none():
    book = AlarmBook()
    at = datetime(2026, 1, 5, 8, tzinfo=UTC)
    coded = book.raise_or_update(
        building_id="b", device_id="TS-1", global_id=None, point="temp", kind="threshold",
        severity="alarm", reason="temp 33 degC above 32", at=at,
    )  # fmt: skip
    free = book.raise_or_update(
        building_id="b", device_id="EM-1", global_id=None, point="energy:night", kind="energy",
        severity="warning", reason="electricity outside working hours", at=at,
    )  # fmt: skip
    assert coded is not None and free is not None
    assert coded.reason_code == "above" and coded.reason_params["limit"] == 32.0
    assert free.reason_code is None and free.reason_params == {}


def test_an_unknown_code_is_refused():
    with pytest.raises(ValueError, match="unknown reason code"):
        reason_text("nonsense")
    assert "nonsense" not in CODES


def test_a_work_order_titled_from_an_alarm_carries_the_reasons_code():
    from twin.devices.workorders import WorkOrder

    at = datetime(2026, 1, 5, 8, tzinfo=UTC)
    made = WorkOrder(
        id="w1", building_id="b", title=alarm_title("TS-1", "temp 33 degC above 32"),
        status="open", created_at=at, updated_at=at, device_id="TS-1",
    )  # fmt: skip
    typed = WorkOrder(
        id="w2", building_id="b", title="TS-1: replace the filter", status="open",
        created_at=at, updated_at=at, device_id="TS-1",
    )  # fmt: skip
    assert made.title == "TS-1: temp 33 degC above 32"
    assert made.reason_code == "above" and made.reason_params["value"] == 33.0
    assert typed.reason_code is None and typed.reason_params == {}
