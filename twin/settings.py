"""Settings from the environment (``TWIN_`` prefix), read when an entry point starts.

A plain dataclass read with the standard library: every command starts by
reading its settings, and pydantic-settings (pydantic, its source providers,
asyncio, dotenv) took 65 ms to import and 22 ms to read them in a cached
``twin ingest`` of 0.7 s (``python -X importtime``, cProfile). The reading keeps
pydantic-settings' rules: keyword arguments win over ``TWIN_<FIELD>``
variables (matched without regard to case), which win over the defaults;
strings are parsed by the field's type (``1/0``, ``true/false``, ``yes/no``,
``on/off`` for flags), and a value the twin cannot use is a
:class:`SettingsError` naming the variable.
"""

from __future__ import annotations

import os
import re
import types
from dataclasses import MISSING, Field, dataclass, field, fields
from pathlib import Path
from typing import Any, get_args, get_type_hints

from twin.errors import TwinError

APP_NAME = "bim-facility-twin"
#: Prefix of every environment variable the twin reads.
ENV_PREFIX = "TWIN_"

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
#: A whole number written with a zero fraction, ``3.0``.
_DECIMAL_WHOLE = re.compile(r"\s*[+-]?[0-9_]+\.0+\s*")


class SettingsError(TwinError, ValueError):
    """A setting the twin cannot use, e.g. ``TWIN_TICK_S=soon``; names the variable."""


def _user_cache_dir() -> Path:
    import platformdirs  # only when TWIN_CACHE_DIR is unset

    return Path(platformdirs.user_cache_dir(APP_NAME))


def _user_data_dir() -> Path:
    import platformdirs  # only when TWIN_DATA_DIR is unset

    return Path(platformdirs.user_data_dir(APP_NAME))


@dataclass(init=False)
class Settings:
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

    ``Settings(tick_s=3600)`` takes any field as a keyword argument (the
    environment gives the others); unknown keywords are a ``TypeError``.

    Examples
    --------
    >>> Settings(data_dir="twin-data", tick_s=5).data_dir
    PosixPath('twin-data')
    """

    cache_dir: Path = field(default_factory=_user_cache_dir)
    data_dir: Path = field(default_factory=_user_data_dir)
    database_url: str | None = None
    #: The broker; may hold a password, so it stays out of ``repr``.
    mqtt_url: str | None = field(default=None, repr=False)
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
    history_retention_days: float | None = field(default=None, metadata={"gt": 0})
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
    meeting_m2_per_seat: float = field(default=2.0, metadata={"gt": 0})
    #: Minutes after its start an empty booked room is released (no-show).
    meeting_release_after_min: float = field(default=15.0, metadata={"gt": 0})
    #: The buildings' local time zone (opening hours, weekly repetition, calendars).
    meeting_timezone: str = "Asia/Shanghai"
    #: Local opening hours of meeting rooms, ``HH:MM-HH:MM``.
    meeting_hours: str = field(
        default="07:00-22:00", metadata={"pattern": r"^\d\d:\d\d-\d\d:\d\d$"}
    )

    #: Holiday calendar, conversion factors and quotas of the energy domain.
    energy_calendar: Path | None = None
    energy_factors: Path | None = None
    energy_quotas: Path | None = None

    def __init__(self, **values: Any) -> None:
        specs = fields(self)
        unknown = set(values) - {spec.name for spec in specs}
        if unknown:
            raise TypeError(f"Settings() got unknown settings: {', '.join(sorted(unknown))}")
        environment = {name.upper(): value for name, value in os.environ.items()}
        hints = get_type_hints(type(self))
        for spec in specs:
            variable = ENV_PREFIX + spec.name.upper()
            if spec.name in values:
                value = _convert(values[spec.name], hints[spec.name], spec.name)
            elif variable in environment:
                value = _convert(environment[variable], hints[spec.name], variable)
            else:
                value = _default(spec)
            _check(value, spec, variable if spec.name not in values else spec.name)
            setattr(self, spec.name, value)

    @property
    def effective_database_url(self) -> str:
        """``TWIN_DATABASE_URL``, else a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'twin.sqlite3'}"


def get_settings() -> Settings:
    """Settings as the environment says now (read at start-up, never at import)."""
    return Settings()


def _default(spec: Field[Any]) -> Any:
    if spec.default_factory is not MISSING:
        return spec.default_factory()
    return spec.default


def _convert(value: Any, kind: Any, name: str) -> Any:
    """``value`` (a string from the environment, or a Python value) as ``kind``."""
    if isinstance(kind, types.UnionType):  # ``X | None``: the only unions here
        if value is None:
            return None
        (kind,) = (arg for arg in get_args(kind) if arg is not type(None))
    if kind is Path and isinstance(value, str | os.PathLike):
        return Path(value)
    if kind is str and isinstance(value, str):
        return value
    if kind is bool:
        if isinstance(value, bool):
            return value
        word = str(value).lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise SettingsError(f"{name}: {value!r} is not a flag (true/false, 1/0, yes/no, on/off)")
    if kind in (int, float) and not isinstance(value, bool):
        number = _number(value, whole=kind is int)
        if number is not None:
            return kind(number)
        what = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name}: {value!r} is not {what}")
    raise SettingsError(f"{name}: {value!r} is not a {kind.__name__}")


def _number(value: Any, *, whole: bool) -> float | int | None:
    """A number from ``value``; with ``whole``, only one without a fraction
    (``3`` or ``3.0``, as pydantic reads them: not ``3.5`` nor ``1e3``)."""
    if isinstance(value, str):
        if not value.isascii():
            return None
        if whole and _DECIMAL_WHOLE.fullmatch(value):
            value = value.strip().split(".")[0]
        try:
            return int(value) if whole else float(value)
        except ValueError:
            return None
    if isinstance(value, int | float) and not (whole and not float(value).is_integer()):
        return value
    return None


def _check(value: Any, spec: Field[Any], name: str) -> None:
    """The field's constraints (``gt``, ``pattern``) on a converted value."""
    if value is None:
        return
    if "gt" in spec.metadata and not value > spec.metadata["gt"]:
        raise SettingsError(f"{name}: {value!r} must be greater than {spec.metadata['gt']}")
    if "pattern" in spec.metadata and not re.match(spec.metadata["pattern"], value):
        raise SettingsError(f"{name}: {value!r} must match {spec.metadata['pattern']}")
