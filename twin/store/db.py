"""One SQLAlchemy engine per database URL, the tables' shared metadata, migrations.

SQLite (the default, a file in ``TWIN_DATA_DIR``) runs in WAL mode so readers
never wait for the writer; any other SQLAlchemy URL (``postgresql+psycopg://``)
is used as given. Each domain declares its tables on :data:`metadata`; the
schema itself is made by the Alembic revisions in ``twin/store/migrations``,
run by :func:`upgrade` whenever an engine is opened (and by ``twin db upgrade``).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event, inspect

from twin.store.errors import MigrationError

log = logging.getLogger(__name__)

#: Every table of the twin is declared on this metadata.
metadata = MetaData()

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Key of the PostgreSQL advisory lock that serialises migrations of several workers.
MIGRATION_LOCK_KEY = 0x7477696E  # "twin"


def upgrade(engine: Engine, *, revision: str = "head") -> str:
    """Migrate the database to ``revision`` (Alembic); the revision it is at after.

    Safe to run by several workers at once on PostgreSQL (an advisory lock
    serialises them) and on every start (nothing to do is a few ms). A
    database made before migrations keeps its tables and data: the baseline
    revisions create only the tables it lacks.

    Raises
    ------
    MigrationError
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = _alembic_config()
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
            current = MigrationContext.configure(connection).get_current_revision()
            if revision == "head" and current == head_revision():
                return current  # the common case: a start-up with nothing to do
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as exc:
        raise MigrationError(f"migrating the database failed: {exc}") from exc
    return current or "base"


@functools.cache
def _alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@functools.cache
def head_revision() -> str:
    """The newest revision in ``twin/store/migrations``."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def engine_for(url: str) -> Engine:
    """An engine for ``url``, its database migrated to the current schema.

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
    upgrade(engine)
    _create_unmigrated(engine)
    return engine


def _create_unmigrated(engine: Engine) -> None:
    """Create tables declared in code that no revision makes yet, loudly.

    A safety net for a table added without its revision (a test fails on it,
    ``tests/twin/store/test_migrations.py``), so the service still starts.
    """
    existing = set(inspect(engine).get_table_names())
    missing = [t for t in metadata.sorted_tables if t.name not in existing]
    if missing:
        log.warning(
            "tables without a migration, created from the code: %s",
            ", ".join(t.name for t in missing),
        )
        metadata.create_all(engine, tables=missing)


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
