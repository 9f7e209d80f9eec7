"""The twin as one object: buildings, the device, energy and meeting services, threads.

Entry points (the API's lifespan, ``twin serve``, tests) create one
:class:`Twin` from settings, :meth:`~Twin.start` it and :meth:`~Twin.stop`
it; nothing here runs at import.

Several workers on one PostgreSQL (``twin serve --workers N``, or one process
per machine): each LISTENs for the others' events and building versions
(:class:`~twin.store.notify.Listener`), and the periodic work (heartbeats,
patrol, meeting no-shows, energy rollups and anomaly checks, history upkeep)
runs only on the worker that holds the advisory lock
(:class:`~twin.store.notify.Leadership`); when it dies, another takes the
lock at its next tick.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from twin.buildings.registry import BuildingRegistry
from twin.buildings.versions import BUILDINGS_CHANNEL, record_version
from twin.devices import partitions
from twin.devices.events import EVENTS_CHANNEL, EventBus, decode_notification
from twin.devices.hub import DeviceService
from twin.devices.mqtt.broker import broker_from_settings
from twin.devices.mqtt.ingest import MqttIngest
from twin.devices.patrol import load_patrol_rules
from twin.energy.calendar import WorkingTime, load_calendar
from twin.energy.config import load_energy_data
from twin.energy.service import EnergyService
from twin.meetings.records import MeetingRules
from twin.meetings.service import MeetingService
from twin.settings import Settings
from twin.store.db import engine_for
from twin.store.notify import Leadership, Listener

log = logging.getLogger(__name__)

#: Seconds between patrol rounds (heartbeats are checked every ``TWIN_TICK_S``).
PATROL_EVERY_S = 10.0
#: Seconds between rounds of history upkeep (partitions, retention, latest values).
UPKEEP_EVERY_S = 60.0


class Twin:
    """Buildings, devices and the background work that keeps them live."""

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.engine = engine_for(settings.effective_database_url)
        self.buildings = BuildingRegistry(
            settings.data_dir, cache_dir=settings.cache_dir, on_change=self._building_changed
        )
        self.bus = EventBus()
        rules = load_patrol_rules(settings.patrol_rules) if settings.patrol_rules else None
        self.devices = DeviceService(
            self.engine,
            buildings=self.buildings.building,
            clock=clock,
            bus=self.bus,
            patrol_rules=rules,
        )
        self.energy = EnergyService(
            self.engine,
            working=WorkingTime(
                load_calendar(settings.energy_calendar), self.devices.patrol_rules.working_hours
            ),
            data=load_energy_data(settings.energy_factors, settings.energy_quotas),
            devices=self.devices,
            buildings=self.buildings.building,
            clock=clock,
        )
        self.meetings = MeetingService(
            self.engine,
            devices=self.devices,
            bus=self.bus,
            clock=clock,
            rules=MeetingRules.from_settings(settings),
        )
        self.mqtt: MqttIngest | None = None
        self.leadership = Leadership(self.engine)
        self.listener: Listener | None = None
        if self.devices.live.shared:
            self.listener = Listener(
                self.engine,
                {EVENTS_CHANNEL: self._remote_events, BUILDINGS_CHANNEL: self._remote_building},
                on_idle=self.bus.settle,
            )
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="twin-ticker", daemon=True)
        self._next_patrol = 0.0
        self._next_upkeep = 0.0

    def start(self) -> None:
        """Load state, start the writer, the ticker and (if configured) MQTT ingestion."""
        if self.listener is not None:
            # Listen before loading: a change committed meanwhile is both loaded and
            # heard, and applying it twice changes nothing.
            self.listener.start()
            self.listener.listening.wait(10.0)
            self.devices.live.share_events()
        self.devices.open()
        # What is loaded now (registries, models, the app) lives as long as the process:
        # leave it out of the cyclic collector. Otherwise every full collection walks
        # it all, a 200-240 ms pause of every thread at 10,000 devices, which was
        # the p99 of publish-to-SSE latency.
        gc.freeze()
        self._ticker.start()
        broker = broker_from_settings(self.settings)
        if broker is not None:
            self.mqtt = MqttIngest(
                self.devices,
                broker,
                share_group=self.settings.mqtt_share_group,
                client_id=self.settings.mqtt_client_id,
                session_expiry_s=self.settings.mqtt_session_expiry_s,
            )
            self.mqtt.start()
        else:
            log.warning("MQTT ingestion is off: TWIN_MQTT_URL is not set")

    def stop(self) -> None:
        self._stop.set()
        if self.mqtt is not None:
            self.mqtt.stop()
        if self._ticker.is_alive():
            self._ticker.join(5.0)
        if self.listener is not None:
            self.listener.stop()
        self.leadership.close()
        self.devices.close()
        self.engine.dispose()

    @property
    def mqtt_status(self) -> str:
        if self.mqtt is None:
            return "off (TWIN_MQTT_URL not set)"
        return self.mqtt.status

    @property
    def origin(self) -> str:
        """This worker's name in what it tells the others."""
        return self.devices.live.origin

    def _building_changed(self, building_id: str, record: dict[str, Any] | None) -> None:
        record_version(self.engine, building_id, record, origin=self.origin)

    def _remote_building(self, payload: str) -> None:
        origin, _, building_id = payload.partition("\t")
        if origin != self.origin:
            log.info("building %s changed on another worker: reloading it", building_id)
            self.buildings.forget(building_id)

    def _remote_events(self, payload: str) -> None:
        origin, events = decode_notification(payload)
        if origin != self.origin:
            self.devices.live.apply_remote(events)

    def run_periodic(self, now_s: float | None = None) -> None:
        """One round of the periodic work, if this worker holds the lock (see the module
        docstring); the ticker calls it every ``TWIN_TICK_S``."""
        if not self.leadership.check():
            return
        self.devices.check_heartbeats(now_s)
        monotonic = time.monotonic()
        if monotonic >= self._next_patrol:
            self.devices.run_patrol(now_s)
            self.meetings.release_no_shows()
            self.energy.tick(self.buildings.ids())
            self._next_patrol = monotonic + PATROL_EVERY_S
        if monotonic >= self._next_upkeep:
            partitions.upkeep(
                self.engine,
                now_s=self.devices.clock() if now_s is None else now_s,
                retention_days=self.settings.history_retention_days,
            )
            self._next_upkeep = monotonic + UPKEEP_EVERY_S

    def _tick(self) -> None:
        while not self._stop.wait(self.settings.tick_s):
            try:
                self.run_periodic()
            except Exception:
                log.exception("periodic device checks failed")
