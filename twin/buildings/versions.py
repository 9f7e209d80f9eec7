"""Building versions every worker shares: one row per building, bumped with a notification.

The model files live in the shared ``TWIN_DATA_DIR`` (every worker mounts the
same folder): registering a building writes its files and record there, then
:func:`record_version` bumps its row and, on PostgreSQL, notifies the other
workers in the same transaction; each drops its loaded copy and reads the new
version on next use (:meth:`~twin.buildings.registry.BuildingRegistry.forget`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Engine, Integer, String, Table, select

from twin.store.db import metadata

#: PostgreSQL channel announcing a new building version (payload: ``origin<TAB>id``).
BUILDINGS_CHANNEL = "twin_buildings"

building_versions = Table(
    "building_versions",
    metadata,
    Column("building_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("record", JSON),  # the registry record; None once deleted
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def record_version(
    engine: Engine, building_id: str, record: dict[str, Any] | None, *, origin: str
) -> int:
    """Bump the building's version (``record`` ``None``: deleted); the new version."""
    with engine.begin() as connection:
        query = select(building_versions.c.version).where(
            building_versions.c.building_id == building_id
        )
        if engine.dialect.name == "postgresql":
            query = query.with_for_update()
        current = connection.execute(query).scalar()
        values = {"record": record, "updated_at": datetime.now(UTC)}
        if current is None:
            version = 1
            connection.execute(
                building_versions.insert().values(building_id=building_id, version=1, **values)
            )
        else:
            version = current + 1
            connection.execute(
                building_versions.update()
                .where(building_versions.c.building_id == building_id)
                .values(version=version, **values)
            )
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT pg_notify(%s, %s)", (BUILDINGS_CHANNEL, f"{origin}\t{building_id}")
            )
    return version


def load_versions(engine: Engine) -> dict[str, int]:
    """Every building's stored version."""
    with engine.connect() as connection:
        return dict(
            connection.execute(select(building_versions.c.building_id, building_versions.c.version))
            .tuples()
            .all()
        )
