"""Alarm reasons: each code's English text reads back as the same code and parameters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from twin.devices.alarms import AlarmBook
from twin.devices.reasons import (
    CODES,
    ROOMS_NAMED,
    alarm_title,
    energy_rooms,
    reason_of,
    reason_text,
)
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


NIGHT = {
    "medium": "electricity", "day": "2026-10-21", "value": 1.24, "unit": "kWh",
    "baseline": 0.52, "rooms": ["101 办公室"], "more_rooms": 0,
}  # fmt: skip


@pytest.mark.parametrize(
    ("point", "code", "params"),
    [
        ("energy:night", "night", NIGHT),
        ("energy:night", "night", NIGHT | {"baseline": 0.0, "rooms": [], "medium": "water"}),
        (
            "energy:jump",
            "jump",
            NIGHT | {"value": 49.0, "baseline": 24.5, "rooms": ["201", "202, east"]},
        ),
        (
            "energy:jump",
            "jump",
            NIGHT | {"rooms": [f"R{n}" for n in range(5)], "more_rooms": 3, "unit": "m3"},
        ),
        (
            "energy:submeters",
            "submeters",
            {"meters": ["L101", "L201"], "value": 90.0, "unit": "kWh", "day": "2026-10-21",
             "parent": "MAIN", "baseline": 81.0},
        ),
    ],
)  # fmt: skip
def test_an_energy_anomaly_reason_reads_back_as_its_code_and_parameters(point, code, params):
    text = reason_text(code, **params)
    found = reason_of("energy", point, text)
    assert found is not None and found[0] == code
    if params.get("rooms") == ["201", "202, east"]:
        # A label with ", " in it reads back split: the text cannot tell them apart.
        assert found[1]["rooms"] == ["201", "202", "east"]
    else:
        assert found[1] == params
    # Only the alarm of its own anomaly reads it.
    other = "energy:jump" if code != "jump" else "energy:night"
    assert reason_of("energy", other, text) is None
    assert reason_of("threshold", point, text) is None


def test_the_night_reason_keeps_its_english_text():
    assert reason_text("night", **NIGHT) == (
        "electricity outside working hours on 2026-10-21: 1.24 kWh/h, 2.4× the usual 0.52;"
        " rooms: 101 办公室"
    )
    assert reason_text("jump", **NIGHT | {"rooms": [], "more_rooms": 2}).endswith(
        "; rooms: no room and 2 more"
    )


def test_energy_rooms_name_the_first_rooms_and_count_the_rest():
    labels = [f"R{n}" for n in range(ROOMS_NAMED + 2)]
    assert energy_rooms(labels) == {"rooms": labels[:ROOMS_NAMED], "more_rooms": 2}
    assert energy_rooms(labels[:1]) == {"rooms": labels[:1], "more_rooms": 0}


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


def test_a_devices_status_reason_carries_the_code_of_its_worst_condition(service, clock):
    def reading(device: str, offset_s: float, **values: object) -> dict[str, object]:
        return {"device_id": device, "ts": clock.iso(offset_s), "values": values}

    service.ingest([reading("TS-01", 0, temp=22.0, co2=500)])
    normal = service.state("TS-01")
    assert (normal.reason, normal.reason_code, normal.reason_params) == ("", None, {})
    service.ingest([reading("TS-01", 1, temp=29.5)])
    warm = service.state("TS-01")
    assert warm.reason_code == "above"
    assert warm.reason_params == {"point": "temp", "value": 29.5, "unit": "degC", "limit": 28.0}
    service.ingest([reading("TS-01", 2, co2=1600.0)])  # an alarm beats the warning
    assert service.state("TS-01").reason_code == "above"
    assert service.state("TS-01").reason_params["point"] == "co2"
    service.ingest([reading("LD-01", 2, leak=True)])
    leak = service.state("LD-01")
    assert (leak.reason_code, leak.reason_params) == ("state", {"point": "leak", "state": True})
    clock.now += 120
    service.check_heartbeats()
    silent = service.state("TS-01")
    assert silent.status == "offline"
    assert (silent.reason_code, silent.reason_params) == ("offline", {"seconds": 60.0})
