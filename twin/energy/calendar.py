"""Working time: public holidays, make-up working days (调休) and working hours.

The calendar is data (``twin/data/energy/calendar-cn.json``, its sources in
the file): a date in ``holidays`` is a day off whatever its weekday, a date
in ``workdays`` a working day whatever its weekday, any other date a working
day when its weekday is one of the working hours' weekdays. The working hours
are the twin's own (:class:`twin.devices.patrol.WorkingHours`, from the
patrol rules file): one daily window in a time zone.

Consumption is split at reading resolution: a reading whose time falls in a
working day's window counts as working hours, every other one (nights,
weekends, holidays) as non-working hours.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from twin.devices.patrol import WorkingHours
from twin.energy.errors import EnergyDataError

#: The calendar shipped with the twin.
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "energy"
DEFAULT_CALENDAR_PATH = DATA_DIR / "calendar-cn.json"
US_PER_S = 1_000_000
US_PER_HOUR = 3_600 * US_PER_S

DayKind = Literal["working", "weekend", "holiday"]


@dataclass(frozen=True)
class HolidayCalendar:
    """Holidays (date → name) and make-up working days (date → the holiday they serve)."""

    timezone: str
    holidays: Mapping[date, str] = field(default_factory=dict)
    workdays: Mapping[date, str] = field(default_factory=dict)
    years: frozenset[int] = frozenset()
    sources: Mapping[str, str] = field(default_factory=dict)

    def covers(self, day: date) -> bool:
        """Whether the calendar has data for ``day``'s year."""
        return day.year in self.years


def load_calendar(path: Path | None = None) -> HolidayCalendar:
    """Read a holiday calendar file (default: the shipped Chinese calendar).

    Raises
    ------
    EnergyDataError
    """
    path = path or DEFAULT_CALENDAR_PATH
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise EnergyDataError(f"calendar {path}: {exc}") from exc
    return parse_calendar(data, str(path))


def parse_calendar(data: Mapping[str, Any], where: str = "calendar") -> HolidayCalendar:
    """A calendar from the file's parsed content."""
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    try:
        timezone = str(data["timezone"])
        ZoneInfo(timezone)
        for year, entry in dict(data["years"]).items():
            for item in entry.get("holidays", ()):
                first, last = date.fromisoformat(item["from"]), date.fromisoformat(item["to"])
                if last < first or first.year != int(year):
                    raise ValueError(f"holiday {item['name']}: {first} to {last} in {year}")
                for offset in range((last - first).days + 1):
                    holidays[first + timedelta(days=offset)] = str(item["name"])
            for item in entry.get("workdays", ()):
                workdays[date.fromisoformat(item["date"])] = str(item.get("for", ""))
        years = frozenset(int(y) for y in data["years"])
    except (KeyError, TypeError, ValueError) as exc:
        raise EnergyDataError(f"{where}: {exc}") from exc
    clash = sorted(set(holidays) & set(workdays))
    if clash:
        raise EnergyDataError(f"{where}: both holiday and working day: {clash[0]}")
    return HolidayCalendar(timezone, holidays, workdays, years, dict(data.get("sources", {})))


@dataclass(frozen=True)
class HourRow:
    """One UTC hour of a range: the local day and month it belongs to and the
    working window of that day (``lo_us == hi_us == 0`` on a day off)."""

    hour_us: int
    day_us: int
    month_us: int
    lo_us: int
    hi_us: int


class WorkingTime:
    """Which moments are working hours: a calendar plus daily working hours."""

    def __init__(self, calendar: HolidayCalendar, hours: WorkingHours) -> None:
        if calendar.timezone != hours.timezone:
            raise EnergyDataError(
                f"the calendar is in {calendar.timezone} but working hours in {hours.timezone}"
            )
        self.calendar = calendar
        self.hours = hours
        self.zone = ZoneInfo(hours.timezone)

    def day_kind(self, day: date) -> DayKind:
        """``working``, ``weekend`` or ``holiday`` (a make-up Saturday is ``working``)."""
        if day in self.calendar.workdays:
            return "working"
        if day in self.calendar.holidays:
            return "holiday"
        return "working" if day.isoweekday() in self.hours.weekdays else "weekend"

    def local_date(self, ts_us: int) -> date:
        return datetime.fromtimestamp(ts_us / US_PER_S, self.zone).date()

    def day_start_us(self, day: date) -> int:
        """UTC µs of the local midnight that starts ``day``."""
        return _us(datetime.combine(day, datetime.min.time(), self.zone))

    def day_end_us(self, day: date) -> int:
        """UTC µs of the local midnight that ends ``day``."""
        return self.day_start_us(day + timedelta(days=1))

    def window_us(self, day: date) -> tuple[int, int]:
        """The working window of ``day`` in UTC µs, ``(0, 0)`` on a day off."""
        if self.day_kind(day) != "working":
            return (0, 0)
        return (
            _us(datetime.combine(day, self.hours.start, self.zone)),
            _us(datetime.combine(day, self.hours.end, self.zone)),
        )

    def working_hours_of(self, day: date) -> float:
        """Length of ``day``'s working window, hours."""
        lo, hi = self.window_us(day)
        return (hi - lo) / US_PER_HOUR

    def day_hours(self, day: date) -> float:
        """Length of the local day, hours (23 or 25 on a daylight-saving change)."""
        return (self.day_end_us(day) - self.day_start_us(day)) / US_PER_HOUR

    def hour_rows(self, start_us: int, end_us: int) -> list[HourRow]:
        """Every UTC hour from the one holding ``start_us`` up to ``end_us`` (exclusive)."""
        rows = []
        hour = start_us - start_us % US_PER_HOUR
        cache: dict[date, tuple[int, int, int, int]] = {}
        while hour < end_us:
            day = self.local_date(hour)
            known = cache.get(day)
            if known is None:
                lo, hi = self.window_us(day)
                month = self.day_start_us(day.replace(day=1))
                known = cache[day] = (self.day_start_us(day), month, lo, hi)
            rows.append(HourRow(hour, *known))
            hour += US_PER_HOUR
        return rows

    def days(self, start_us: int, end_us: int) -> Iterable[date]:
        """Local dates of the days that start in ``[start_us, end_us)``."""
        day = self.local_date(start_us)
        if self.day_start_us(day) < start_us:
            day += timedelta(days=1)
        while self.day_start_us(day) < end_us:
            yield day
            day += timedelta(days=1)


def _us(moment: datetime) -> int:
    return round(moment.astimezone(UTC).timestamp() * US_PER_S)
