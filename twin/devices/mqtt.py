"""MQTT ingestion: subscribe to device states on a broker (paho-mqtt 2, MQTT 5).

Topic scheme: ``twin/<building_id>/<device_id>/state`` with payload
``{"ts": "<ISO-8601 UTC>", "values": {"<point>": <number|bool>}}``, QoS 1.
With ``share_group`` set the subscription is the MQTT 5 shared subscription
``$share/<group>/twin/+/+/state``: the broker hands each message to one
member of the group, so several service processes split the load.

The network thread of paho calls the device service directly; the service
only updates memory and queues rows, so the callback stays short.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from twin.devices.errors import DeviceError
from twin.devices.service import DeviceService

log = logging.getLogger(__name__)

#: The subscription filter of device states.
STATE_FILTER = "twin/+/+/state"
QOS = 1
#: Seconds between keep-alive pings.
KEEPALIVE_S = 30
#: Seconds to wait for the broker's CONNACK/SUBACK at start.
CONNECT_TIMEOUT_S = 10.0


class MqttConfigError(DeviceError, ValueError):
    """``TWIN_MQTT_URL`` is not an ``mqtt://host:port`` URL."""


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def parse_mqtt_url(url: str) -> BrokerAddress:
    """``mqtt://[user:pass@]host[:port]`` as an address (port 1883 by default)."""
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "tcp") or not parts.hostname:
        raise MqttConfigError(f"not an mqtt:// URL: {url!r}")
    return BrokerAddress(parts.hostname, parts.port or 1883, parts.username, parts.password)


def topic_for(building_id: str, device_id: str) -> str:
    """The state topic of a device."""
    return f"twin/{building_id}/{device_id}/state"


class MqttIngest:
    """A subscriber that feeds device states from the broker into the service."""

    def __init__(self, service: DeviceService, url: str, *, share_group: str | None = None) -> None:
        self.service = service
        self.address = parse_mqtt_url(url)
        self.topic = f"$share/{share_group}/{STATE_FILTER}" if share_group else STATE_FILTER
        self.received = 0
        self._subscribed = threading.Event()
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"twin-{uuid.uuid4().hex[:12]}",
            protocol=mqtt.MQTTv5,
        )
        if self.address.username:
            self._client.username_pw_set(self.address.username, self.address.password)
        self._client.on_connect = self._on_connect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message

    def start(self, *, wait: bool = True) -> None:
        """Connect and subscribe (in paho's network thread); reconnects on its own."""
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 0
        self._client.connect_async(
            self.address.host, self.address.port, KEEPALIVE_S, properties=properties
        )
        self._client.loop_start()
        if wait and not self._subscribed.wait(CONNECT_TIMEOUT_S):
            log.warning("MQTT: no subscription to %s within %.0f s", self.topic, CONNECT_TIMEOUT_S)

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    @property
    def subscribed(self) -> bool:
        return self._subscribed.is_set()

    def _on_connect(self, client, _userdata, _flags, reason_code, _properties) -> None:  # type: ignore[no-untyped-def]
        if reason_code.is_failure:
            log.error("MQTT connect to %s refused: %s", self.address.host, reason_code)
            return
        # Subscribe on every (re)connect: the session is not kept by the broker.
        client.subscribe(self.topic, qos=QOS)

    def _on_subscribe(self, _client, _userdata, _mid, reason_codes, _properties) -> None:  # type: ignore[no-untyped-def]
        if any(code.is_failure for code in reason_codes):
            log.error("MQTT subscription to %s refused: %s", self.topic, reason_codes)
            return
        log.info(
            "MQTT: subscribed to %s on %s:%d", self.topic, self.address.host, self.address.port
        )
        self._subscribed.set()

    def _on_message(self, _client, _userdata, message) -> None:  # type: ignore[no-untyped-def]
        self.received += 1
        try:
            self.service.ingest_mqtt(message.topic, message.payload)
        except Exception:
            log.exception("MQTT message on %s could not be processed", message.topic)
