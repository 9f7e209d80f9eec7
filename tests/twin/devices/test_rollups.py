"""History upkeep: rollups in SQL give the same statistics on SQLite and PostgreSQL,
monthly partitions take readings that waited in the default one, retention drops old
months and keeps the rollups."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from twin.devices import rollups
from twin.store.db import engine_for

HOUR_US = rollups.US_PER_HOUR
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
        for table in (
            "device_readings",
            "device_readings_hourly",
            "device_readings_daily",
            "history_rollups",
        ):
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


def test_rollups_hold_each_hour_and_day_of_a_meter(engine):
    # A meter every 15 min over two days: 100 kWh then +1 kWh a step.
    insert(engine, [("EM-1", DAY0_US + i * HOUR_US // 4, 100.0 + i) for i in range(2 * 96)])
    with engine.begin() as connection:
        hourly, daily = rollups.refresh_rollups(connection, NOW_S)
    assert (hourly, daily) == (48, 2)
    with engine.connect() as connection:
        first_hour = connection.execute(
            text("SELECT samples, value_min, value_max, first_value, last_value, value_sum "
                 "FROM device_readings_hourly WHERE bucket_us = :b"), {"b": DAY0_US}
        ).one()  # fmt: skip
        days = connection.execute(
            text("SELECT bucket_us, samples, first_value, last_value FROM device_readings_daily "
                 "ORDER BY bucket_us")
        ).all()  # fmt: skip
    assert tuple(first_hour) == (4, 100.0, 103.0, 100.0, 103.0, 406.0)
    assert [tuple(d) for d in days] == [
        (DAY0_US, 96, 100.0, 195.0),
        (DAY0_US + 24 * HOUR_US, 96, 196.0, 291.0),
    ]
    groups = {("EM-1", "energy"): "storey-1"}
    assert rollups.consumption_kwh(engine, groups, DAY0_US, DAY0_US + 48 * HOUR_US) == {
        "storey-1": 191.0
    }
    # A late reading in an hour already rolled up is counted at the next refresh.
    insert(engine, [("EM-1", DAY0_US + 47 * HOUR_US + 1, 500.0)])
    with engine.begin() as connection:
        rollups.refresh_rollups(connection, NOW_S - 86_400 + 3600)
    with engine.connect() as connection:
        late = connection.execute(
            text("SELECT samples, value_max FROM device_readings_hourly WHERE bucket_us = :b"),
            {"b": DAY0_US + 47 * HOUR_US},
        ).one()
    assert tuple(late) == (5, 500.0)


def test_retention_drops_old_readings_and_keeps_rollups(engine):
    old = DAY0_US - 60 * 24 * HOUR_US  # mid-September
    insert(engine, [("EM-1", old, 1.0), ("EM-1", DAY0_US, 2.0)])
    with engine.begin() as connection:
        rollups.ensure_partitions(connection, old / 1e6)  # September's partition (PG)
        rollups.refresh_rollups(connection, NOW_S)
        rollups.apply_retention(connection, DAY0_US - 30 * 24 * HOUR_US)
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT value FROM device_readings")).scalars().all()
        rolled = connection.execute(text("SELECT COUNT(*) FROM device_readings_daily")).scalar()
    assert kept == [2.0]
    assert rolled == 2


def test_a_new_month_partition_takes_its_readings_from_the_default_one(postgres_url):
    engine = engine_for(postgres_url)
    far = int(datetime(2031, 5, 20, tzinfo=UTC).timestamp()) * 1_000_000
    insert(engine, [("EM-1", far, 7.0)])
    with engine.begin() as connection:
        assert rollups.ensure_partitions(connection, far / 1e6, ahead=0) == 1
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
