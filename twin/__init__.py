"""The live twin: buildings, devices, housing and access, wired by :mod:`twin.service`.

Times and dates are UTC inside the twin; :func:`today_utc` is "today" for
every question asked without a date (occupancy, compliance, plans).
"""

from datetime import UTC, date, datetime


def today_utc() -> date:
    """Today's date in UTC (never the machine's local date)."""
    return datetime.now(UTC).date()
