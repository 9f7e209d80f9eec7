"""The MQTT topic scheme of device states, spelled here and nowhere else.

A device publishes its readings to ``twin/<building_id>/<device_id>/state``
(QoS 1). The service subscribes to :data:`STATE_FILTER`, or to the MQTT 5
shared subscription ``$share/<group>/twin/+/+/state`` when several workers
split the load.

Examples
--------
>>> topic_for("B1", "FCU-0312")
'twin/B1/FCU-0312/state'
>>> parse_topic("twin/B1/FCU-0312/state")
('B1', 'FCU-0312')
>>> parse_topic("twin/B1/state") is None
True
"""

from __future__ import annotations

#: The first and last level of every state topic.
PREFIX = "twin"
SUFFIX = "state"
#: The subscription filter of every device's state.
STATE_FILTER = f"{PREFIX}/+/+/{SUFFIX}"


def topic_for(building_id: str, device_id: str, *, prefix: str = PREFIX) -> str:
    """The state topic of a device (``prefix`` other than ``twin`` only for benchmarks
    that measure the broker on topics the service does not read)."""
    return f"{prefix}/{building_id}/{device_id}/{SUFFIX}"


def subscription_filter(share_group: str | None = None, *, prefix: str = PREFIX) -> str:
    """The filter of every device's state topic (:data:`STATE_FILTER`), or its shared
    subscription for ``share_group``."""
    states = f"{prefix}/+/+/{SUFFIX}"
    return f"$share/{share_group}/{states}" if share_group else states


def parse_topic(topic: str) -> tuple[str, str] | None:
    """``(building_id, device_id)`` of a state topic; ``None`` for any other topic."""
    parts = topic.split("/")
    if len(parts) != 4 or parts[0] != PREFIX or parts[3] != SUFFIX:
        return None
    return parts[1], parts[2]
