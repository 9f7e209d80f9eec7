"""The energy domain's entry point: rollups, queries, quotas, anomalies, the report.

One :class:`EnergyService` per process (the twin makes it); the API, the
command line and the twin's ticker call it. Every query first brings the
rollups of the building's meters up to date (incrementally: only meters with
new readings, from shortly before their watermark), then answers from them.
The ticker refreshes every building with meters and, once a local day has
ended, checks it for anomalies and raises or ends their alarms through the
device service, so they are stored, streamed and turned into work orders
like every other alarm.
"""

from __future__ import annotations

import calendar as month_calendar
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from spatial.records import Building
from twin.devices.registry import MEDIA, Device
from twin.energy import rollup
from twin.energy.analysis import GroupBy, Site, check_day, check_range, consumption
from twin.energy.anomalies import HISTORY_DAYS, Anomaly, detect
from twin.energy.calendar import US_PER_S, WorkingTime
from twin.energy.config import EnergyData
from twin.energy.errors import EnergyError, EnergyQueryError
from twin.energy.meters import UNITS, resolve
from twin.energy.quotas import quota_status, year_start_us
from twin.energy.report import monthly_report
from twin.housing.allocations.records import Allocation
from twin.housing.allocations.store import AllocationStore

if TYPE_CHECKING:
    from twin.devices.hub import DeviceService

log = logging.getLogger(__name__)

#: Prefix of the alarm points energy anomalies raise (``energy:night`` ...).
CONDITION_PREFIX = "energy:"
#: Seconds a refresh is skipped for when this process wrote no reading since the last.
QUIET_REFRESH_S = 10.0
Clock = Callable[[], float]


class EnergyService:
    """Energy of every building: see the module docstring.

    Parameters
    ----------
    engine
        The twin's database (readings, rollups, allocations).
    working
        The calendar and working hours.
    data
        Conversion factors, prices and quotas.
    devices
        The device service: meters are its devices, anomalies its alarms.
    buildings
        Building id → its records (``None`` when not loaded), for the ticker.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        working: WorkingTime,
        data: EnergyData,
        devices: DeviceService | None = None,
        buildings: Callable[[str], Building | None] | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.engine = engine
        self.working = working
        self.data = data
        self.devices = devices
        self._buildings = buildings or (lambda _id: None)
        self.clock = clock
        self._checked: dict[str, date] = {}
        #: building id → (the device writer's rows written, monotonic time) at its last refresh.
        self._refreshed: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ sites
    def site(
        self,
        building_id: str,
        building: Building,
        *,
        devices: Iterable[Device] | None = None,
        allocations: Iterable[Allocation] | None = None,
    ) -> Site:
        """A building with its meters (default: the device service's devices) and
        allocations (default: the stored ones).

        Raises
        ------
        MeterConfigError
        """
        if devices is None:
            devices = self.devices.devices(building_id) if self.devices else ()
        if allocations is None:
            allocations = AllocationStore(self.engine, building_id=building_id).all()
        return Site.of(building_id, building, resolve(devices, building), allocations)

    def refresh(self, site: Site, *, start_us: int | None = None) -> int:
        """Bring the rollups of the site's meters up to date; the meters refreshed.

        A query right after another one skips the work when this process wrote no
        reading since (readings other processes write are picked up by the next
        refresh after :data:`QUIET_REFRESH_S`, which the ticker makes).
        """
        written: int | None = None
        if self.devices is not None:
            self.devices.flush()
            written = self.devices.writer.rows_written
            last = self._refreshed.get(site.building_id)
            if (
                start_us is None
                and last is not None
                and last[0] == written
                and time.monotonic() - last[1] < QUIET_REFRESH_S
            ):
                return 0
        with self._lock:
            count = rollup.refresh(self.engine, site.meters.meters, self.working, start_us=start_us)
        if written is not None:
            self._refreshed[site.building_id] = (written, time.monotonic())
        return count

    # ------------------------------------------------------------------ queries
    def consumption(
        self,
        site: Site,
        *,
        by: GroupBy,
        start: datetime,
        end: datetime,
        medium: str = "electricity",
        refresh: bool = True,
    ) -> dict[str, Any]:
        """Consumption over ``[start, end)`` grouped ``by``; see :mod:`twin.energy.analysis`."""
        start_us, end_us = check_range(start, end)
        return self._consumption(site, by, medium, start_us, end_us, refresh)

    def _consumption(
        self, site: Site, by: GroupBy, medium: str, start_us: int, end_us: int, refresh: bool
    ) -> dict[str, Any]:
        if refresh:
            self.refresh(site)
        meters = site.meters.of(medium)
        amounts = rollup.totals(self.engine, meters, self.working, start_us, end_us)
        return consumption(
            site, amounts, self.data, self.working,
            by=by, medium=medium, start_us=start_us, end_us=end_us,
        )  # fmt: skip

    def series(
        self,
        site: Site,
        *,
        start: datetime,
        end: datetime,
        medium: str = "electricity",
        period: rollup.Period = "day",
    ) -> dict[str, Any]:
        """The building's consumption (its top-level meters) per hour, day or month."""
        start_us, end_us = check_range(start, end)
        if medium not in UNITS:
            raise EnergyQueryError(f"medium={medium!r}: use one of {', '.join(UNITS)}")
        if period not in ("hour", "day", "month"):
            raise EnergyQueryError(f"period={period!r}: use hour, day or month")
        if period != "hour":
            for name, moment in (("from", start_us), ("to", end_us)):
                local = self.working.local_date(moment)
                if self.working.day_start_us(local) != moment or (
                    period == "month" and local.day != 1
                ):
                    unit = "local midnight" if period == "day" else "first day of a month"
                    raise EnergyQueryError(f"period={period}: {name} must be a {unit}")
        self.refresh(site)
        top = [m for m in site.meters.of(medium) if m.parent is None]
        buckets: dict[int, rollup.Amount] = {}
        for per_meter in rollup.series(self.engine, top, start_us, end_us, period).values():
            for bucket, amount in per_meter.items():
                buckets[bucket] = buckets.get(bucket, rollup.Amount()) + amount
        return {
            "building": site.building_id,
            "medium": medium,
            "unit": UNITS[medium],
            "period": period,
            "from": _iso(start_us),
            "to": _iso(end_us),
            "points": [
                {
                    "start": _iso(bucket),
                    "consumption": round(amount.total, 6),
                    "working_hours": round(amount.working, 6),
                    "non_working_hours": round(amount.non_working, 6),
                }
                for bucket, amount in sorted(buckets.items())
            ],
        }

    def intensity(
        self, site: Site, *, start: datetime, end: datetime, medium: str = "electricity"
    ) -> dict[str, Any]:
        """Consumption per m² of every metered room, for the viewer's heat map."""
        answer = self.consumption(site, by="room", start=start, end=end, medium=medium)
        rooms = [
            {
                "global_id": row["key"],
                "label": row.get("label"),
                "storey": row.get("storey"),
                "consumption": row["consumption"],
                "area_m2": row["area_m2"],
                "per_m2": row["per_m2"],
            }
            for row in answer["rows"]
            if row["key"] != "(unassigned)"
        ]
        values = [r["per_m2"] for r in rooms if r["per_m2"] is not None]
        return {
            "building": site.building_id,
            "medium": medium,
            "unit": f"{UNITS[medium]}/m2",
            "from": answer["from"],
            "to": answer["to"],
            "min": min(values, default=None),
            "max": max(values, default=None),
            "rooms": rooms,
        }

    def quotas(self, site: Site, *, as_of: datetime | None = None) -> dict[str, Any]:
        """Each organisation's quotas against consumption from 1 January to ``as_of``
        (default: the current hour)."""
        moment = as_of or datetime.fromtimestamp(self.clock(), UTC)
        if moment.tzinfo is None:
            raise EnergyQueryError("as_of needs a UTC offset")
        check_day(moment.date(), "as_of")
        end_us = _hour_us(moment, ceil=True)
        start_us = year_start_us(self.working, self.working.local_date(end_us - 1))
        self.refresh(site)
        return quota_status(
            self.data, self.working, start_us=start_us, end_us=end_us,
            query=lambda medium: self._consumption(
                site, "organisation", medium, start_us, end_us, False
            ),
        )  # fmt: skip

    def anomalies(self, site: Site, day: date) -> list[Anomaly]:
        """Anomalies of a local day (see :mod:`twin.energy.anomalies`)."""
        check_day(day)
        self.refresh(site)
        start = self.working.day_start_us(day - timedelta(days=HISTORY_DAYS))
        end = self.working.day_end_us(day)
        daily = rollup.series(self.engine, site.meters.meters, start, end, "day")
        labels = {s.global_id: s.label for s in site.building.spaces}
        return detect(site.meters, daily, self.working, day, labels)

    def raise_anomalies(self, site: Site, day: date) -> list[Anomaly]:
        """Raise an alarm for each anomaly of ``day`` and end the energy alarms of the
        site's meters that no longer hold; the anomalies found.

        Raises
        ------
        EnergyError
            Without a device service.
        """
        if self.devices is None:
            raise EnergyError("raising alarms needs the device service")
        found = self.anomalies(site, day)
        holding = {(a.device_id, a.condition) for a in found}
        for anomaly in found:
            self.devices.report_condition(
                anomaly.device_id,
                anomaly.condition,
                holds=True,
                reason=anomaly.reason,
                global_id=anomaly.rooms[0] if anomaly.rooms else None,
            )
        meters = {m.device_id for m in site.meters.meters}
        for alarm in self.devices.alarms(building_id=site.building_id, state="open"):
            if (
                alarm.device_id in meters
                and alarm.point.startswith(CONDITION_PREFIX)
                and (alarm.device_id, alarm.point) not in holding
            ):
                self.devices.report_condition(alarm.device_id, alarm.point, holds=False)
        return found

    def report(self, site: Site, month: str) -> bytes:
        """The monthly XLSX report (``month``: ``YYYY-MM``)."""
        try:
            first = date.fromisoformat(f"{month}-01")
        except ValueError:
            raise EnergyQueryError(f"month={month!r}: use YYYY-MM") from None
        check_day(first, "month")
        days = month_calendar.monthrange(first.year, first.month)[1]
        start_us = self.working.day_start_us(first)
        end_us = self.working.day_end_us(first + timedelta(days=days - 1))
        self.refresh(site)

        def answers(by: GroupBy) -> dict[str, dict[str, Any]]:
            return {m: self._consumption(site, by, m, start_us, end_us, False) for m in MEDIA}

        daily: dict[str, dict[str, float]] = {}
        for medium in MEDIA:
            top = [m for m in site.meters.of(medium) if m.parent is None]
            for per_meter in rollup.series(self.engine, top, start_us, end_us, "day").values():
                for bucket, amount in per_meter.items():
                    key = self.working.local_date(bucket).isoformat()
                    values = daily.setdefault(key, {})
                    values[medium] = round(values.get(medium, 0.0) + amount.total, 6)
        quotas = quota_status(
            self.data, self.working,
            start_us=year_start_us(self.working, first), end_us=end_us,
            query=lambda medium: self._consumption(
                site, "organisation", medium, year_start_us(self.working, first), end_us, False
            ),
        )  # fmt: skip
        return monthly_report(
            building=site.building.name or site.building_id,
            month=month,
            summary=answers("building"),
            organisations=answers("organisation"),
            departments=answers("department"),
            daily=sorted(daily.items()),
            quotas=quotas,
        )

    # ------------------------------------------------------------------ the ticker
    def tick(self, building_ids: Sequence[str]) -> None:
        """Refresh the rollups of every building with meters; check each finished
        local day once for anomalies."""
        if self.devices is None:
            return
        yesterday = self.working.local_date(round(self.clock() * US_PER_S)) - timedelta(days=1)
        for building_id in building_ids:
            if not any(
                p.is_meter for d in self.devices.devices(building_id) for p in d.points.values()
            ):
                continue
            building = self._buildings(building_id)
            if building is None:
                continue
            try:
                site = self.site(building_id, building)
                self.refresh(site)
                if self._checked.get(building_id) != yesterday:
                    self.raise_anomalies(site, yesterday)
                    self._checked[building_id] = yesterday
            except EnergyError as exc:
                log.warning("energy of building %s: %s", building_id, exc)


def _hour_us(moment: datetime, *, ceil: bool = False) -> int:
    ts = round(moment.timestamp() * US_PER_S)
    hour = 3_600 * US_PER_S
    return -(-ts // hour) * hour if ceil else ts - ts % hour


def _iso(ts_us: int) -> str:
    return datetime.fromtimestamp(ts_us / US_PER_S, UTC).isoformat().replace("+00:00", "Z")
