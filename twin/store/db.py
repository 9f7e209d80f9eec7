"""One SQLAlchemy engine per database URL, and the tables' shared metadata.

SQLite (the default, a file in ``TWIN_DATA_DIR``) runs in WAL mode so readers
never wait for the writer; any other SQLAlchemy URL (``postgresql+psycopg://``)
is used as given. Each domain declares its tables on :data:`metadata`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event

#: Every table of the twin is declared on this metadata.
metadata = MetaData()


def engine_for(url: str) -> Engine:
    """An engine for ``url`` with the twin's tables created.

    Examples
    --------
    >>> engine = engine_for("sqlite:///:memory:")
    >>> engine.dialect.name
    'sqlite'
    """
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    metadata.create_all(engine)
    return engine


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
