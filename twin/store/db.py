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


#: SQLite page size of a new database, bytes (an existing one keeps its own). Larger
#: pages make a round of readings spread over fewer pages: 9.5 instead of 14 us a row
#: once the history holds 500,000 rows.
SQLITE_PAGE_BYTES = 16_384
#: SQLite page cache per connection, KiB. Device history is keyed by device first, so
#: every commit of a round of readings touches pages all over its index; with the
#: default 2 MiB those pages are read back again and again.
SQLITE_CACHE_KIB = 65_536
#: WAL pages before SQLite copies them back into the database (default 1,000): fewer,
#: larger checkpoints halve the cost of sustained ingestion.
SQLITE_WAL_AUTOCHECKPOINT_PAGES = 10_000


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_BYTES}")  # before WAL: only then it applies
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT_PAGES}")
    cursor.close()
