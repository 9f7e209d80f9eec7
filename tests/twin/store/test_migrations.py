"""Alembic migrations on SQLite and PostgreSQL: an upgrade from the schemas the code made
before migrations keeps their data, and the revisions make exactly the tables the code
declares. Frozen schemas (``schema_<commit>_<dialect>.sql``): 454b18f, before upload
jobs, energy and meetings were stored; a4917a9, the last before migrations, with upload
jobs, work-order viewpoints, energy rollups and meeting bookings (with the database's
own refusal of overlapping bookings)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from twin.store.db import head_revision, upgrade

HERE = Path(__file__).resolve().parent
DAY_US = 86_400_000_000
#: 2026-10-30 and 2026-11-02 (two months of history), UTC.
OCT_30_US = int(datetime(2026, 10, 30, tzinfo=UTC).timestamp()) * 1_000_000
NOV_02_US = OCT_30_US + 3 * DAY_US


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """An empty database of each kind (PostgreSQL: a new database on the test server)."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        yield engine
        engine.dispose()
        return
    server = request.getfixturevalue("postgres")
    name = f"migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine = create_engine(server.url.rsplit("/", 1)[0] + f"/{name}")
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


#: Commits whose schema is frozen here, oldest first.
FROZEN = ("454b18f", "a4917a9")
AT = datetime(2026, 11, 1, 8, tzinfo=UTC)


def make_old_database(engine: Engine, commit: str) -> None:
    """The schema of ``commit``, with a little of everything in it."""
    script = (HERE / f"schema_{commit}_{engine.dialect.name}.sql").read_text()
    at = AT
    with engine.begin() as connection:
        # Statements end with ";" and a blank line (a trigger's body holds "; END").
        for statement in script.split(";\n\n"):
            if statement.strip():
                connection.exec_driver_sql(statement.strip().removesuffix(";"))
        connection.execute(
            text("INSERT INTO api_keys VALUES ('ops', 'operator', :p, :b, :t, :at, NULL)"),
            {"p": json.dumps(["alarms:write"]), "b": "[]", "t": "ab" * 32, "at": at},
        )
        connection.execute(
            text("INSERT INTO audit_log (at, actor, action, entity, before, after) "
                 "VALUES (:at, 'cli', 'create', 'allocation:1', NULL, :after)"),
            {"at": at, "after": json.dumps({"room": "101"})},
        )  # fmt: skip
        connection.execute(
            text("INSERT INTO device_points VALUES ('EM-1', 'energy', 'B1', :row)"),
            {"row": json.dumps({"device_id": "EM-1", "point": "energy", "unit": "kWh"})},
        )
        connection.execute(
            text("INSERT INTO device_readings VALUES ('EM-1', 'energy', :ts, :v)"),
            [{"ts": OCT_30_US + i * DAY_US // 2, "v": 100.0 + i} for i in range(8)],
        )
        alarm = (
            "INSERT INTO device_alarms (id, building_id, device_id, global_id, point, kind, "
            "severity, state, reason, active, raised_at) VALUES (:id, 'B1', 'LD-1', NULL, "
            "'leak', 'boolean', 'alarm', :state, 'leak', true, :at)"
        )
        # Two open alarms for one condition, as two workers made them before this fix.
        connection.execute(text(alarm), {"id": "a1", "state": "raised", "at": at})
        connection.execute(
            text(alarm), {"id": "a2", "state": "acknowledged", "at": at.replace(hour=9)}
        )
        connection.execute(
            text("INSERT INTO work_orders (id, building_id, title, status, created_at, "
                 "updated_at, alarm_id, notes) VALUES ('wo1', 'B1', 'leak', 'open', :at, :at, "
                 "'a1', '[]')"),
            {"at": at},
        )  # fmt: skip


def fill_newer_tables(engine: Engine) -> None:
    """Rows in the tables a4917a9 added: an upload job, energy rollups, a booking."""
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO upload_jobs (id, building_id, actor, files, state, stage, done, "
                 "total, error, owner, created_at, finished_at, heartbeat_at) VALUES ('j1', "
                 "'B1', 'admin', :files, 'done', 'done', 1, 1, NULL, 'host:1', :at, :at, :at)"),
            {"files": json.dumps(["a.ifc"]), "at": AT},
        )  # fmt: skip
        connection.execute(
            text("INSERT INTO energy_daily VALUES ('EM-1', 'energy', :day, :month, 12.5, 8.0)"),
            {"day": OCT_30_US, "month": OCT_30_US - 29 * DAY_US},
        )
        book(connection, "m1", AT, AT.replace(hour=9))


def book(connection: Connection, booking_id: str, start: datetime, end: datetime) -> None:
    connection.execute(
        text("INSERT INTO meeting_bookings (id, building_id, room_global_id, start_at, end_at, "
             "state, title, organiser, organisation, attendees, visitors, step_free, "
             "created_by, created_at) VALUES (:id, 'B1', 'R1', :start, :end, 'booked', 't', "
             "'o', 'org', 2, '[]', false, 'o', :start)"),
        {"id": booking_id, "start": start, "end": end},
    )  # fmt: skip


@pytest.mark.parametrize("commit", FROZEN)
def test_an_upgrade_from_the_schema_before_migrations_keeps_the_data(empty_engine, commit):
    make_old_database(empty_engine, commit)
    if commit != FROZEN[0]:
        fill_newer_tables(empty_engine)
    assert upgrade(empty_engine) == head_revision()
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT role FROM api_keys")).scalar() == "operator"
        assert connection.execute(text("SELECT actor FROM audit_log")).scalar() == "cli"
        assert connection.execute(text("SELECT COUNT(*) FROM device_points")).scalar() == 1
        history = connection.execute(
            text("SELECT ts_us, value FROM device_readings ORDER BY ts_us")
        ).all()
        assert history == [(OCT_30_US + i * DAY_US // 2, 100.0 + i) for i in range(8)]
        latest = connection.execute(text("SELECT ts_us, value FROM device_latest")).all()
        assert latest == [(OCT_30_US + 7 * DAY_US // 2, 107.0)]
        alarms = connection.execute(
            text("SELECT id, state, cleared_by FROM device_alarms ORDER BY id")
        ).all()
        assert alarms == [("a1", "raised", None), ("a2", "cleared", "migration")]
        assert connection.execute(text("SELECT alarm_id FROM work_orders")).scalar() == "a1"
        tables = set(inspect(connection).get_table_names())
        assert {"meeting_bookings", "meeting_rooms", "upload_jobs", "building_versions",
                "energy_daily", "work_order_viewpoints"} <= tables  # fmt: skip
        if commit != FROZEN[0]:
            assert connection.execute(text("SELECT owner FROM upload_jobs")).scalar() == "host:1"
            assert connection.execute(text("SELECT amount FROM energy_daily")).scalar() == 12.5
            assert connection.execute(text("SELECT id FROM meeting_bookings")).scalar() == "m1"
        if empty_engine.dialect.name == "postgresql":
            partitions = connection.execute(
                text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                     "WHERE i.inhparent = 'device_readings'::regclass")
            ).scalars()  # fmt: skip
            assert {"device_readings_default", "device_readings_p202610",
                    "device_readings_p202611"} <= set(partitions)  # fmt: skip
            october = connection.execute(
                text("SELECT COUNT(*) FROM device_readings_p202610")
            ).scalar()
            assert october == 4
    # The database now refuses a second open alarm for the condition.
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        connection.execute(
            text("INSERT INTO device_alarms (id, building_id, device_id, point, kind, severity, "
                 "state, reason, active, raised_at) VALUES ('a3', 'B1', 'LD-1', 'leak', "
                 "'boolean', 'alarm', 'raised', 'leak', true, :at)"),
            {"at": datetime.now(UTC)},
        )  # fmt: skip
    # The database refuses overlapping bookings.
    if commit == FROZEN[0]:
        with empty_engine.begin() as connection:
            book(connection, "m1", AT, AT.replace(hour=9))
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        book(connection, "m2", AT.replace(minute=30), AT.replace(hour=10))
    # Running it again changes nothing.
    assert upgrade(empty_engine) == head_revision()


def test_the_revisions_make_the_tables_the_code_declares(empty_engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import twin.access.keys
    import twin.buildings.uploads
    import twin.buildings.versions
    import twin.devices.store
    import twin.devices.viewpoints
    import twin.energy.rollup
    import twin.housing.allocations.store
    import twin.meetings.store
    import twin.store.audit  # noqa: F401
    from twin.store.db import metadata

    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            d for d in compare_metadata(context, metadata)
            if not (d[0] == "remove_table" and d[1].name in PARTITIONS_AND_VERSION)
            and not (d[0] == "remove_table" and d[1].name.startswith("device_readings_"))
        ]  # fmt: skip
    assert differences == []


#: Tables the revisions make that no module declares.
PARTITIONS_AND_VERSION = {"alembic_version", "device_readings_default"}
