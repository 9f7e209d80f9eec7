"""The twin as one object: buildings, the device, energy and meeting services, threads.

Entry points (the API's lifespan, ``twin serve``, tests) create one
:class:`Twin` from settings, :meth:`~Twin.start` it and :meth:`~Twin.stop`
it; nothing here runs at import.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable

from twin.buildings.registry import BuildingRegistry
from twin.devices.events import EventBus
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

log = logging.getLogger(__name__)

#: Seconds between patrol rounds (heartbeats are checked every ``TWIN_TICK_S``).
PATROL_EVERY_S = 10.0


class Twin:
    """Buildings, devices and the background work that keeps them live."""

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.buildings = BuildingRegistry(settings.data_dir, cache_dir=settings.cache_dir)
        self.engine = engine_for(settings.effective_database_url)
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
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="twin-ticker", daemon=True)

    def start(self) -> None:
        """Load state, start the writer, the ticker and (if configured) MQTT ingestion."""
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
        self.devices.close()
        self.engine.dispose()

    @property
    def mqtt_status(self) -> str:
        if self.mqtt is None:
            return "off (TWIN_MQTT_URL not set)"
        return self.mqtt.status

    def _tick(self) -> None:
        next_patrol = 0.0
        while not self._stop.wait(self.settings.tick_s):
            try:
                self.devices.check_heartbeats()
                if time.monotonic() >= next_patrol:
                    self.devices.run_patrol()
                    self.meetings.release_no_shows()
                    self.energy.tick(self.buildings.ids())
                    next_patrol = time.monotonic() + PATROL_EVERY_S
            except Exception:
                log.exception("periodic device checks failed")
