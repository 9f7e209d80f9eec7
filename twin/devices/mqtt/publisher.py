"""A blocking MQTT 5 publisher that pipelines QoS 1 messages (for the simulator and benchmarks).

Messages are encoded in bulk and written with one ``sendall`` per batch; up
to the broker's receive maximum may wait for their PUBACK at once, and the
acknowledgements are read as they come. One process publishes tens of
thousands of messages per second this way, where paho's per-message locking
and callbacks manage a few thousand. Over TLS (``tls``) the socket is
wrapped before CONNECT and the broker's certificate checked against the host.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import time
import uuid
from collections.abc import Iterable

from twin.devices.mqtt import packets as wire
from twin.devices.mqtt.broker import (
    BrokerAddress,
    MqttConnectionError,
    broker_label,
    closed_before_connack,
    connack_error,
    tls_error,
)

#: Seconds to wait for CONNACK.
CONNECT_TIMEOUT_S = 10.0
RECEIVE_BYTES = 1 << 16


class MqttBatchPublisher:
    """Publishes ``(topic, payload)`` pairs with QoS 1 over one connection.

    Parameters
    ----------
    host, port
        The broker.
    client_id
        Default: a random ``twin-pub-...`` id (a clean, non-persistent session).
    username, password
        The login, sent in CONNECT (never logged).
    tls
        A client TLS context; ``None``: plain TCP.

    Raises
    ------
    MqttConnectionError
        The broker cannot be reached, refuses the login
        (:class:`~twin.devices.mqtt.broker.MqttRefusedError`) or the TLS
        handshake fails (:class:`~twin.devices.mqtt.broker.MqttTlsError`).
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        client_id: str | None = None,
        username: str | None = None,
        password: str | None = None,
        keepalive_s: int = 60,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.label = broker_label(
            host, port, tls=tls is not None, username=username, password=password
        )
        try:
            sock = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S)
        except OSError as exc:
            raise MqttConnectionError(f"{self.label}: {exc.strerror or exc}") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if tls is not None:
            try:
                sock = tls.wrap_socket(sock, server_hostname=host)
            except (ssl.SSLError, ConnectionResetError) as exc:
                sock.close()
                raise tls_error(self.label, exc) from None
            except OSError as exc:
                sock.close()
                raise MqttConnectionError(f"{self.label}: TLS handshake: {exc}") from None
        self._sock: socket.socket = sock
        self._buffer = b""
        self._next_id = 1
        #: QoS 1 messages sent and not yet acknowledged.
        self.inflight = 0
        self.sent = 0
        self.acknowledged = 0
        #: Acknowledgements with a failure reason (e.g. not authorised).
        self.refused = 0
        connect = wire.encode_connect(
            client_id or f"twin-pub-{uuid.uuid4().hex[:10]}",
            keepalive_s=keepalive_s,
            clean_start=True,
            username=username,
            password=password,
        )
        connack = None
        try:
            self._sock.sendall(connect)
            while connack is None:
                for packet in self._read(block=True):
                    if packet.type == wire.CONNACK:
                        connack = wire.decode_connack(packet.body)
        except ssl.SSLError as exc:  # TLS 1.3: a refused client certificate shows here
            self._sock.close()
            raise tls_error(self.label, exc) from None
        except ConnectionError:  # reset, broken pipe, or closed (MqttConnectionError)
            self._sock.close()
            raise closed_before_connack(self.label, tls=tls is not None) from None
        except TimeoutError:
            self._sock.close()
            raise MqttConnectionError(
                f"{self.label}: no CONNACK within {CONNECT_TIMEOUT_S:.0f} s"
            ) from None
        refused = connack_error(self.label, connack)
        if refused is not None:
            self._sock.close()
            raise refused
        self.receive_maximum = int(connack.properties.get(wire.RECEIVE_MAXIMUM, 65_535))
        self._sock.settimeout(None)

    @classmethod
    def to(cls, address: BrokerAddress, *, client_id: str | None = None) -> MqttBatchPublisher:
        """A publisher connected to ``address`` with its login and TLS files."""
        return cls(
            address.host,
            address.port,
            client_id=client_id,
            username=address.username,
            password=address.password,
            tls=address.ssl_context(),
        )

    def publish_many(self, messages: Iterable[tuple[str, bytes]]) -> int:
        """Send messages at QoS 1 (waiting for acknowledgements only when the window is
        full); the number sent. Call :meth:`wait_acknowledged` to know they arrived."""
        chunk: list[bytes] = []
        count = 0
        room = self.receive_maximum - self.inflight
        for topic, payload in messages:
            if room <= 0:
                self._flush(chunk)
                chunk = []
                while self.inflight >= self.receive_maximum:
                    self._read(block=True)
                room = self.receive_maximum - self.inflight
            packet_id = self._next_id
            self._next_id = packet_id % 65_535 + 1
            chunk.append(wire.encode_publish(topic, payload, qos=1, packet_id=packet_id))
            self.inflight += 1
            room -= 1
            count += 1
        self._flush(chunk)
        self.sent += count
        self._read(block=False)
        return count

    def wait_acknowledged(self, timeout_s: float = 30.0) -> bool:
        """Block until every message sent is acknowledged (or the time is up)."""
        deadline = time.monotonic() + timeout_s
        while self.inflight > 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._sock.settimeout(remaining)
            try:
                self._read(block=True)
            except TimeoutError:
                return False
            finally:
                self._sock.settimeout(None)
        return True

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.sendall(wire.DISCONNECT_BYTES)
        self._sock.close()

    def _flush(self, chunk: list[bytes]) -> None:
        if chunk:
            self._sock.sendall(b"".join(chunk))

    def _read(self, *, block: bool) -> list[wire.Packet]:
        """Read what is there (or wait for something); count PUBACKs; the other packets."""
        if block:
            data = self._sock.recv(RECEIVE_BYTES)
        else:
            # Not MSG_DONTWAIT: an SSL socket takes no recv flags.
            timeout = self._sock.gettimeout()
            self._sock.settimeout(0.0)
            try:
                data = self._sock.recv(RECEIVE_BYTES)
            except (BlockingIOError, ssl.SSLWantReadError):
                return []
            finally:
                self._sock.settimeout(timeout)
        if not data:
            raise MqttConnectionError("the broker closed the connection")
        buffer = self._buffer + data
        _, others, end = wire.read_packets(buffer)
        self._buffer = buffer[end:]
        rest = []
        for packet in others:
            if packet.type == wire.PUBACK:
                self.inflight -= 1
                self.acknowledged += 1
                if wire.decode_puback(packet.body)[1] >= 0x80:
                    self.refused += 1
            else:
                rest.append(packet)
        return rest
