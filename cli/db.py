"""``twin db upgrade``: bring the database to the current schema (Alembic)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.app import TwinGroup, app
from cli.common import EXIT_INTERNAL, fail

db_app = typer.Typer(cls=TwinGroup, help="The database: schema migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade_command(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Migrate TWIN_DATABASE_URL (or the SQLite file in TWIN_DATA_DIR) to REVISION.

    Every start-up does the same; run it by hand before starting several
    workers of a new version, or to check a database."""
    from sqlalchemy import create_engine

    from twin.settings import get_settings
    from twin.store.db import upgrade
    from twin.store.errors import MigrationError

    url = get_settings().effective_database_url
    if url.startswith("sqlite"):
        from twin.store.db import engine_for

        engine = engine_for(url)  # makes the folder and sets SQLite's pragmas
    else:
        engine = create_engine(url)
    try:
        current = upgrade(engine, revision=revision)
    except MigrationError as exc:
        fail(str(exc), EXIT_INTERNAL)
    finally:
        engine.dispose()
    typer.echo(f"database at revision {current} ({engine.url.render_as_string()})")
