"""PostgreSQL ``LISTEN`` on a dedicated connection, and the advisory lock that elects
the one worker running periodic work.

Both need a connection of their own, outside the pool: a listening connection
must stay idle between notifications, and an advisory lock lives exactly as
long as the session that took it (a worker killed with ``kill -9`` loses its
socket, PostgreSQL ends the session, the lock is free for another worker).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping

from sqlalchemy import Engine

log = logging.getLogger(__name__)

#: Seconds between attempts to reconnect a lost listening connection.
RECONNECT_S = 1.0
#: Seconds a wait for notifications lasts before the thread checks for a stop.
POLL_S = 0.5
#: Key of the advisory lock of periodic work (heartbeats, patrol, rollups, no-shows).
PERIODIC_LOCK_KEY = 0x7477696E01


def conninfo(engine: Engine) -> str:
    """A libpq URL for psycopg from a SQLAlchemy engine's URL."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """A thread that LISTENs to channels and calls their handler with each payload.

    ``on_connect`` runs after every (re)connection, before notifications are
    handled: whatever was missed while disconnected is to be read from the
    database then. ``on_idle`` runs after each wait of :data:`POLL_S` or less.
    """

    def __init__(
        self,
        engine: Engine,
        handlers: Mapping[str, Callable[[str], None]],
        *,
        on_connect: Callable[[], None] | None = None,
        on_idle: Callable[[], None] | None = None,
    ) -> None:
        self._conninfo = conninfo(engine)
        self._handlers = dict(handlers)
        self._on_connect = on_connect
        self._on_idle = on_idle
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="twin-listen", daemon=True)
        self.listening = threading.Event()
        self.received = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(POLL_S * 4)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    for channel in self._handlers:
                        connection.execute(f'LISTEN "{channel}"')
                    if self._on_connect is not None:
                        self._on_connect()
                    self.listening.set()
                    while not self._stop.is_set():
                        for note in connection.notifies(timeout=POLL_S):
                            self.received += 1
                            self._dispatch(note.channel, note.payload)
                        if self._on_idle is not None:
                            self._on_idle()
            except psycopg.Error as exc:
                self.listening.clear()
                log.warning("listening for other workers' changes failed (%s); reconnecting", exc)
                self._stop.wait(RECONNECT_S)

    def _dispatch(self, channel: str, payload: str) -> None:
        handler = self._handlers.get(channel)
        if handler is None:
            return
        try:
            handler(payload)
        except Exception:
            log.exception("a notification on %s could not be handled", channel)


class Leadership:
    """Whether this worker runs the periodic work: it holds the advisory lock.

    :meth:`check` (every tick) takes the lock when it is free and, once held,
    checks that the session holding it is alive. SQLite: one process, always
    the leader.
    """

    def __init__(self, engine: Engine, *, key: int = PERIODIC_LOCK_KEY) -> None:
        self._shared = engine.dialect.name == "postgresql"
        self._conninfo = conninfo(engine) if self._shared else ""
        self._key = key
        self._connection = None
        self.is_leader = not self._shared

    def check(self) -> bool:
        """Take or keep the lock; whether this worker is the leader now."""
        if not self._shared:
            return True
        import psycopg

        try:
            if self._connection is None:
                # The session's name says which process holds the lock (pg_stat_activity).
                self._connection = psycopg.connect(
                    self._conninfo, autocommit=True, application_name=f"twin-periodic-{os.getpid()}"
                )
            if self.is_leader:
                self._connection.execute("SELECT 1")
            else:
                row = self._connection.execute(
                    "SELECT pg_try_advisory_lock(%s)", (self._key,)
                ).fetchone()
                self.is_leader = bool(row and row[0])
                if self.is_leader:
                    log.info("this worker runs the periodic work now")
        except psycopg.Error as exc:
            if self.is_leader:
                log.warning("lost the periodic-work lock (%s)", exc)
            self.is_leader = False
            self.close()
        return self.is_leader

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:
                log.debug("closing the lock's connection failed", exc_info=True)
        if self._shared:
            self.is_leader = False
