"""A blocking MQTT 5 publisher that pipelines QoS 1 messages (for the simulator and benchmarks).

Messages are encoded in bulk and written with one ``sendall`` per batch; up
to the broker's receive maximum may wait for their PUBACK at once, and the
acknowledgements are read as they come. One process publishes tens of
thousands of messages per second this way, where paho's per-message locking
and callbacks manage a few thousand.
"""

from __future__ import annotations

import contextlib
import socket
import time
import uuid
from collections.abc import Iterable

from twin.devices.mqtt import packets as wire
from twin.devices.mqtt.client import MqttConnectionError

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
    ) -> None:
        self._sock = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._buffer = b""
        self._next_id = 1
        #: QoS 1 messages sent and not yet acknowledged.
        self.inflight = 0
        self.sent = 0
        self.acknowledged = 0
        #: Acknowledgements with a failure reason (e.g. not authorised).
        self.refused = 0
        self._sock.sendall(
            wire.encode_connect(
                client_id or f"twin-pub-{uuid.uuid4().hex[:10]}",
                keepalive_s=keepalive_s,
                clean_start=True,
                username=username,
                password=password,
            )
        )
        connack = None
        while connack is None:
            for packet in self._read(block=True):
                if packet.type == wire.CONNACK:
                    connack = wire.decode_connack(packet.body)
        if connack.reason_code >= 0x80:
            raise MqttConnectionError(f"CONNECT refused (reason 0x{connack.reason_code:02x})")
        self.receive_maximum = int(connack.properties.get(wire.RECEIVE_MAXIMUM, 65_535))
        self._sock.settimeout(None)

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
        try:
            data = self._sock.recv(RECEIVE_BYTES, 0 if block else socket.MSG_DONTWAIT)
        except BlockingIOError:
            return []
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
