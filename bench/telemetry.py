"""Telemetry benchmark: sustained ingestion via HTTP and MQTT, publish-to-SSE latency.

Starts a Mosquitto broker and the service (``twin serve``) on free ports with a
registry of ``--devices`` devices, then measures:

1. HTTP: readings/s accepted through ``POST /api/v1/readings`` batches
   (bodies encoded before the clock starts; ``--http-clients`` in parallel);
2. MQTT: readings/s accepted through the broker (QoS 1, ``--publishers``
   processes), next to the rate a bare paho subscriber counts for the same
   load on another topic (the broker + client library ceiling);
3. latency: ``--devices`` × 1 Hz over MQTT with the reading's ``ts`` set at
   publish time; an SSE client measures arrival − ts, p50/p99.

Run: ``PYTHONPATH=. /work/venv/bin/python bench/telemetry.py`` (options: --help).
Targets: ≥ 50,000/s HTTP, ≥ 20,000/s MQTT, p99 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.services import free_port, start_mosquitto, stop  # noqa: E402
from twin.devices.registry import parse_rows  # noqa: E402
from twin.devices.store import save_registry  # noqa: E402
from twin.store.db import engine_for  # noqa: E402

BUILDING = "BENCH"


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat()


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "twin", "serve", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).json()["mqtt"].startswith("subscribed"):
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("service did not start")


def accepted(url: str) -> int:
    return int(httpx.get(f"{url}/api/v1/readings/rejections", timeout=30).json()["accepted"])


# ---------------------------------------------------------------- HTTP
def bench_http(url: str, devices: int, seconds: float, clients: int, batch: int) -> float:
    # Timestamps step back from now so every round is newer than the last and none
    # is in the future; bodies are encoded first so the clients spend little CPU.
    rounds = max(1, int(seconds * 60_000 / devices) + 2)
    base = time.time() - rounds - 10
    bodies = []
    for r in range(rounds):
        ts = iso(base + r)
        for start in range(0, devices, batch):
            readings = [
                {"device_id": f"D{i:05d}", "ts": ts, "values": {"temp": 21.5}}
                for i in range(start, min(start + batch, devices))
            ]
            bodies.append(json.dumps({"readings": readings}).encode())
    before = accepted(url)
    done = threading.Event()
    index = iter(range(len(bodies)))
    lock = threading.Lock()

    def worker() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            while not done.is_set():
                with lock:
                    i = next(index, None)
                if i is None:
                    return
                client.post(
                    "/api/v1/readings",
                    content=bodies[i],
                    headers={"content-type": "application/json"},
                )

    # The batches must go in round order per device: one round at a time in parallel.
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        threading.Timer(seconds, done.set).start()
        futures = [pool.submit(worker) for _ in range(clients)]
        for f in futures:
            f.result()
    elapsed = time.perf_counter() - started
    done.set()
    return (accepted(url) - before) / elapsed


# ---------------------------------------------------------------- MQTT
def _publisher(host: str, port: int, prefix: str, ids: list[int], seconds: float,
               rate_hz: float | None, start_at: float, counter) -> None:  # fmt: skip
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(65535)
    client.max_queued_messages_set(0)
    client.connect(host, port)
    client.loop_start()
    while time.time() < start_at:
        time.sleep(0.001)
    sent = 0
    last_ts: dict[int, float] = {}
    end = start_at + seconds
    topics = [f"{prefix}/{BUILDING}/D{i:05d}/state" for i in ids]
    info = None
    while time.time() < end:
        tick = time.time()
        for n, topic in enumerate(topics):
            now = time.time()
            if rate_hz is not None:
                # Spread the devices over the second (1 Hz each).
                due = tick + n / len(topics) / rate_hz
                if due > now:
                    time.sleep(due - now)
                    now = time.time()
            ts = max(now, last_ts.get(n, 0.0) + 1e-6)
            last_ts[n] = ts
            payload = json.dumps({"ts": iso(ts), "values": {"temp": 21.5}})
            info = client.publish(topic, payload, qos=1)
            sent += 1
            if now > end:
                break
        if rate_hz is not None:
            time.sleep(max(0.0, tick + 1.0 / rate_hz - time.time()))
    if info is not None:
        info.wait_for_publish(30)
    client.loop_stop()
    client.disconnect()
    with counter.get_lock():
        counter.value += sent


def publish_load(host: str, port: int, prefix: str, devices: int, seconds: float,
                 publishers: int, rate_hz: float | None = None) -> tuple[int, float]:  # fmt: skip
    counter = mp.Value("q", 0)
    start_at = time.time() + 1.0
    procs = [
        mp.Process(
            target=_publisher,
            args=(
                host,
                port,
                prefix,
                list(range(k, devices, publishers)),
                seconds,
                rate_hz,
                start_at,
                counter,
            ),
        )
        for k in range(publishers)
    ]
    for p in procs:
        p.start()
    return counter, start_at, procs  # type: ignore[return-value]


def bare_subscriber_rate(host: str, port: int, devices: int, seconds: float,
                         publishers: int) -> float:  # fmt: skip
    received = [0]
    first: list[float] = []
    last = [0.0]
    ready = threading.Event()

    def on_message(_c, _u, _m) -> None:  # type: ignore[no-untyped-def]
        if not first:
            first.append(time.perf_counter())
        received[0] += 1
        last[0] = time.perf_counter()

    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.on_message = on_message
    client.on_subscribe = lambda *a: ready.set()
    client.connect(host, port)
    client.subscribe("bare/+/+/state", qos=1)
    client.loop_start()
    ready.wait(10)
    _, _, procs = publish_load(host, port, "bare", devices, seconds, publishers)
    for p in procs:
        p.join()
    time.sleep(1.0)
    client.loop_stop()
    client.disconnect()
    return received[0] / max(last[0] - first[0], 1e-9) if first else 0.0


def bench_mqtt(url: str, host: str, port: int, devices: int, seconds: float,
               publishers: int) -> float:  # fmt: skip
    before = accepted(url)
    _, start_at, procs = publish_load(host, port, "twin", devices, seconds, publishers)
    for p in procs:
        p.join()
    # Wait until the service has caught up with the broker.
    stable_since, last = time.time(), accepted(url)
    while time.time() - stable_since < 1.0:
        time.sleep(0.25)
        now = accepted(url)
        if now != last:
            stable_since, last = time.time(), now
    elapsed = stable_since - start_at
    return (last - before) / elapsed


# ---------------------------------------------------------------- latency
def bench_latency(url: str, host: str, port: int, devices: int, seconds: float,
                  publishers: int) -> tuple[float, float, int]:  # fmt: skip
    latencies: list[float] = []
    ready = threading.Event()
    stop_at = [float("inf")]

    def listen() -> None:
        with httpx.stream("GET", f"{url}/api/v1/events", params={"kind": "reading"},
                          timeout=None) as response:  # fmt: skip
            for line in response.iter_lines():
                if line.startswith(": connected"):
                    ready.set()
                elif line.startswith("data: "):
                    now = time.time()
                    ts = json.loads(line[6:])["ts"]
                    latencies.append(now - datetime.fromisoformat(ts).timestamp())
                if time.time() > stop_at[0]:
                    return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    ready.wait(10)
    _, _, procs = publish_load(host, port, "twin", devices, seconds, publishers, 1.0)
    for p in procs:
        p.join()
    stop_at[0] = time.time() + 1.0
    thread.join(5)
    warm = [lat for lat in latencies[devices:]]  # skip the first second (connections warm up)
    data = sorted(warm or latencies)
    if not data:
        return float("nan"), float("nan"), 0
    p50 = statistics.median(data)
    p99 = data[min(len(data) - 1, int(len(data) * 0.99))]
    return p50 * 1000, p99 * 1000, len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--http-clients", type=int, default=2)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="twin-bench-") as folder:
        root = Path(folder)
        broker = start_mosquitto(root)
        env = dict(os.environ)
        env.update(PYTHONPATH=str(ROOT), TWIN_DATA_DIR=str(root / "data"),
                   TWIN_CACHE_DIR=str(root / "cache"), TWIN_MQTT_URL=broker.url)  # fmt: skip
        db_url = args.database_url or f"sqlite:///{root / 'data' / 'twin.sqlite3'}"
        if args.database_url:
            env["TWIN_DATABASE_URL"] = args.database_url
        rows = [
            {"device_id": f"D{i:05d}", "point": "temp", "brick_class": "Temperature_Sensor",
             "unit": "degC", "min": "-50", "max": "100", "heartbeat_s": "3600"}
            for i in range(args.devices)
        ]  # fmt: skip
        engine = engine_for(db_url)
        save_registry(engine, BUILDING, parse_rows(rows))
        engine.dispose()
        server, url = start_server(env)
        try:
            http_rate = bench_http(url, args.devices, args.seconds, args.http_clients, args.batch)
            bare_rate = bare_subscriber_rate(
                "127.0.0.1", broker.port, args.devices, args.seconds, args.publishers
            )
            mqtt_rate = bench_mqtt(
                url, "127.0.0.1", broker.port, args.devices, args.seconds, args.publishers
            )
            p50, p99, samples = bench_latency(
                url, "127.0.0.1", broker.port, args.devices, args.seconds, args.publishers
            )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
            stop(broker.process)
    print(f"| measure ({args.devices} devices, {os.cpu_count()} cores) | result | target |")
    print("|---|---|---|")
    print(f"| HTTP batches ({args.batch}/request), accepted/s | {http_rate:,.0f} | ≥ 50,000 |")
    print(f"| MQTT via Mosquitto, accepted/s | {mqtt_rate:,.0f} | ≥ 20,000 |")
    print(f"| bare paho subscriber, same load, msgs/s | {bare_rate:,.0f} | (ceiling) |")
    print(f"| MQTT / bare subscriber | {mqtt_rate / bare_rate:.0%} | |" if bare_rate else "")
    print(f"| publish→SSE p50 at {args.devices} × 1 Hz, ms | {p50:.1f} | |")
    print(f"| publish→SSE p99 at {args.devices} × 1 Hz, ms ({samples} samples) | {p99:.1f} "
          "| ≤ 100 |")  # fmt: skip


if __name__ == "__main__":
    main()
