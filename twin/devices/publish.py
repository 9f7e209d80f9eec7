"""Publishing readings to a running twin: over MQTT (QoS 1) or HTTP batches.

Used by ``twin simulate`` and the benchmarks; the service itself never publishes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

import httpx

from twin.devices.mqtt.broker import BrokerAddress, parse_mqtt_url
from twin.devices.mqtt.publisher import MqttBatchPublisher
from twin.devices.mqtt.topics import topic_for

#: Readings per HTTP request.
HTTP_BATCH = 2000
HTTP_TIMEOUT_S = 30.0


class HttpPublisher:
    """POSTs readings in batches to ``<base_url>/api/v1/readings``."""

    def __init__(self, base_url: str, *, batch: int = HTTP_BATCH) -> None:
        self._client = httpx.Client(base_url=base_url, timeout=HTTP_TIMEOUT_S)
        self._batch = batch

    def publish(self, readings: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Send all readings; the answers' counts summed."""
        total: dict[str, Any] = {"accepted": 0, "rejected": {}}
        for start in range(0, len(readings), self._batch):
            chunk = list(readings[start : start + self._batch])
            answer = self._client.post("/api/v1/readings", json={"readings": chunk})
            answer.raise_for_status()
            data = answer.json()
            total["accepted"] += data["accepted"]
            for reason, count in data["rejected"].items():
                total["rejected"][reason] = total["rejected"].get(reason, 0) + count
        return total

    def close(self) -> None:
        self._client.close()


class MqttPublisher:
    """Publishes each reading to its device's state topic with QoS 1.

    ``broker``: the broker with its login and TLS files, or its URL alone.
    """

    def __init__(self, broker: BrokerAddress | str, building_id: str) -> None:
        address = parse_mqtt_url(broker) if isinstance(broker, str) else broker
        self.building_id = building_id
        self._client = MqttBatchPublisher.to(address, client_id=f"twin-sim-{uuid.uuid4().hex[:10]}")

    def publish(self, readings: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Send the readings and wait until the broker has them all."""
        self._client.publish_many(
            (
                topic_for(self.building_id, str(r["device_id"])),
                json.dumps({"ts": r["ts"], "values": r["values"]}).encode(),
            )
            for r in readings
        )
        self._client.wait_acknowledged(HTTP_TIMEOUT_S)
        return {"published": len(readings)}

    def close(self) -> None:
        self._client.close()
