"""Where the MQTT broker is and how to reach it (URL, credentials, TLS), and why it failed.

``TWIN_MQTT_URL`` is ``mqtt://[user:pass@]host[:port]`` (plain TCP, port 1883
by default) or ``mqtts://[user:pass@]host[:port]`` (TLS, port 8883). The user
name and password are percent-decoded (``p%40ss`` is ``p@ss``). With TLS the
broker's certificate must chain to ``TWIN_MQTT_CA_FILE`` (default: the
system's trusted CAs) and name the URL's host; ``TWIN_MQTT_CERT_FILE`` and
``TWIN_MQTT_KEY_FILE`` give a client certificate where the broker asks for
one. There is deliberately no switch that turns verification off: a test
broker gets a throwaway CA file instead.

The password never leaves :class:`BrokerAddress` except in the CONNECT
packet: :attr:`BrokerAddress.label`, every error message and ``repr`` show
``user:***@``.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from twin.devices.errors import DeviceError
from twin.devices.mqtt import packets as wire

if TYPE_CHECKING:
    from twin.settings import Settings

PLAIN_SCHEMES = ("mqtt", "tcp")
TLS_SCHEMES = ("mqtts",)
DEFAULT_PORT = 1883
DEFAULT_TLS_PORT = 8883
#: What stands for a password wherever a broker is named.
MASK = "***"

#: CONNACK reasons that retrying cannot cure: the configuration must change.
PERMANENT_REFUSALS = frozenset({0x84, 0x85, 0x86, 0x87, 0x8A, 0x8C, 0x9C, 0x9D})
#: CONNACK reasons about the login (Mosquitto answers a wrong password with 0x87).
LOGIN_REFUSALS = frozenset({0x86, 0x87})
#: OpenSSL's verify codes for a certificate that does not name the host we asked for.
HOST_MISMATCH_CODES = frozenset({62, 64})


class MqttConfigError(DeviceError, ValueError):
    """``TWIN_MQTT_URL`` or the TLS files in the settings are not usable."""


class MqttConnectionError(DeviceError, ConnectionError):
    """The broker refused the connection or the subscription, or did not answer.

    ``permanent`` says whether trying again can help: a broker that is down
    may come back; a wrong password or an untrusted certificate stays wrong.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class MqttRefusedError(MqttConnectionError):
    """The broker answered CONNECT with a failure reason code (``reason_code``)."""

    def __init__(self, broker: str, reason_code: int, reason_string: str | None = None) -> None:
        name = wire.CONNACK_REASONS.get(reason_code, "unknown reason")
        detail = f" ({reason_string})" if reason_string else ""
        hint = (
            "; check the user name and password in TWIN_MQTT_URL"
            if reason_code in LOGIN_REFUSALS
            else ""
        )
        super().__init__(
            f"{broker} refused the connection: {name} (CONNACK 0x{reason_code:02x}){detail}{hint}",
            permanent=reason_code in PERMANENT_REFUSALS,
        )
        self.reason_code = reason_code


class MqttTlsError(MqttConnectionError):
    """No TLS session: the broker's certificate is not trusted or not for this host, our
    certificate was refused, or one side does not speak TLS on that port."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


@dataclass(frozen=True)
class BrokerAddress:
    """A broker and how to log in to it; see the module docstring.

    ``ca_file``, ``cert_file`` and ``key_file`` are PEM files (only with ``tls``).
    """

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: bool = False
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None

    @property
    def label(self) -> str:
        """The broker as a URL without the password, for logs and errors."""
        return broker_label(
            self.host, self.port, tls=self.tls, username=self.username, password=self.password
        )

    def ssl_context(self) -> ssl.SSLContext | None:
        """A client TLS context that checks the broker's certificate and host name
        (``None`` without TLS).

        Raises
        ------
        MqttConfigError
            A file that is missing or not PEM, or a key that does not match the certificate.
        """
        if not self.tls:
            return None
        try:
            context = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
        except (OSError, ssl.SSLError) as exc:
            raise MqttConfigError(f"TWIN_MQTT_CA_FILE {self.ca_file}: {_reason(exc)}") from None
        if self.cert_file is not None:
            try:
                context.load_cert_chain(self.cert_file, self.key_file, password=_refuse_passphrase)
            except (OSError, ssl.SSLError) as exc:
                files = f"{self.cert_file}" + (f", {self.key_file}" if self.key_file else "")
                raise MqttConfigError(
                    f"TWIN_MQTT_CERT_FILE/TWIN_MQTT_KEY_FILE ({files}): {_reason(exc)}"
                ) from None
        return context


def broker_label(
    host: str, port: int, *, tls: bool, username: str | None = None, password: str | None = None
) -> str:
    """``mqtts://user:***@host:port``: the broker named without its password."""
    login = ""
    if username:
        login = f"{username}:{MASK}@" if password else f"{username}@"
    shown = f"[{host}]" if ":" in host else host
    return f"{'mqtts' if tls else 'mqtt'}://{login}{shown}:{port}"


def mask_url(url: str) -> str:
    """``url`` with the password of its ``user:pass@`` part replaced by ``***``."""
    return re.sub(r"(//[^/@:]*:)[^/@]*@", rf"\1{MASK}@", url)


def parse_mqtt_url(
    url: str,
    *,
    ca_file: Path | None = None,
    cert_file: Path | None = None,
    key_file: Path | None = None,
) -> BrokerAddress:
    """``mqtt://`` or ``mqtts://[user:pass@]host[:port]`` with the TLS files as an address.

    Raises
    ------
    MqttConfigError
        Another scheme, no host, a bad port, TLS files for a plain URL, or a key
        without its certificate.

    Examples
    --------
    >>> a = parse_mqtt_url("mqtts://twin:p%40ss@broker.example:8883")
    >>> a.password, a.label
    ('p@ss', 'mqtts://twin:***@broker.example:8883')
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in PLAIN_SCHEMES + TLS_SCHEMES or not parts.hostname:
        raise MqttConfigError(f"not an mqtt:// or mqtts:// URL: {mask_url(url)!r}")
    try:
        port = parts.port
    except ValueError:
        raise MqttConfigError(f"bad port in the MQTT URL {mask_url(url)!r}") from None
    tls = scheme in TLS_SCHEMES
    if not tls and (ca_file or cert_file or key_file):
        raise MqttConfigError(
            "TWIN_MQTT_CA_FILE/TWIN_MQTT_CERT_FILE/TWIN_MQTT_KEY_FILE are set but "
            f"{mask_url(url)!r} is not TLS: use mqtts://"
        )
    if key_file and not cert_file:
        raise MqttConfigError("TWIN_MQTT_KEY_FILE needs TWIN_MQTT_CERT_FILE (its certificate)")
    return BrokerAddress(
        host=parts.hostname,
        port=port or (DEFAULT_TLS_PORT if tls else DEFAULT_PORT),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        tls=tls,
        ca_file=ca_file,
        cert_file=cert_file,
        key_file=key_file,
    )


def broker_from_settings(settings: Settings) -> BrokerAddress | None:
    """The broker ``TWIN_MQTT_URL`` and the ``TWIN_MQTT_*_FILE`` settings name (``None``: off)."""
    if not settings.mqtt_url:
        return None
    return parse_mqtt_url(
        settings.mqtt_url,
        ca_file=settings.mqtt_ca_file,
        cert_file=settings.mqtt_cert_file,
        key_file=settings.mqtt_key_file,
    )


def connack_error(broker: str, connack: wire.Connack) -> MqttRefusedError | None:
    """The refusal a CONNACK carries, or ``None`` when it accepts the connection."""
    if connack.reason_code < 0x80:
        return None
    return MqttRefusedError(broker, connack.reason_code, connack.properties.get(wire.REASON_STRING))


def tls_error(broker: str, exc: OSError) -> MqttTlsError:
    """What a failed TLS handshake means, in words (``exc``: an :class:`ssl.SSLError`, or
    the reset of a peer that hung up on our hello)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        why = str(exc.verify_message).rstrip(".")
        hint = (
            "it must name the host of TWIN_MQTT_URL"
            if exc.verify_code in HOST_MISMATCH_CODES
            else "TWIN_MQTT_CA_FILE must hold the CA that signed it"
        )
        return MqttTlsError(f"{broker}: the broker's certificate was refused ({why}); {hint}")
    if not isinstance(exc, ssl.SSLError):
        return MqttTlsError(
            f"{broker} hung up on the TLS handshake; if that port is plain TCP, use mqtt://"
        )
    return MqttTlsError(
        f"{broker}: TLS handshake failed ({_reason(exc)}); "
        "is it a TLS port, and does the broker accept our client certificate?"
    )


def closed_before_connack(broker: str, *, tls: bool) -> MqttConnectionError:
    """The broker hung up on our CONNECT: a TLS port spoken to in plain TCP, mostly."""
    hint = "" if tls else "; if that port speaks TLS, use mqtts://"
    return MqttConnectionError(
        f"{broker} closed the connection before answering CONNECT{hint}", permanent=True
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason).replace("_", " ").lower()
    return getattr(exc, "strerror", None) or str(exc)


def _refuse_passphrase() -> bytes:
    # Without this callback OpenSSL would prompt on the terminal for an encrypted key.
    raise MqttConfigError("TWIN_MQTT_KEY_FILE is encrypted: give an unencrypted key file")
