"""What the durable audit costs a write: one audit row committed per request.

    PYTHONPATH=. python bench/audit.py [--writes 500] [--database-url URL]

The API commits each write's audit row before it answers (``api.metrics``);
this measures that commit alone (SQLite file in a temporary folder by default)
and prints its median and p99, to set beside a write's own latency (README,
"API performance": a 500-reading batch takes ~66 ms p50).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from twin.store.audit import record_audit
from twin.store.db import engine_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    engine = engine_for(args.database_url or f"sqlite:///{folder / 'audit.sqlite3'}")
    seconds = []
    for _ in range(args.writes):
        started = time.perf_counter()
        with engine.begin() as conn:
            record_audit(
                conn, "bench", "post", "api:/api/v1/readings", None,
                {"route": "/api/v1/readings", "status": 200},
            )  # fmt: skip
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    p99 = seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))]
    print(
        f"audit row commit ({engine.dialect.name}, {args.writes} writes): "
        f"median {statistics.median(seconds) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
