"""API benchmark: requests/s and latency of room detail, route and batch ingest.

Generates the demo building (``--storeys`` × ``--rooms``), registers it, loads a
device registry from its equipment and makes an operator key, then starts
``twin serve`` on a free localhost port and drives each endpoint for
``--seconds`` with ``--clients`` threads (httpx, keep-alive), reporting
requests/s and p50/p99 latency as a Markdown table. Client and server share
the machine, so the figures are a floor.

Run: ``PYTHONPATH=. .venv/bin/python bench/api.py`` (options: --help).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ifc_models.demo_building import generate_office_building  # noqa: E402
from tests.fixtures.services import free_port  # noqa: E402
from twin.access.keys import KeyStore  # noqa: E402
from twin.buildings.registry import BuildingRegistry  # noqa: E402
from twin.demo.simulator import template_rows  # noqa: E402
from twin.devices.hub import DeviceService  # noqa: E402
from twin.settings import Settings  # noqa: E402
from twin.store.db import engine_for  # noqa: E402

BUILDING = "bench"
#: Readings per ingest batch.
BATCH = 500


def prepare(folder: Path, storeys: int, rooms: int) -> tuple[str, list[str], list[tuple]]:
    settings = Settings(data_dir=folder / "data", cache_dir=folder / "cache")
    source = folder / "office.ifc"
    generate_office_building(source, storeys=storeys, rooms_per_storey=rooms)
    registry = BuildingRegistry(settings.data_dir, cache_dir=settings.cache_dir)
    registry.register(BUILDING, [source], check=True)
    building = registry.load(BUILDING).building
    engine = engine_for(settings.effective_database_url)
    rows = template_rows(building)
    service = DeviceService(engine, buildings=registry.building)
    service.load_registry(BUILDING, rows)
    service.close()
    token = KeyStore(engine).create("bench", "operator")
    numeric = sorted(
        {(r.device_id, r.point.name) for r in rows if r.point.unit not in ("bool", "")}
    )
    offices = [s.global_id for s in building.spaces]
    return token, offices, numeric


def drive(name: str, request, seconds: float, clients: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        nonlocal errors
        mine: list[float] = []
        bad = 0
        with httpx.Client(timeout=30.0) as client:
            counter = itertools.count(index, clients)
            while time.monotonic() < stop:
                started = time.perf_counter()
                answer = request(client, next(counter))
                mine.append(time.perf_counter() - started)
                bad += answer.status_code >= 400
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "name": name,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--storeys", type=int, default=6)
    parser.add_argument("--rooms", type=int, default=50, help="rooms per storey")
    parser.add_argument("--seconds", type=float, default=8.0, help="per endpoint")
    parser.add_argument("--clients", type=int, default=4, help="client threads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="twin-bench-api-") as tmp:
        folder = Path(tmp)
        token, spaces, points = prepare(folder, args.storeys, args.rooms)
        port = free_port()
        env = {
            **os.environ,
            "TWIN_DATA_DIR": str(folder / "data"),
            "TWIN_CACHE_DIR": str(folder / "cache"),
            "PYTHONPATH": str(ROOT),
        }
        env.pop("TWIN_DATABASE_URL", None)
        env.pop("TWIN_MQTT_URL", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--port", str(port), "--log-level", "warning"],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {token}"}
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/health", timeout=1).json()["ready"]:
                        break
                except (httpx.HTTPError, ValueError):
                    pass
                time.sleep(0.2)
            rng = random.Random(0)
            pairs = [(rng.choice(spaces), rng.choice(spaces)) for _ in range(1000)]
            start = datetime.now(UTC) - timedelta(hours=2)

            def room(client: httpx.Client, i: int) -> httpx.Response:
                url = f"{base}/api/v1/buildings/{BUILDING}/spaces/{spaces[i % len(spaces)]}"
                return client.get(url, headers=headers)

            def walk(client: httpx.Client, i: int) -> httpx.Response:
                origin, target = pairs[i % len(pairs)]
                return client.get(
                    f"{base}/api/v1/buildings/{BUILDING}/route",
                    params={"from": origin, "to": target},
                    headers=headers,
                )

            def ingest(client: httpx.Client, i: int) -> httpx.Response:
                # Each request a new second per point: timestamps only move forward.
                ts = (start + timedelta(milliseconds=i)).isoformat()
                readings = [
                    {"device_id": d, "ts": ts, "values": {p: 20.0 + (i % 7)}}
                    for d, p in points[:BATCH]
                ]
                return client.post(
                    f"{base}/api/v1/readings", json={"readings": readings}, headers=headers
                )

            results = [
                drive(
                    "room detail `GET /buildings/{id}/spaces/{gid}`",
                    room,
                    args.seconds,
                    args.clients,
                ),
                drive("route `GET /buildings/{id}/route`", walk, args.seconds, args.clients),
                drive(
                    f"batch ingest `POST /readings` ({min(BATCH, len(points))} readings)",
                    ingest,
                    args.seconds,
                    args.clients,
                ),
            ]
        finally:
            server.terminate()
            server.wait(10)
    print(
        f"\n{args.storeys} storeys × {args.rooms} rooms, {len(points)} numeric points, "
        f"{args.clients} client threads, {args.seconds:g} s per endpoint\n"
    )
    print("| endpoint | requests/s | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|")
    for r in results:
        figures = f"{r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']}"
        print(f"| {r['name']} | {figures} |")


if __name__ == "__main__":
    main()
