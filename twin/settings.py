"""Settings from the environment (``TWIN_`` prefix), read when an entry point starts."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "bim-facility-twin"


class Settings(BaseSettings):
    """Where the twin keeps its files and which services it talks to.

    ``TWIN_CACHE_DIR``: the ingest cache (default: the user's cache directory).
    ``TWIN_DATA_DIR``: registered buildings and the SQLite database (default:
    the user's data directory). ``TWIN_DATABASE_URL``: a SQLAlchemy URL that
    replaces the SQLite file (e.g. PostgreSQL). ``TWIN_MQTT_URL``: the MQTT
    broker (``mqtt://[user:pass@]host:port``, ``mqtts://...`` for TLS); unset
    means MQTT ingestion is off. ``TWIN_MQTT_CA_FILE``: the CA that signed the
    broker's certificate (default: the system's CAs); ``TWIN_MQTT_CERT_FILE``
    and ``TWIN_MQTT_KEY_FILE``: a client certificate and its key (PEM).
    ``TWIN_MQTT_SHARE_GROUP``: join an MQTT 5 shared subscription so several
    processes split the load. ``TWIN_MQTT_CLIENT_ID``: the client id of the
    persistent MQTT session (default ``twin-<hostname>[-<group>]``; give each
    worker its own). ``TWIN_MQTT_SESSION_EXPIRY_S``: how long the broker keeps
    that session and queues messages while the service is away.
    ``TWIN_PATROL_RULES``: a patrol rules file.
    ``TWIN_HISTORY_RETENTION_DAYS``: how long raw readings are kept.
    ``TWIN_MAX_UPLOAD_MB``: the largest model upload the API accepts.
    ``TWIN_MEETING_*``: meeting rooms' seats per m², no-show release delay,
    time zone and opening hours. ``TWIN_ENERGY_CALENDAR``, ``TWIN_ENERGY_FACTORS``,
    ``TWIN_ENERGY_QUOTAS``: the energy domain's holiday calendar, kgce/CO₂
    factors and quotas (default: the shipped files in ``twin/data/energy``).
    ``TWIN_MAX_READINGS_MB``: the largest ``POST /readings`` body.
    ``TWIN_LISTEN_HOST``: the address the API listens on (``twin serve --host``
    sets it); the API runs open (no key) only on a loopback address.
    """

    model_config = SettingsConfigDict(env_prefix="TWIN_", extra="ignore")

    cache_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_cache_dir(APP_NAME)))
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME)))
    database_url: str | None = None
    #: The broker; may hold a password, so it stays out of ``repr``.
    mqtt_url: str | None = Field(default=None, repr=False)
    #: PEM file of the CA(s) the broker's TLS certificate must chain to; unset: the system's.
    mqtt_ca_file: Path | None = None
    #: PEM client certificate (and key, unless ``mqtt_key_file``) for brokers that ask for one.
    mqtt_cert_file: Path | None = None
    mqtt_key_file: Path | None = None
    #: MQTT 5 shared-subscription group (``$share/<group>/...``); unset: plain subscription.
    mqtt_share_group: str | None = None
    #: MQTT client id, the key of the persistent session; unset: ``twin-<hostname>[-<group>]``.
    mqtt_client_id: str | None = None
    #: Seconds the broker keeps the session (and queues QoS 1 messages) while we are away.
    mqtt_session_expiry_s: int = 3600
    #: Patrol rules file (default: the shipped ``twin/data/patrol_rules.json``).
    patrol_rules: Path | None = None
    #: Seconds between heartbeat checks.
    tick_s: float = 1.0
    #: Days of raw readings kept (older months are dropped; rollups stay); unset: all.
    history_retention_days: float | None = Field(default=None, gt=0)
    #: Largest model upload accepted by the API, MB (``TWIN_MAX_UPLOAD_MB``), per request.
    max_upload_mb: float = 200.0
    #: Largest body of ``POST /readings``, MB (``TWIN_MAX_READINGS_MB``).
    max_readings_mb: float = 16.0
    #: The address the API listens on (``twin serve --host`` sets it): open mode
    #: (no key needed) is possible only on a loopback address.
    listen_host: str = "127.0.0.1"
    #: Largest IFC text an uploaded ``.ifczip`` may inflate to, as a multiple of the upload cap.
    max_unzip_factor: float = 20.0
    #: Load every registered building in the background at start-up.
    preload: bool = True
    #: Usable area per seat of a meeting room without a modelled occupancy number, m².
    meeting_m2_per_seat: float = Field(default=2.0, gt=0)
    #: Minutes after its start an empty booked room is released (no-show).
    meeting_release_after_min: float = Field(default=15.0, gt=0)
    #: The buildings' local time zone (opening hours, weekly repetition, calendars).
    meeting_timezone: str = "Asia/Shanghai"
    #: Local opening hours of meeting rooms, ``HH:MM-HH:MM``.
    meeting_hours: str = Field(default="07:00-22:00", pattern=r"^\d\d:\d\d-\d\d:\d\d$")

    #: Holiday calendar, conversion factors and quotas of the energy domain.
    energy_calendar: Path | None = None
    energy_factors: Path | None = None
    energy_quotas: Path | None = None

    @property
    def effective_database_url(self) -> str:
        """``TWIN_DATABASE_URL``, else a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'twin.sqlite3'}"


def get_settings() -> Settings:
    """Settings as the environment says now (read at start-up, never at import)."""
    return Settings()
