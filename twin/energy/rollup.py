"""Consumption from meter readings, rolled up hourly and daily in SQL.

Readings live in ``device_readings`` keyed by ``(device_id, point, ts_us)``,
so a duplicate is one row and arrival order does not matter: everything here
orders by ``ts_us`` in SQL. Per reading:

- a **counter** (a running total) consumed ``value - previous`` since the
  previous reading (``LAG`` over the meter's readings ordered by time); a
  drop means the meter was reset or replaced and restarted from 0, so the
  step counts the new reading's value, never a negative amount. The first
  reading a meter ever sent counts nothing. A gap is one long step;
- an **interval** meter reports the consumption since its previous reading.

A step's amount belongs to the moment of the reading that closes it, so a
range ``[from, to)`` holds the steps whose closing reading is in it. The
rollups (``energy_hourly``: one row per meter and UTC hour, with its local
day and the amount in working hours; ``energy_daily``: per meter and local
day, with its local month) are recomputed in SQL from the readings for a
window of time (:func:`refresh`), never from rows in Python; monthly figures
are a ``GROUP BY`` over the daily rollup.

A meter's watermark (``energy_rollup_state``) is the time of the last
reading rolled up; a refresh recomputes each meter with new readings from
the hour holding it, and from :data:`LATE_WINDOW_US` before it when that
window holds more readings than the rollup counted (a reading arrived out of
order: another worker, a backfill). A meter with nothing new is left alone.
Older late readings need :func:`refresh` with an explicit start, which
rebuilds any window.

Over 400 lines: the rollup tables, the step SQL, the watermarks and the reads
of the rollups (totals, series) share the tables and the dialect helpers
(arrays on PostgreSQL, JSON on SQLite); the reads may move out when they grow.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Float,
    Index,
    Integer,
    String,
    Table,
    bindparam,
    text,
)

from twin.devices.store import readings  # noqa: F401  (declares device_readings)
from twin.energy.calendar import US_PER_HOUR, WorkingTime
from twin.energy.meters import Meter
from twin.store.db import metadata

log = logging.getLogger(__name__)

#: Readings this long before a meter's watermark are recomputed on refresh, µs.
LATE_WINDOW_US = 6 * US_PER_HOUR
#: SQL types of a refresh's meter rows: device, point, kind, window start, its local day.
METER_TYPES = ("TEXT", "TEXT", "TEXT", "BIGINT", "BIGINT")
#: Meter-hours recomputed at once beyond which PostgreSQL's statistics are refreshed.
ANALYZE_AFTER_HOURS = 100_000
#: Longest window one refresh statement covers, hours (keeps the hour table small).
CHUNK_HOURS = 24 * 31

Period = Literal["hour", "day", "month"]

energy_hourly = Table(
    "energy_hourly",
    metadata,
    Column("device_id", String(128), primary_key=True),
    Column("point", String(128), primary_key=True),
    Column("hour_us", BigInteger, primary_key=True),
    Column("day_us", BigInteger, nullable=False),
    Column("amount", Float, nullable=False),
    Column("working", Float, nullable=False),
    Column("readings", Integer, nullable=False),
    Index("ix_energy_hourly_hour", "hour_us"),
)

energy_daily = Table(
    "energy_daily",
    metadata,
    Column("device_id", String(128), primary_key=True),
    Column("point", String(128), primary_key=True),
    Column("day_us", BigInteger, primary_key=True),
    Column("month_us", BigInteger, nullable=False),
    Column("amount", Float, nullable=False),
    Column("working", Float, nullable=False),
    Index("ix_energy_daily_day", "day_us"),
)

rollup_state = Table(
    "energy_rollup_state",
    metadata,
    Column("device_id", String(128), primary_key=True),
    Column("point", String(128), primary_key=True),
    Column("last_ts_us", BigInteger, nullable=False),
)


@dataclass(frozen=True, slots=True)
class Amount:
    """A meter's consumption over a range, in its medium's unit: all of it and
    the part in working hours."""

    total: float = 0.0
    working: float = 0.0

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.total + other.total, self.working + other.working)

    def scaled(self, factor: float) -> Amount:
        return Amount(self.total * factor, self.working * factor)

    @property
    def non_working(self) -> float:
        return self.total - self.working


def _rows(
    dialect: str, name: str, types: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[str, dict[str, Any]]:
    """A ``SELECT`` of ``rows`` (columns of SQL ``types``) for a CTE, and its
    parameters: one array per column on PostgreSQL (``unnest``), one JSON
    document on SQLite (``json_each``), never a parameter per value (1,000
    meters would be thousands to parse and plan)."""
    if dialect == "postgresql":
        columns = ", ".join(f"CAST(:{name}_{i} AS {t}[])" for i, t in enumerate(types))
        params = {f"{name}_{i}": [row[i] for row in rows] for i in range(len(types))}
        return f"SELECT * FROM unnest({columns})", params
    columns = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(types)))
    return f"SELECT {columns} FROM json_each(:{name})", {name: json.dumps([list(r) for r in rows])}


def _device_filter(dialect: str, column: str = "device_id") -> str:
    """``column`` among the device ids of the parameter ``:ids`` (see :func:`_ids`), as
    one parameter: 1,000 meters would otherwise be 1,000 parameters to parse and plan."""
    if dialect == "postgresql":
        return f"{column} = ANY(CAST(:ids AS TEXT[]))"
    return f"{column} IN (SELECT value FROM json_each(:ids))"


def _ids(dialect: str, keys: Iterable[tuple[str, str]]) -> Any:
    ids = sorted({device_id for device_id, _ in keys})
    return ids if dialect == "postgresql" else json.dumps(ids)


def _steps_sql(meters_values: str, end: str) -> str:
    """The CTEs ``amounts(device_id, point, ts_us, hour_us, amount)``: one row per
    reading in ``[lo_us, end)`` with the consumption of the step it closes.

    ``m(device_id, point, kind, lo_us, lo_day_us)``: the meters and where each
    one's window starts (the reading that opens its first step comes from
    before it).
    """
    return f"""
m(device_id, point, kind, lo_us, lo_day_us) AS ({meters_values}),
opening AS (
  SELECT m.device_id, m.point, m.kind, m.lo_us,
         COALESCE((SELECT MAX(r.ts_us) FROM device_readings r
                   WHERE r.device_id = m.device_id AND r.point = m.point
                     AND r.ts_us < m.lo_us), m.lo_us) AS from_us
  FROM m
),
steps AS (
  SELECT r.device_id, r.point, o.kind, o.lo_us, r.ts_us, r.value,
         LAG(r.value) OVER (PARTITION BY r.device_id, r.point ORDER BY r.ts_us) AS previous
  FROM opening o JOIN device_readings r
    ON r.device_id = o.device_id AND r.point = o.point
   AND r.ts_us >= o.from_us AND r.ts_us < {end}
),
amounts AS (
  SELECT device_id, point, ts_us,
         (ts_us / {US_PER_HOUR}) * {US_PER_HOUR} AS hour_us,
         CASE WHEN kind = 'interval' THEN value
              WHEN previous IS NULL THEN 0.0
              WHEN value >= previous THEN value - previous
              ELSE value END AS amount
  FROM steps WHERE ts_us >= lo_us
)"""


def refresh(
    engine: Engine,
    meters: Sequence[Meter],
    working: WorkingTime,
    *,
    start_us: int | None = None,
    end_us: int | None = None,
) -> int:
    """Recompute the rollups of ``meters`` from their readings; the meters refreshed.

    Without ``start_us`` each meter restarts :data:`LATE_WINDOW_US` before
    its watermark (a meter without one from its first reading); without
    ``end_us`` up to its latest reading. Rows of the recomputed hours (and
    the days holding them) are replaced in one transaction per chunk.
    """
    if not meters:
        return 0
    keys = sorted({m.key for m in meters})
    kinds = {m.key: m.kind for m in meters}
    with engine.connect() as connection:
        marks = _watermarks(connection, keys)
        latest = _latest(connection, keys)
        marked = {k: marks[k] for k in keys if k in marks and k in latest}
        late = _late_arrivals(connection, marked) if start_us is None else set()
    starts: dict[tuple[str, str], int] = {}
    for key in keys:
        if key not in latest:
            continue
        if start_us is not None:
            begin = start_us
        elif key in late:
            begin = marks[key] - LATE_WINDOW_US  # a reading arrived out of order
        elif key in marks:
            if marks[key] >= latest[key][1]:
                continue  # nothing new since the last refresh
            begin = marks[key]  # its hour is recomputed whole
        else:
            begin = latest[key][0]
        starts[key] = begin - begin % US_PER_HOUR
    if not starts:
        return 0
    stop = end_us if end_us is not None else max(latest[k][1] for k in starts) + 1
    stop = -(-stop // US_PER_HOUR) * US_PER_HOUR
    chunk = min(starts.values())
    while chunk < stop:
        chunk_end = min(chunk + CHUNK_HOURS * US_PER_HOUR, stop)
        active = [(k, max(s, chunk)) for k, s in starts.items() if s < chunk_end]
        if active:
            _refresh_chunk(engine, active, kinds, working, chunk_end)
        chunk = chunk_end
    with engine.begin() as connection:
        for key in starts:
            mark = max(marks.get(key, 0), min(latest[key][1], stop - 1))
            _upsert_mark(connection, key, mark)
        hours = sum(stop - s for s in starts.values()) // US_PER_HOUR
        if hours > ANALYZE_AFTER_HOURS and engine.dialect.name == "postgresql":
            # A bulk build: give the planner the tables' new sizes now, not at
            # autovacuum's next pass (until then it plans for a few rows, 5× slower).
            connection.execute(text("ANALYZE energy_hourly, energy_daily, energy_rollup_state"))
    return len(starts)


def _refresh_chunk(
    engine: Engine,
    active: Sequence[tuple[tuple[str, str], int]],
    kinds: Mapping[tuple[str, str], str],
    working: WorkingTime,
    chunk_end: int,
) -> None:
    first = min(s for _, s in active)
    hours = working.hour_rows(first, chunk_end)
    rows = [
        (d, p, kinds[(d, p)], s, working.day_start_us(working.local_date(s)))
        for (d, p), s in active
    ]
    dialect = engine.dialect.name
    meters_values, params = _rows(dialect, "m", METER_TYPES, rows)
    hours_values, hour_params = _rows(
        dialect,
        "h",
        ["BIGINT"] * 5,
        [(h.hour_us, h.day_us, h.month_us, h.lo_us, h.hi_us) for h in hours],
    )
    params.update(hour_params, chunk_end=chunk_end)
    insert_hours = f"""
WITH {_steps_sql(meters_values, ":chunk_end")},
h(hour_us, day_us, month_us, lo_us, hi_us) AS ({hours_values})
INSERT INTO energy_hourly (device_id, point, hour_us, day_us, amount, working, readings)
SELECT a.device_id, a.point, a.hour_us, h.day_us, SUM(a.amount),
       SUM(CASE WHEN a.ts_us >= h.lo_us AND a.ts_us < h.hi_us THEN a.amount ELSE 0.0 END),
       COUNT(*)
FROM amounts a JOIN h ON h.hour_us = a.hour_us
GROUP BY a.device_id, a.point, a.hour_us, h.day_us"""
    # Days are rebuilt whole from the hourly rows, from the day each meter's window starts.
    day_hi = hours[-1].day_us
    months = sorted({(h.day_us, h.month_us) for h in hours})
    month_values, day_params = _rows(dialect, "d", ["BIGINT"] * 2, months)
    day_params.update(params, day_hi=day_hi)
    insert_days = f"""
WITH m(device_id, point, kind, lo_us, lo_day_us) AS ({meters_values}),
months(day_us, month_us) AS ({month_values})
INSERT INTO energy_daily (device_id, point, day_us, month_us, amount, working)
SELECT e.device_id, e.point, e.day_us, MIN(months.month_us), SUM(e.amount), SUM(e.working)
FROM energy_hourly e
JOIN m ON m.device_id = e.device_id AND m.point = e.point
JOIN months ON months.day_us = e.day_us
WHERE e.day_us >= m.lo_day_us AND e.day_us <= :day_hi
GROUP BY e.device_id, e.point, e.day_us"""
    drop_hours = energy_hourly.delete().where(
        energy_hourly.c.device_id == bindparam("d"),
        energy_hourly.c.point == bindparam("p"),
        energy_hourly.c.hour_us >= bindparam("lo"),
        energy_hourly.c.hour_us < chunk_end,
    )
    drop_days = energy_daily.delete().where(
        energy_daily.c.device_id == bindparam("d"),
        energy_daily.c.point == bindparam("p"),
        energy_daily.c.day_us >= bindparam("lo"),
        energy_daily.c.day_us <= day_hi,
    )
    with engine.begin() as connection:
        connection.execute(drop_hours, [{"d": r[0], "p": r[1], "lo": r[3]} for r in rows])
        connection.execute(drop_days, [{"d": r[0], "p": r[1], "lo": r[4]} for r in rows])
        connection.execute(text(insert_hours), params)
        connection.execute(text(insert_days), day_params)
    log.debug("energy rollup: %d meters up to %d", len(active), chunk_end)


def _late_arrivals(connection: Any, marks: Mapping[tuple[str, str], int]) -> set[tuple[str, str]]:
    """Meters with more readings up to their watermark, in the late window before it,
    than their rollup counted (a reading arrived out of order)."""
    if not marks:
        return set()
    rows = []
    for (device_id, point), mark in marks.items():
        lo = mark - LATE_WINDOW_US
        rows.append((device_id, point, lo - lo % US_PER_HOUR, mark))
    values, params = _rows(connection.dialect.name, "k", ["TEXT", "TEXT", "BIGINT", "BIGINT"], rows)
    found = connection.execute(
        text(f"""
WITH k(device_id, point, lo_us, mark_us) AS ({values})
SELECT k.device_id, k.point,
  (SELECT COUNT(*) FROM device_readings r WHERE r.device_id = k.device_id
     AND r.point = k.point AND r.ts_us >= k.lo_us AND r.ts_us <= k.mark_us),
  (SELECT COALESCE(SUM(e.readings), 0) FROM energy_hourly e WHERE e.device_id = k.device_id
     AND e.point = k.point AND e.hour_us >= k.lo_us)
FROM k"""),
        params,
    ).all()
    return {(r[0], r[1]) for r in found if int(r[2]) != int(r[3])}


def _watermarks(connection: Any, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    ids = sorted({d for d, _ in keys})
    rows = connection.execute(rollup_state.select().where(rollup_state.c.device_id.in_(ids))).all()
    wanted = set(keys)
    return {(r.device_id, r.point): r.last_ts_us for r in rows if (r.device_id, r.point) in wanted}


def _latest(
    connection: Any, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, int]]:
    """First and last reading time of each meter (index look-ups, no scan)."""
    if not keys:
        return {}
    values, params = _rows(connection.dialect.name, "k", ["TEXT", "TEXT"], keys)
    rows = connection.execute(
        text(f"""
WITH k(device_id, point) AS ({values})
SELECT k.device_id, k.point,
  (SELECT MIN(ts_us) FROM device_readings r WHERE r.device_id = k.device_id AND r.point = k.point),
  (SELECT MAX(ts_us) FROM device_readings r WHERE r.device_id = k.device_id AND r.point = k.point)
FROM k"""),
        params,
    ).all()
    return {(r[0], r[1]): (int(r[2]), int(r[3])) for r in rows if r[2] is not None}


def _upsert_mark(connection: Any, key: tuple[str, str], ts_us: int) -> None:
    updated = connection.execute(
        rollup_state.update()
        .where(rollup_state.c.device_id == key[0], rollup_state.c.point == key[1])
        .values(last_ts_us=ts_us)
    ).rowcount
    if not updated:
        connection.execute(
            rollup_state.insert().values(device_id=key[0], point=key[1], last_ts_us=ts_us)
        )


def totals(
    engine: Engine,
    meters: Iterable[Meter],
    working: WorkingTime,
    start_us: int,
    end_us: int,
) -> dict[tuple[str, str], Amount]:
    """Each meter's consumption over ``[start_us, end_us)`` (whole UTC hours).

    Whole local days come from the daily rollup, the hours before the first
    and after the last whole day from the hourly one: a month is ~30 rows a
    meter, whatever the reading rate.
    """
    keys = sorted({m.key for m in meters})
    if not keys:
        return {}
    full = [d for d in working.days(start_us, end_us) if working.day_end_us(d) <= end_us]
    if full:
        day_lo, day_hi = working.day_start_us(full[0]), working.day_end_us(full[-1])
    else:
        day_lo = day_hi = end_us
    dialect = engine.dialect.name
    among = _device_filter(dialect)
    params = {"ids": _ids(dialect, keys), "start": start_us, "end": end_us}
    params.update(day_lo=day_lo, day_hi=day_hi)
    parts = []
    if day_lo < day_hi:
        parts.append("SELECT device_id, point, amount, working FROM energy_daily "
                     f"WHERE day_us >= :day_lo AND day_us < :day_hi AND {among}")  # fmt: skip
    for lo, hi in ((":start", ":day_lo"), (":day_hi", ":end")):
        parts.append("SELECT device_id, point, amount, working FROM energy_hourly "
                     f"WHERE hour_us >= {lo} AND hour_us < {hi} AND {among}")  # fmt: skip
    sql = f"""
SELECT device_id, point, SUM(amount), SUM(working) FROM ({" UNION ALL ".join(parts)}) p
GROUP BY device_id, point"""
    wanted = set(keys)
    with engine.connect() as connection:
        rows = connection.execute(text(sql), params).all()
    return {(r[0], r[1]): Amount(float(r[2]), float(r[3])) for r in rows if (r[0], r[1]) in wanted}


def series(
    engine: Engine,
    meters: Iterable[Meter],
    start_us: int,
    end_us: int,
    period: Period,
) -> dict[tuple[str, str], dict[int, Amount]]:
    """Each meter's consumption per hour, local day or local month (bucket start, UTC µs).

    ``hour`` reads the hourly rollup; ``day`` and ``month`` the daily one, so
    their range must start and end on local midnights (the caller checks).
    """
    keys = sorted({m.key for m in meters})
    if not keys:
        return {}
    dialect = engine.dialect.name
    params = {"ids": _ids(dialect, keys), "start": start_us, "end": end_us}
    if period == "hour":
        source, bucket, where = "energy_hourly", "hour_us", "hour_us"
    else:
        bucket = "day_us" if period == "day" else "month_us"
        source, where = "energy_daily", "day_us"
    sql = f"""
SELECT device_id, point, {bucket}, SUM(amount), SUM(working) FROM {source}
WHERE {where} >= :start AND {where} < :end AND {_device_filter(dialect)}
GROUP BY device_id, point, {bucket}"""
    wanted = set(keys)
    out: dict[tuple[str, str], dict[int, Amount]] = {}
    with engine.connect() as connection:
        for r in connection.execute(text(sql), params):
            if (r[0], r[1]) in wanted:
                out.setdefault((r[0], r[1]), {})[int(r[2])] = Amount(float(r[3]), float(r[4]))
    return out
