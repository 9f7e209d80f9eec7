"""History upkeep on SQLite and PostgreSQL: monthly partitions take readings that waited
in the default one, retention drops old months and keeps the energy rollups."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from twin.devices import partitions
from twin.store.db import engine_for

HOUR_US = 3_600_000_000
#: 2026-11-10 00:00 UTC.
DAY0_US = int(datetime(2026, 11, 10, tzinfo=UTC).timestamp()) * 1_000_000
NOW_S = DAY0_US / 1e6 + 3 * 86_400


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'twin.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    made = engine_for(url)
    with made.begin() as connection:
        for table in ("device_readings", "energy_daily", "history_marks"):
            connection.execute(text(f"DELETE FROM {table}"))
    yield made
    made.dispose()


def insert(engine, rows):  # type: ignore[no-untyped-def]
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO device_readings (device_id, point, ts_us, value) "
                 "VALUES (:d, 'energy', :ts, :v)"),
            [{"d": d, "ts": ts, "v": v} for d, ts, v in rows],
        )  # fmt: skip


def test_retention_drops_old_readings_and_keeps_the_energy_rollups(engine):
    old = DAY0_US - 60 * 24 * HOUR_US  # mid-September
    insert(engine, [("EM-1", old, 1.0), ("EM-1", DAY0_US, 2.0)])
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO energy_daily VALUES ('EM-1', 'energy', :d, :d, 1.0, 0.0)"),
            [{"d": old}, {"d": DAY0_US}],
        )
        partitions.ensure_partitions(connection, old / 1e6)  # September's partition (PG)
        partitions.apply_retention(connection, DAY0_US - 30 * 24 * HOUR_US)
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT value FROM device_readings")).scalars().all()
        rolled = connection.execute(text("SELECT COUNT(*) FROM energy_daily")).scalar()
    assert kept == [2.0]
    assert rolled == 2


def test_a_new_month_partition_takes_its_readings_from_the_default_one(postgres_url):
    engine = engine_for(postgres_url)
    far = int(datetime(2031, 5, 20, tzinfo=UTC).timestamp()) * 1_000_000
    insert(engine, [("EM-1", far, 7.0)])
    with engine.begin() as connection:
        assert partitions.ensure_partitions(connection, far / 1e6, ahead=0) == 1
    with engine.connect() as connection:
        moved = connection.execute(text("SELECT value FROM device_readings_p203105")).scalars()
        assert list(moved) == [7.0]
        assert (
            connection.execute(
                text("SELECT COUNT(*) FROM device_readings_default WHERE ts_us = :t"), {"t": far}
            ).scalar()
            == 0
        )
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE device_readings_p203105")
    engine.dispose()
