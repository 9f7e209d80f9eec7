"""What TLS and a password cost MQTT ingestion: plain TCP against TLS, through Mosquitto.

Starts two local brokers on free ports, one plain and anonymous, one TLS only
with a password file (the test fixtures' brokers), and on each runs our
subscriber (acknowledging at once, no service behind it) and one pipelining
publisher. Reports messages/s from the first publish to the last message
received, the median of ``--repeat`` runs, and TLS as a ratio of plain.

Run: ``PYTHONPATH=. .venv/bin/python bench/mqtt_tls.py`` (options: --help).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.services import start_mosquitto, start_mosquitto_tls, stop  # noqa: E402
from twin.devices.mqtt.broker import BrokerAddress, parse_mqtt_url  # noqa: E402
from twin.devices.mqtt.client import MqttSubscriber  # noqa: E402
from twin.devices.mqtt.publisher import MqttBatchPublisher  # noqa: E402

PAYLOAD = b'{"ts": "2026-11-24T02:00:00Z", "values": {"temp": 21.5}}'
CHUNK = 2000


def rate(broker: BrokerAddress, messages: int) -> float:
    """Messages/s from the first publish until the subscriber has them all."""
    received = [0]

    def on_batch(batch):  # type: ignore[no-untyped-def]
        received[0] += len(batch)

    topic = f"bench-{uuid.uuid4().hex[:6]}"
    subscriber = MqttSubscriber(
        broker.host, broker.port, f"{topic}/+", on_batch,
        client_id=f"bench-{uuid.uuid4().hex[:8]}", session_expiry_s=0,
        username=broker.username, password=broker.password, tls=broker.ssl_context(),
    )  # fmt: skip
    subscriber.start()
    publisher = MqttBatchPublisher.to(broker)
    try:
        started = time.perf_counter()
        for start in range(0, messages, CHUNK):
            count = min(CHUNK, messages - start)
            publisher.publish_many((f"{topic}/{start + n}", PAYLOAD) for n in range(count))
        deadline = time.monotonic() + 120
        while received[0] < messages and time.monotonic() < deadline:
            time.sleep(0.001)
        elapsed = time.perf_counter() - started
        if received[0] < messages:
            raise SystemExit(f"{broker.label}: only {received[0]} of {messages} arrived")
        return messages / elapsed
    finally:
        publisher.close()
        subscriber.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as plain_dir, tempfile.TemporaryDirectory() as tls_dir:
        plain = start_mosquitto(Path(plain_dir))
        tls = start_mosquitto_tls(Path(tls_dir))
        try:
            brokers = {
                "plain, anonymous": parse_mqtt_url(plain.url),
                "TLS 1.3, password": parse_mqtt_url(tls.url(), ca_file=tls.ca.cert_file),
            }
            medians = {}
            for name, broker in brokers.items():
                runs = [rate(broker, args.messages) for _ in range(args.repeat)]
                medians[name] = statistics.median(runs)
            print(f"| connection | messages/s (median of {args.repeat}, {args.messages:,} each) |")
            print("|---|---|")
            for name, value in medians.items():
                print(f"| {name} | {value:,.0f} |")
            ratio = medians["TLS 1.3, password"] / medians["plain, anonymous"]
            print(f"\nTLS / plain: {ratio:.2f}")
        finally:
            stop(plain.process)
            stop(tls.process)


if __name__ == "__main__":
    main()
