"""API benchmark: what a client waits for, beside ``GET /health`` on the same server.

Generates the demo building (``--storeys`` × ``--rooms``) and registers it
beside ``--ifc`` (Office_A by default), loads a device registry from the demo
building's equipment and makes an operator key, then starts ``twin serve`` on
a free localhost port. Each endpoint is driven for ``--seconds`` by
``--clients`` threads (httpx, keep-alive); the endpoints take turns for
``--rounds`` rounds, so a load swing on the shared machine hits each of them
and its floor alike, and the table gives medians over the rounds:

- ``GET /health`` (no key, no work): the floor of a request on this server
  and client; room detail and routes report their p50 as a multiple of it
  (target ≤ 3 ×);
- ``POST /readings`` with 500 readings through the key check and the audit,
  beside the bare ingest path: the same bodies handed to
  ``DeviceService.ingest_body`` in this process by as many threads, until
  durable, on a database of its own (target ≥ 80 %).

Client and server share the machine, so the figures are a floor.

Run: ``python -m bench.api`` (options: --help).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ifc_models.demo_building import generate_office_building  # noqa: E402
from spatial.errors import RoutingError  # noqa: E402
from tests.fixtures.services import free_port  # noqa: E402
from twin.access.keys import KeyStore  # noqa: E402
from twin.buildings.registry import BuildingRegistry  # noqa: E402
from twin.demo.simulator import template_rows  # noqa: E402
from twin.devices.hub import DeviceService  # noqa: E402
from twin.settings import Settings  # noqa: E402
from twin.store.db import engine_for  # noqa: E402

DEMO = "bench"
MODEL = "model"
DEFAULT_IFC = ROOT.parent / "shared" / "ifc" / "Office_A_20110811.ifc"
#: Readings per ingest batch.
BATCH = 500
#: Route queries (origin, destination) cycled through per building.
PAIRS = 1000

#: One request: the client and a running number; answers (status, units of work).
Request = Callable[[httpx.Client, int], tuple[int, int]]


def prepare(folder: Path, storeys: int, rooms: int, ifc: Path) -> dict[str, object]:
    settings = Settings(data_dir=folder / "data", cache_dir=folder / "cache")
    source = folder / "office.ifc"
    generate_office_building(source, storeys=storeys, rooms_per_storey=rooms)
    registry = BuildingRegistry(settings.data_dir, cache_dir=settings.cache_dir)
    registry.register(DEMO, [source], check=True)
    registry.register(MODEL, [ifc], check=True)
    demo = registry.load(DEMO).building
    loaded = registry.load(MODEL)
    model, router = loaded.building, loaded.router()
    engine = engine_for(settings.effective_database_url)
    rows = template_rows(demo)
    service = DeviceService(engine, buildings=registry.building)
    service.load_registry(DEMO, rows)
    service.close()
    token = KeyStore(engine).create("bench", "operator")
    numeric = sorted(
        {(r.device_id, r.point.name) for r in rows if r.point.unit not in ("bool", "")}
    )
    rng = random.Random(0)
    rooms = [s.global_id for s in demo.spaces]
    model_rooms = [s.global_id for s in model.spaces if s.footprint is not None]
    model_pairs: list[tuple[str, str]] = []
    while len(model_pairs) < PAIRS:
        pair = (rng.choice(model_rooms), rng.choice(model_rooms))
        try:
            router.route(*pair)
        except RoutingError:
            continue  # some of the model's rooms are not reachable: not a request to time
        model_pairs.append(pair)
    return {
        "token": token,
        "rows": rows,
        "points": numeric,
        "demo_rooms": rooms,
        "demo_pairs": [(rng.choice(rooms), rng.choice(rooms)) for _ in range(PAIRS)],
        "model_pairs": model_pairs,
    }


def drive(request: Request, seconds: float, clients: int) -> dict[str, float]:
    """``clients`` threads send ``request`` for ``seconds``: rate, units/s, p50, p99."""
    latencies: list[float] = []
    units = 0
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        nonlocal errors, units
        mine: list[float] = []
        bad = done = 0
        with httpx.Client(timeout=30.0) as client:
            counter = itertools.count(index, clients)
            while time.monotonic() < stop:
                started = time.perf_counter()
                status, work = request(client, next(counter))
                mine.append(time.perf_counter() - started)
                bad += status >= 400
                done += work
        with lock:
            latencies.extend(mine)
            errors += bad
            units += done

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "units_s": units / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
        "errors": errors,
    }


def batches(points: list[tuple[str, str]], clients: int, start: datetime) -> Callable[[int], bytes]:
    """Request ``i``'s body: client ``i % clients`` owns a slice of the points and its
    own clock, one millisecond newer per request, so no reading is out of order."""
    per_client = BATCH

    def body(i: int) -> bytes:
        slot = i % clients
        mine = points[slot * per_client : (slot + 1) * per_client]
        ts = (start + timedelta(milliseconds=i // clients)).isoformat()
        readings = [{"device_id": d, "ts": ts, "values": {p: 20.0 + (i % 7)}} for d, p in mine]
        return json.dumps({"readings": readings}).encode()

    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--storeys", type=int, default=6)
    parser.add_argument("--rooms", type=int, default=70, help="rooms per storey")
    parser.add_argument("--ifc", type=Path, default=DEFAULT_IFC, help="a real model to route in")
    parser.add_argument("--seconds", type=float, default=3.0, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4, help="client threads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="twin-bench-api-") as tmp:
        folder = Path(tmp)
        ready = prepare(folder, args.storeys, args.rooms, args.ifc.resolve())
        points: list[tuple[str, str]] = ready["points"]  # type: ignore[assignment]
        if len(points) < BATCH * args.clients:
            parser.error(f"{len(points)} numeric points: too few for {args.clients} × {BATCH}")
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
        bare = DeviceService(engine_for(f"sqlite:///{folder}/bare.sqlite3"))
        bare.open()
        bare.load_registry(DEMO, ready["rows"])  # type: ignore[arg-type]
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {ready['token']}"}
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/health", timeout=1).json()["ready"]:
                        break
                except (httpx.HTTPError, ValueError):
                    pass
                time.sleep(0.2)
            demo_rooms: list[str] = ready["demo_rooms"]  # type: ignore[assignment]
            demo_pairs: list[tuple[str, str]] = ready["demo_pairs"]  # type: ignore[assignment]
            model_pairs: list[tuple[str, str]] = ready["model_pairs"]  # type: ignore[assignment]
            # Each round's readings are newer than the last round's.
            clock = datetime.now(UTC) - timedelta(hours=6)

            def health(client: httpx.Client, i: int) -> tuple[int, int]:
                return client.get(f"{base}/health").status_code, 1

            def room(client: httpx.Client, i: int) -> tuple[int, int]:
                url = f"{base}/api/v1/buildings/{DEMO}/spaces/{demo_rooms[i % len(demo_rooms)]}"
                return client.get(url, headers=headers).status_code, 1

            def walk(building: str, pairs: list[tuple[str, str]]) -> Request:
                def request(client: httpx.Client, i: int) -> tuple[int, int]:
                    origin, target = pairs[i % len(pairs)]
                    answer = client.get(
                        f"{base}/api/v1/buildings/{building}/route",
                        params={"from": origin, "to": target},
                        headers=headers,
                    )
                    return answer.status_code, 1

                return request

            def http_ingest(body: Callable[[int], bytes]) -> Request:
                def request(client: httpx.Client, i: int) -> tuple[int, int]:
                    answer = client.post(
                        f"{base}/api/v1/readings",
                        content=body(i),
                        headers={**headers, "Content-Type": "application/json"},
                    )
                    accepted = answer.json().get("accepted", 0) if answer.is_success else 0
                    return answer.status_code, accepted

                return request

            def bare_ingest(body: Callable[[int], bytes]) -> Request:
                def request(client: httpx.Client, i: int) -> tuple[int, int]:
                    report = bare.ingest_body(body(i))
                    if report.durable is not None:
                        report.durable.result(60)
                    return 200, report.accepted

                return request

            names = {
                "health": "`GET /health` (floor)",
                "room": "room detail `GET /buildings/{id}/spaces/{gid}` (demo)",
                "route_demo": "route `GET /buildings/{id}/route` (demo)",
                "route_model": f"route `GET /buildings/{{id}}/route` ({args.ifc.stem})",
                "ingest_http": f"`POST /readings` ({BATCH} a batch), key + audit",
                "ingest_bare": f"bare ingest path ({BATCH} a batch, in process)",
            }
            samples: dict[str, list[dict[str, float]]] = {k: [] for k in names}
            for r in range(args.rounds):
                when = clock + timedelta(minutes=30 * r)
                jobs: dict[str, Request] = {
                    "health": health,
                    "room": room,
                    "route_demo": walk(DEMO, demo_pairs),
                    "route_model": walk(MODEL, model_pairs),
                    "ingest_http": http_ingest(batches(points, args.clients, when)),
                    "ingest_bare": bare_ingest(
                        batches(points, args.clients, when + timedelta(minutes=15))
                    ),
                }
                for key, job in jobs.items():
                    samples[key].append(drive(job, args.seconds, args.clients))
        finally:
            server.terminate()
            server.wait(10)
            bare.close()
    med = {k: {f: statistics.median(s[f] for s in v) for f in v[0]} for k, v in samples.items()}
    floor = med["health"]["p50_ms"]
    load = os.getloadavg()
    print(
        f"\n{args.storeys} storeys × {args.rooms} rooms (demo) and {args.ifc.name}, "
        f"{len(points)} numeric points, {args.clients} client threads, "
        f"{args.rounds} rounds of {args.seconds:g} s per endpoint (medians), "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}\n"
    )
    print("| endpoint | requests/s | p50 ms | p99 ms | p50 / health p50 | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for key, name in names.items():
        m = med[key]
        ratio = f"{m['p50_ms'] / floor:.1f} ×" if key.startswith(("room", "route")) else ""
        print(
            f"| {name} | {m['rps']:.0f} | {m['p50_ms']:.2f} | {m['p99_ms']:.2f} | {ratio} "
            f"| {m['errors']:.0f} |"
        )
    http, plain = med["ingest_http"]["units_s"], med["ingest_bare"]["units_s"]
    print(
        f"\nreadings/s: {http:,.0f} through key + audit, {plain:,.0f} bare "
        f"({100 * http / plain:.0f} %)"
    )


if __name__ == "__main__":
    main()
