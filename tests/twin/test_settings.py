"""Settings: ``TWIN_*`` variables read with their types, keyword arguments first."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from twin.errors import TwinError
from twin.settings import APP_NAME, Settings, SettingsError


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The environment with no ``TWIN_`` variable but the ones a test sets."""
    import os

    for name in list(os.environ):
        if name.upper().startswith("TWIN_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_unset_variables_give_the_documented_defaults(env) -> None:
    settings = Settings()
    assert settings.cache_dir == Path(platformdirs.user_cache_dir(APP_NAME))
    assert settings.data_dir == Path(platformdirs.user_data_dir(APP_NAME))
    assert settings.database_url is None and settings.mqtt_url is None
    assert settings.effective_database_url == f"sqlite:///{settings.data_dir / 'twin.sqlite3'}"
    assert (settings.tick_s, settings.max_upload_mb, settings.max_readings_mb) == (1.0, 200.0, 16.0)
    assert (settings.mqtt_session_expiry_s, settings.preload) == (3600, True)
    assert (settings.meeting_hours, settings.meeting_timezone) == ("07:00-22:00", "Asia/Shanghai")


def test_variables_are_parsed_by_the_type_of_their_setting(env) -> None:
    env.setenv("TWIN_CACHE_DIR", "cache-here")
    env.setenv("TWIN_DATABASE_URL", "postgresql+psycopg://twin@db/twin")
    env.setenv("TWIN_TICK_S", " 0.25 ")
    env.setenv("TWIN_MQTT_SESSION_EXPIRY_S", "7.0")
    env.setenv("TWIN_HISTORY_RETENTION_DAYS", "30")
    env.setenv("TWIN_PATROL_RULES", "rules.json")
    settings = Settings()
    assert settings.cache_dir == Path("cache-here")
    assert settings.effective_database_url == "postgresql+psycopg://twin@db/twin"
    assert settings.tick_s == 0.25
    assert settings.mqtt_session_expiry_s == 7 and isinstance(settings.mqtt_session_expiry_s, int)
    assert settings.history_retention_days == 30.0
    assert settings.patrol_rules == Path("rules.json")


@pytest.mark.parametrize(
    ("word", "value"),
    [
        *[("1", True), ("TRUE", True), ("yes", True), ("On", True), ("y", True)],
        *[("0", False), ("false", False), ("No", False), ("off", False), ("f", False)],
    ],
)
def test_flags_take_the_usual_words(env, word: str, value: bool) -> None:
    env.setenv("TWIN_PRELOAD", word)
    assert Settings().preload is value


def test_variable_names_match_without_regard_to_case(env) -> None:
    env.setenv("twin_max_upload_mb", "5")
    assert Settings().max_upload_mb == 5.0


def test_keyword_arguments_win_and_the_environment_gives_the_rest(env, tmp_path) -> None:
    env.setenv("TWIN_TICK_S", "0.5")
    env.setenv("TWIN_DATABASE_URL", "sqlite:///elsewhere.sqlite3")
    settings = Settings(data_dir=str(tmp_path), tick_s=3600)
    assert settings.data_dir == tmp_path
    assert settings.tick_s == 3600.0 and isinstance(settings.tick_s, float)
    assert settings.database_url == "sqlite:///elsewhere.sqlite3"


@pytest.mark.parametrize(
    ("variable", "text", "reason"),
    [
        ("TWIN_TICK_S", "soon", "is not a number"),
        ("TWIN_MAX_UPLOAD_MB", "", "is not a number"),
        ("TWIN_TICK_S", "٣", "is not a number"),
        ("TWIN_MQTT_SESSION_EXPIRY_S", "3.5", "is not a whole number"),
        ("TWIN_MQTT_SESSION_EXPIRY_S", "1e3", "is not a whole number"),
        ("TWIN_PRELOAD", "maybe", "is not a flag"),
        ("TWIN_PRELOAD", " true", "is not a flag"),
        ("TWIN_HISTORY_RETENTION_DAYS", "0", "must be greater than 0"),
        ("TWIN_MEETING_M2_PER_SEAT", "-2", "must be greater than 0"),
        ("TWIN_MEETING_HOURS", "7-22", "must match"),
    ],
)
def test_a_value_the_twin_cannot_use_is_an_error_naming_the_variable(
    env, variable: str, text: str, reason: str
) -> None:
    env.setenv(variable, text)
    with pytest.raises(SettingsError, match=reason) as caught:
        Settings()
    assert str(caught.value).startswith(f"{variable}: ")
    assert isinstance(caught.value, TwinError) and isinstance(caught.value, ValueError)


def test_a_bad_keyword_argument_is_an_error_naming_the_setting(env) -> None:
    with pytest.raises(SettingsError, match=r"^meeting_release_after_min: 0\.0 must be greater"):
        Settings(meeting_release_after_min=0)
    with pytest.raises(SettingsError, match=r"^tick_s: 'fast' is not a number"):
        Settings(tick_s="fast")
    with pytest.raises(TypeError, match="tick_seconds"):
        Settings(tick_seconds=1)


def test_the_broker_url_stays_out_of_the_repr(env) -> None:
    settings = Settings(mqtt_url="mqtts://twin:Secret-42@broker:8883")
    assert settings.mqtt_url == "mqtts://twin:Secret-42@broker:8883"
    assert "Secret-42" not in repr(settings) and "tick_s=1.0" in repr(settings)
