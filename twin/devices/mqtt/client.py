"""A small asyncio MQTT 5 subscriber that acknowledges messages only once they are durable.

It keeps a persistent session (clean start off, a session expiry), so the
broker holds the subscription and every unacknowledged QoS 1 message while
the client is away, and redelivers them when it comes back. Received bytes
are parsed in bulk (:func:`~twin.devices.mqtt.packets.read_packets`: every
complete packet of a read at once) and handed to one handler call per read.
The handler returns a :class:`~concurrent.futures.Future` that completes when
the batch is committed; only then are the batch's PUBACKs sent, in the order
the messages came. A process killed before that loses nothing: the broker
still has the messages.

The client runs its own event loop in a thread, so the handler's CPU work
never delays the API's loop; :meth:`MqttSubscriber.start` and
:meth:`~MqttSubscriber.stop` are called from ordinary threads.

It reconnects with backoff whatever went wrong. A failure that retrying
cannot cure (a wrong password, an untrusted certificate: ``permanent`` in
:mod:`twin.devices.mqtt.broker`) is logged as an error on every attempt,
waits the longest backoff, and stays in :attr:`MqttSubscriber.status` until a
connection succeeds; entry points that want it fatal check the broker first
(:func:`twin.devices.mqtt.ingest.check_broker`).

Over 400 lines: the connection's life cycle (connect, subscribe, keep-alive,
reconnect with backoff, TLS, ordered PUBACKs) is one state machine and reads
best in one place.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import random
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from twin.devices.mqtt import packets as wire
from twin.devices.mqtt.broker import (
    MqttConnectionError,
    broker_label,
    closed_before_connack,
    connack_error,
    tls_error,
)

log = logging.getLogger(__name__)

#: The handler: one call per read with the PUBLISH packets of that read; returns a future
#: that completes once they are durable (``None``: durable already).
BatchHandler = Callable[[list[wire.Publish]], "Future[None] | None"]

#: Seconds to wait for CONNACK and SUBACK.
HANDSHAKE_TIMEOUT_S = 10.0
#: Reconnection backoff: first delay, growth factor and longest delay, seconds.
BACKOFF_MIN_S = 0.1
BACKOFF_FACTOR = 2.0
BACKOFF_MAX_S = 10.0
#: Seconds :meth:`MqttSubscriber.stop` waits for pending batches to be acknowledged.
STOP_DRAIN_S = 5.0
#: The subscription's packet identifier (the only packet id this client assigns).
SUBSCRIBE_PACKET_ID = 1


class _Connection(asyncio.Protocol):
    """One TCP connection: parses packets, feeds the handler, sends PUBACKs in order."""

    def __init__(self, owner: MqttSubscriber) -> None:
        self.owner = owner
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.connack: asyncio.Future[wire.Connack] = self.loop.create_future()
        self.suback: asyncio.Future[wire.Suback] = self.loop.create_future()
        self.subscribing = False
        self.closed: asyncio.Future[None] = self.loop.create_future()
        self.last_heard = time.monotonic()
        # (durable future or None, PUBACK bytes) in arrival order.
        self.pending: collections.deque[tuple[Future[None] | None, bytes]] = collections.deque()
        self.drained = asyncio.Event()
        self.drained.set()

    # ---------------------------------------------------------------- asyncio callbacks
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.owner._connect_packet())  # type: ignore[union-attr]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)
        if not self.connack.done():
            # TLS 1.3 reports a refused client certificate after the handshake, here.
            self.connack.set_exception(
                tls_error(self.owner.label, exc)
                if isinstance(exc, ssl.SSLError)
                else closed_before_connack(self.owner.label, tls=self.owner.tls is not None)
            )
        if not self.suback.done():
            if self.subscribing:
                self.suback.set_exception(MqttConnectionError(f"connection lost: {exc}"))
            else:  # nobody waits for a SUBACK that was never asked for
                self.suback.cancel()
        # Unacknowledged messages stay with the broker and come again on reconnect.
        self.pending.clear()
        self.drained.set()

    def data_received(self, data: bytes) -> None:
        self.last_heard = time.monotonic()
        buffer = self.buffer + data if self.buffer else data
        try:
            publishes, others, end = wire.read_packets(buffer)
        except wire.MqttProtocolError:
            log.exception("MQTT: malformed packet from the broker; reconnecting")
            self.abort()
            return
        self.buffer = buffer[end:]
        for packet in others:
            self._control(packet)
        if publishes:
            self._deliver(publishes)

    # ---------------------------------------------------------------- packets
    def _control(self, packet: wire.Packet) -> None:
        if packet.type == wire.CONNACK and not self.connack.done():
            self.connack.set_result(wire.decode_connack(packet.body))
        elif packet.type == wire.SUBACK and not self.suback.done():
            self.suback.set_result(wire.decode_suback(packet.body))
        elif packet.type == wire.DISCONNECT:
            reason, properties = wire.decode_disconnect(packet.body)
            log.warning(
                "MQTT: the broker disconnected us (reason 0x%02x %s)",
                reason,
                properties.get(wire.REASON_STRING, ""),
            )
            self.abort()
        elif packet.type != wire.PINGRESP:
            log.debug("MQTT: ignored packet type %d", packet.type)

    def _deliver(self, publishes: list[wire.Publish]) -> None:
        owner = self.owner
        owner.received += len(publishes)
        acks = wire.encode_pubacks([p.packet_id for p in publishes if p.qos])
        try:
            durable = owner.handler(publishes)
        except Exception:
            # A bug, not a bad message (those the handler rejects and counts): acknowledge
            # nothing of this read. Reconnecting makes the broker deliver it again.
            log.exception(
                "MQTT: handler failed on a read of %d messages; not acknowledged, reconnecting",
                len(publishes),
            )
            self.abort()
            return
        self.pending.append((durable, acks))
        self.drained.clear()
        if durable is not None and not durable.done():
            loop = self.loop
            durable.add_done_callback(lambda _f: loop.call_soon_threadsafe(self._send_acks))
        else:
            self._send_acks()

    def _send_acks(self) -> None:
        """Acknowledge the leading batches that are durable (PUBACKs keep arrival order)."""
        ready: list[bytes] = []
        count = 0
        while self.pending:
            durable, acks = self.pending[0]
            if durable is not None:
                if not durable.done():
                    break
                if durable.exception() is not None:
                    # Not stored: do not acknowledge. Reconnecting makes the broker resend.
                    log.error(
                        "MQTT: a batch was not stored (%s); reconnecting", durable.exception()
                    )
                    self.abort()
                    return
            self.pending.popleft()
            ready.append(acks)
            count += len(acks) // 4
        if ready and self.transport is not None and not self.transport.is_closing():
            self.transport.write(b"".join(ready))
            self.owner.acknowledged += count
        if not self.pending:
            self.drained.set()

    def write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


class MqttSubscriber:
    """Subscribes to one topic filter with a persistent session; see the module docstring.

    Parameters
    ----------
    host, port
        The broker.
    topic_filter
        E.g. ``twin/+/+/state`` or ``$share/<group>/twin/+/+/state``.
    handler
        Called on the client's thread with each read's messages; returns a
        future that completes when they are durable.
    client_id
        Must stay the same across restarts for the broker to find the session.
    session_expiry_s
        How long the broker keeps the session (and queues messages) while the
        client is away; 0 ends the session on disconnect.
    keepalive_s
        Longest silence before the broker (or we) consider the link dead, seconds.
    receive_maximum
        Most unacknowledged QoS 1 messages the broker may have in flight to us.
    username, password
        The login, sent in CONNECT (never logged).
    tls
        A client TLS context (:meth:`BrokerAddress.ssl_context
        <twin.devices.mqtt.broker.BrokerAddress.ssl_context>`); the broker's
        certificate is checked against ``host``. ``None``: plain TCP.
    """

    def __init__(
        self,
        host: str,
        port: int,
        topic_filter: str,
        handler: BatchHandler,
        *,
        client_id: str,
        qos: int = 1,
        session_expiry_s: int = 3600,
        keepalive_s: int = 30,
        receive_maximum: int = 65_535,
        username: str | None = None,
        password: str | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.tls = tls
        #: The broker as a URL without the password (logs, errors, status).
        self.label = broker_label(
            host, port, tls=tls is not None, username=username, password=password
        )
        self.topic_filter = topic_filter
        self.handler = handler
        self.client_id = client_id
        self.qos = qos
        self.session_expiry_s = session_expiry_s
        self.keepalive_s = keepalive_s
        self.receive_maximum = receive_maximum
        self._username, self._password = username, password
        #: Messages received, and QoS 1 messages acknowledged, since start.
        self.received = 0
        self.acknowledged = 0
        #: Connections made (1 + reconnects) and whether the last one found a session.
        self.connections = 0
        self.session_present = False
        #: Why the last attempt failed (``None`` once subscribed).
        self.last_error: MqttConnectionError | None = None
        self._subscribed = threading.Event()
        # Set once the first attempt ends, subscribed or not: start() waits for no longer.
        self._settled = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._drain_s = STOP_DRAIN_S

    @property
    def subscribed(self) -> bool:
        """Connected and subscribed right now."""
        return self._subscribed.is_set()

    def wait_subscribed(self, timeout_s: float) -> bool:
        return self._subscribed.wait(timeout_s)

    @property
    def status(self) -> str:
        """``subscribed to ...``, ``connecting to ...`` or ``failing: <why>; retrying``."""
        if self.subscribed:
            return f"subscribed to {self.topic_filter} on {self.label}"
        error = self.last_error
        if error is not None:
            return f"failing: {error}; retrying"
        return f"connecting to {self.label}"

    def start(self, *, wait: bool = True, timeout_s: float = HANDSHAKE_TIMEOUT_S) -> None:
        """Connect and subscribe on a new thread; reconnects with backoff until :meth:`stop`.

        With ``wait``, returns once subscribed, once the first attempt failed
        (see :attr:`status`), or after ``timeout_s``."""
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._thread_main, args=(ready,), name="twin-mqtt", daemon=True
        )
        self._thread.start()
        ready.wait()
        if wait and self._settled.wait(timeout_s) and self.subscribed:
            return
        if wait:
            log.warning("MQTT: not subscribed to %s yet: %s", self.topic_filter, self.status)

    def stop(self, *, drain_s: float = STOP_DRAIN_S) -> None:
        """Acknowledge what becomes durable within ``drain_s``, disconnect (the session
        stays, with every message not acknowledged) and end the thread."""
        if self._loop is None or self._thread is None or self._stopping is None:
            return
        self._drain_s = drain_s
        with contextlib.suppress(RuntimeError):  # the loop already ended
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(drain_s + HANDSHAKE_TIMEOUT_S)

    # ---------------------------------------------------------------- the client's thread
    def _thread_main(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._stopping = asyncio.Event()
        ready.set()
        try:
            loop.run_until_complete(self._run())
        finally:
            loop.close()

    def _connect_packet(self) -> bytes:
        return wire.encode_connect(
            self.client_id,
            keepalive_s=self.keepalive_s,
            clean_start=False,
            session_expiry_s=self.session_expiry_s,
            receive_maximum=self.receive_maximum,
            username=self._username,
            password=self._password,
        )

    async def _run(self) -> None:
        assert self._stopping is not None
        backoff = BACKOFF_MIN_S
        while not self._stopping.is_set():
            try:
                if await self._session():
                    backoff = BACKOFF_MIN_S
            except MqttConnectionError as exc:
                self.last_error = exc
                if exc.permanent:
                    log.error("MQTT: %s; retrying every %.0f s", exc, BACKOFF_MAX_S)
                    backoff = BACKOFF_MAX_S
                else:
                    log.warning("MQTT: %s", exc)
            except (OSError, TimeoutError, wire.MqttProtocolError) as exc:
                self.last_error = MqttConnectionError(f"{self.label}: {exc or type(exc).__name__}")
                log.warning("MQTT: %s", self.last_error)
            finally:
                self._subscribed.clear()
                self._settled.set()
            if self._stopping.is_set():
                break
            delay = backoff * random.uniform(0.5, 1.0)
            backoff = min(backoff * BACKOFF_FACTOR, BACKOFF_MAX_S)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)

    async def _session(self) -> bool:
        """One connection from CONNECT to its end; whether it got as far as subscribing."""
        assert self._stopping is not None
        loop = asyncio.get_running_loop()
        try:
            _, conn = await asyncio.wait_for(
                loop.create_connection(
                    lambda: _Connection(self),
                    self.host,
                    self.port,
                    ssl=self.tls,
                    server_hostname=self.host if self.tls else None,
                ),
                HANDSHAKE_TIMEOUT_S,
            )
        except ssl.SSLError as exc:
            raise tls_error(self.label, exc) from None
        except ConnectionResetError as exc:
            if self.tls is None:
                raise
            raise tls_error(self.label, exc) from None
        try:
            connack = await asyncio.wait_for(conn.connack, HANDSHAKE_TIMEOUT_S)
            refused = connack_error(self.label, connack)
            if refused is not None:
                raise refused
            self.connections += 1
            self.session_present = connack.session_present
            keepalive = connack.properties.get(wire.SERVER_KEEP_ALIVE, self.keepalive_s)
            conn.subscribing = True
            conn.write(wire.encode_subscribe(SUBSCRIBE_PACKET_ID, self.topic_filter, self.qos))
            suback = await asyncio.wait_for(conn.suback, HANDSHAKE_TIMEOUT_S)
            if not suback.reason_codes or any(code >= 0x80 for code in suback.reason_codes):
                raise MqttConnectionError(
                    f"{self.label} refused SUBSCRIBE {self.topic_filter}: "
                    f"{list(suback.reason_codes)}",
                    permanent=True,
                )
            log.info(
                "MQTT: subscribed to %s on %s as %s (session %s)",
                self.topic_filter,
                self.label,
                self.client_id,
                "resumed" if connack.session_present else "new",
            )
            self.last_error = None
            self._subscribed.set()
            self._settled.set()
            await self._keep_alive(conn, keepalive)
            return True
        finally:
            if self._stopping.is_set() and not conn.closed.done():
                await self._goodbye(conn)
            else:
                conn.abort()

    async def _keep_alive(self, conn: _Connection, keepalive_s: float) -> None:
        """Ping every half keep-alive until the link ends or :meth:`stop` is asked."""
        assert self._stopping is not None
        interval = max(keepalive_s / 2, 0.5) if keepalive_s else None
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            while True:
                done, _ = await asyncio.wait(
                    {conn.closed, stopping}, timeout=interval, return_when=asyncio.FIRST_COMPLETED
                )
                if done:
                    return
                if keepalive_s and time.monotonic() - conn.last_heard > 1.5 * keepalive_s:
                    log.warning("MQTT: no answer from the broker in %.0f s", 1.5 * keepalive_s)
                    return
                conn.write(wire.PINGREQ_BYTES)
        finally:
            stopping.cancel()

    async def _goodbye(self, conn: _Connection) -> None:
        try:
            await asyncio.wait_for(conn.drained.wait(), self._drain_s)
        except TimeoutError:
            log.warning("MQTT: stopping with %d batches not yet durable", len(conn.pending))
        conn.write(wire.DISCONNECT_BYTES)
        if conn.transport is not None:
            conn.transport.close()
        try:
            await asyncio.wait_for(asyncio.shield(conn.closed), 1.0)
        except TimeoutError:
            conn.abort()

    def __repr__(self) -> str:
        return f"MqttSubscriber({self.label}, {self.topic_filter!r}, {self.client_id!r})"
