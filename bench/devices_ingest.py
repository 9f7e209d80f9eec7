"""In-process batch ingestion: readings/s through ``DeviceService.ingest`` until durable.

Measures the device domain alone (no HTTP, no JSON): batches of one reading
per device, each round one second newer, on a temporary SQLite database; the
median over the rounds after a warm-up. The rate counts from the call to the
commit of the batch's rows, as an HTTP client waits for it.

Run: ``PYTHONPATH=. .venv/bin/python bench/devices_ingest.py`` (options: --help).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from twin.devices.hub import DeviceService  # noqa: E402
from twin.devices.registry import parse_rows  # noqa: E402
from twin.store.db import engine_for  # noqa: E402

WARMUP_ROUNDS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=5000, help="readings per batch")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="twin-bench-") as folder:
        service = DeviceService(engine_for(f"sqlite:///{folder}/bench.sqlite3"))
        service.open()
        rows = [
            {"device_id": f"D{n}", "point": "temp", "brick_class": "Temperature_Sensor",
             "unit": "degC"}
            for n in range(args.devices)
        ]  # fmt: skip
        service.load_registry("B1", parse_rows(rows))
        base = time.time() - args.rounds - 10
        rates = []
        for r in range(args.rounds):
            ts = datetime.fromtimestamp(base + r, UTC).isoformat()
            batch = [
                {"device_id": f"D{n}", "ts": ts, "values": {"temp": 21.5}}
                for n in range(args.devices)
            ]
            started = time.perf_counter()
            report = service.ingest(batch)
            if report.durable is not None:
                report.durable.result(60)
            rates.append(report.accepted / (time.perf_counter() - started))
        service.close()
    median = statistics.median(rates[WARMUP_ROUNDS:])
    print(f"batches of {args.devices:,}: median {median:,.0f} readings/s until durable")


if __name__ == "__main__":
    main()
