"""MQTT ingestion: device states from a broker into the device service (MQTT 5, QoS 1).

Topics: :mod:`twin.devices.mqtt.topics`; payload
``{"ts": "<ISO-8601 UTC>", "values": {"<point>": <number|bool>}}``, QoS 1.
With ``share_group`` set the subscription is the MQTT 5 shared subscription
of the state topics: the broker hands each message to one member of the
group, so several service processes split the load.

The connection is our own :class:`~twin.devices.mqtt.client.MqttSubscriber`
(paho's per-message callbacks capped ingestion near 1,700 messages/s here):
every read's messages go to :meth:`DeviceService.ingest_mqtt_batch` at once,
and are acknowledged to the broker only once their readings are committed.
The session is persistent (a fixed client id, a session expiry), so messages
published while the service is down or restarting wait at the broker.

The broker (URL, login, TLS) is a :class:`~twin.devices.mqtt.broker.BrokerAddress`;
:func:`check_broker` lets an entry point refuse to start when the broker
turns the login or the TLS set-up down, rather than retry for ever.
"""

from __future__ import annotations

import logging
import socket
import uuid
from concurrent.futures import Future

from twin.devices.hub import DeviceService
from twin.devices.mqtt.broker import BrokerAddress, parse_mqtt_url
from twin.devices.mqtt.client import MqttSubscriber
from twin.devices.mqtt.packets import Publish
from twin.devices.mqtt.publisher import MqttBatchPublisher
from twin.devices.mqtt.topics import subscription_filter

log = logging.getLogger(__name__)

QOS = 1
#: Seconds between keep-alive pings.
KEEPALIVE_S = 30
#: Seconds to wait for the broker's CONNACK/SUBACK at start.
CONNECT_TIMEOUT_S = 10.0
#: How long the broker keeps our session (and queues our messages) while we are away, s.
SESSION_EXPIRY_S = 3600
#: Unacknowledged messages the broker may have in flight to us (the protocol's maximum).
RECEIVE_MAXIMUM = 65_535


def default_client_id(share_group: str | None = None) -> str:
    """A client id that stays the same across restarts on this host (the session's key).

    Several workers on one host must each set their own (``TWIN_MQTT_CLIENT_ID``):
    two connections with one id take the session from each other.
    """
    return f"twin-{socket.gethostname()}" + (f"-{share_group}" if share_group else "")


def check_broker(broker: BrokerAddress) -> None:
    """Log in to the broker once and leave: does it accept our TLS set-up and login?

    Uses a throwaway client id with a clean start, never the service's: a
    clean start with the service's id would end its persistent session.

    Raises
    ------
    MqttConfigError
        The TLS files cannot be used.
    MqttConnectionError
        The broker cannot be reached or refuses us; ``permanent`` when only a
        change of configuration can help (login, certificates, TLS or not).
    """
    MqttBatchPublisher.to(broker, client_id=f"twin-check-{uuid.uuid4().hex[:10]}").close()


class MqttIngest:
    """A subscriber that feeds device states from the broker into the service.

    Parameters
    ----------
    service
        Where the readings go.
    broker
        The broker, or its URL ``mqtt[s]://[user:pass@]host[:port]`` (no TLS files).
    share_group
        Join the MQTT 5 shared subscription of this group.
    client_id
        The persistent session's id (default: :func:`default_client_id`).
    session_expiry_s
        How long the broker keeps the session while we are away (0: not at all).
    """

    def __init__(
        self,
        service: DeviceService,
        broker: BrokerAddress | str,
        *,
        share_group: str | None = None,
        client_id: str | None = None,
        session_expiry_s: int = SESSION_EXPIRY_S,
    ) -> None:
        self.service = service
        self.address = parse_mqtt_url(broker) if isinstance(broker, str) else broker
        self.topic = subscription_filter(share_group)
        self._client = MqttSubscriber(
            self.address.host,
            self.address.port,
            self.topic,
            self._on_batch,
            client_id=client_id or default_client_id(share_group),
            qos=QOS,
            session_expiry_s=session_expiry_s,
            keepalive_s=KEEPALIVE_S,
            receive_maximum=RECEIVE_MAXIMUM,
            username=self.address.username,
            password=self.address.password,
            tls=self.address.ssl_context(),
        )

    def start(self, *, wait: bool = True) -> None:
        """Connect and subscribe (on the client's thread); reconnects on its own."""
        self._client.start(wait=wait, timeout_s=CONNECT_TIMEOUT_S)

    def stop(self) -> None:
        """Acknowledge what is committed and disconnect; the broker keeps the rest."""
        self._client.stop()

    @property
    def subscribed(self) -> bool:
        return self._client.subscribed

    @property
    def status(self) -> str:
        """For ``/health``: subscribed, connecting, or failing and why (never the password)."""
        return self._client.status

    @property
    def received(self) -> int:
        """Messages received since start (redeliveries included)."""
        return self._client.received

    @property
    def acknowledged(self) -> int:
        return self._client.acknowledged

    @property
    def client(self) -> MqttSubscriber:
        return self._client

    def _on_batch(self, messages: list[Publish]) -> Future[None] | None:
        return self.service.ingest_mqtt_batch(messages).durable
