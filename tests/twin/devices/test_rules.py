from twin.devices.registry import PointSpec
from twin.devices.rules import evaluate

TEMP = PointSpec(
    "temp", "Zone_Air_Temperature_Sensor", "degC", min=0.0, max=50.0,
    warn_above=28.0, alarm_above=32.0, warn_below=16.0,
)  # fmt: skip


def test_levels_rise_at_thresholds():
    assert evaluate(TEMP, 22.0)[0] == "normal"
    assert evaluate(TEMP, 29.0)[0] == "warning"
    assert evaluate(TEMP, 33.0) == ("alarm", "temp 33 degC above 32")
    assert evaluate(TEMP, 15.0)[0] == "warning"


def test_hysteresis_holds_a_level_inside_the_dead_band():
    # Dead band: 2 % of the 50 °C span = 1 °C.
    assert evaluate(TEMP, 31.5, previous="alarm")[0] == "alarm"
    assert evaluate(TEMP, 30.9, previous="alarm")[0] == "warning"
    assert evaluate(TEMP, 27.5, previous="warning")[0] == "warning"
    assert evaluate(TEMP, 26.9, previous="warning")[0] == "normal"
    # Rising again needs the threshold itself, not the dead band.
    assert evaluate(TEMP, 31.5, previous="warning")[0] == "warning"


def test_boolean_alarm_when_true():
    leak = PointSpec("leak", "Leak_Detector_Equipment", "bool", alarm_when=True)
    assert evaluate(leak, True) == ("alarm", "leak is true")
    assert evaluate(leak, False)[0] == "normal"
