"""Engines and the shared table metadata.

Every table of the twin is declared on :data:`metadata`, so one
``metadata.create_all(engine)`` makes a fresh database. The database is an
SQLite file in ``TWIN_DATA_DIR`` by default (zero set-up); any SQLAlchemy URL
works, e.g. ``postgresql+psycopg://...`` from ``TWIN_DATABASE_URL``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, MetaData, create_engine, event

log = logging.getLogger(__name__)

#: The metadata every table of the twin is declared on.
metadata = MetaData()

#: File name of the default SQLite database inside the data directory.
SQLITE_FILE = "twin.sqlite3"


def data_dir() -> Path:
    """``TWIN_DATA_DIR``, else the user's data directory for the twin."""
    return Path(os.environ.get("TWIN_DATA_DIR") or platformdirs.user_data_dir("bim-twin"))


def default_url() -> str:
    """``TWIN_DATABASE_URL``, else an SQLite file in :func:`data_dir`."""
    url = os.environ.get("TWIN_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / SQLITE_FILE}"


def engine_for(url: str | None = None, *, create: bool = True) -> Engine:
    """An engine for ``url`` (default :func:`default_url`), tables created.

    For SQLite the parent folder is created and foreign keys are switched on;
    ``"sqlite://"`` gives an in-memory database (one connection, kept alive).

    Parameters
    ----------
    url : str, optional
        Any SQLAlchemy URL.
    create : bool
        Create the missing tables of :data:`metadata` declared so far
        (``create_all`` is idempotent; import a domain's table module first).
    """
    url = url or default_url()
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url in ("sqlite://", "sqlite:///:memory:"):
        from sqlalchemy.pool import StaticPool

        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if create:
        # Tables register on ``metadata`` when their module is imported; the
        # audit log is always there, domain stores import their own modules.
        import twin.store.audit  # noqa: F401

        metadata.create_all(engine)
    log.debug("engine for %s", engine.url.render_as_string(hide_password=True))
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
