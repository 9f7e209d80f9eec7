"""Telemetry benchmark: sustained ingestion via HTTP and MQTT, publish-to-SSE latency.

Starts a Mosquitto broker and the service (``twin serve``) on free ports with a
registry of ``--devices`` devices, then measures:

1. HTTP: readings/s accepted through ``POST /api/v1/readings`` batches
   (bodies encoded before the clock starts; ``--http-clients`` in parallel);
2. MQTT: readings/s accepted through the broker (QoS 1, ``--publishers``
   processes with the pipelining wire publisher), next to the rate a bare
   subscriber (our MQTT client, acknowledging at once, no service behind it)
   counts for the same load on another topic: the broker's own throughput
   here; ``--paho-ceiling`` adds the old bare paho subscriber;
3. latency: ``--devices`` × 1 Hz over MQTT with the reading's ``ts`` set at
   publish time; an SSE client measures arrival − ts, p50/p99;
4. the service's resident memory (RSS now and peak) after all of that.

Run: ``PYTHONPATH=. .venv/bin/python bench/telemetry.py`` (options: --help).
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.services import free_port, start_mosquitto, stop  # noqa: E402
from twin.devices.mqtt.client import MqttSubscriber  # noqa: E402
from twin.devices.mqtt.publisher import MqttBatchPublisher  # noqa: E402
from twin.devices.mqtt.topics import subscription_filter, topic_for  # noqa: E402
from twin.devices.registry import parse_rows  # noqa: E402
from twin.devices.store import save_registry  # noqa: E402
from twin.store.db import engine_for  # noqa: E402

BUILDING = "BENCH"
#: Messages per write of a publisher running flat out.
PUBLISH_CHUNK = 2000
#: Time slot of the 1 Hz publishers: the devices due in a slot go in one write, s.
RATE_SLOT_S = 0.005
TARGETS = {"http": 50_000.0, "mqtt": 20_000.0, "p99_ms": 100.0, "rss_mib": 1024.0}


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat()


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port), "--log-level", "warning"],
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
    rounds = max(1, int(seconds * 80_000 / devices) + 2)
    base = time.time() - rounds - 10
    slices = list(range(0, devices, batch))
    # Client k sends the batches of slices k, k + clients, ... round by round, so
    # the readings of a device always arrive in time order.
    queues: list[list[bytes]] = [[] for _ in range(clients)]
    for r in range(rounds):
        ts = iso(base + r)
        for n, start in enumerate(slices):
            readings = [
                {"device_id": f"D{i:05d}", "ts": ts, "values": {"temp": 21.5}}
                for i in range(start, min(start + batch, devices))
            ]
            queues[n % clients].append(json.dumps({"readings": readings}).encode())
    before = accepted(url)
    done = threading.Event()

    def worker(bodies: list[bytes]) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            for body in bodies:
                if done.is_set():
                    return
                client.post(
                    "/api/v1/readings", content=body, headers={"content-type": "application/json"}
                )

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        timer = threading.Timer(seconds, done.set)
        timer.start()
        for f in [pool.submit(worker, q) for q in queues if q]:
            f.result()
        timer.cancel()
    elapsed = time.perf_counter() - started
    return (accepted(url) - before) / elapsed


# ---------------------------------------------------------------- MQTT
def _publisher(host: str, port: int, prefix: str, ids: list[int], seconds: float,
               rate_hz: float | None, start_at: float, counter) -> None:  # fmt: skip
    client = MqttBatchPublisher(host, port)
    topics = [topic_for(BUILDING, f"D{i:05d}", prefix=prefix) for i in ids]
    while time.time() < start_at:
        time.sleep(0.001)
    end = start_at + seconds
    last_ts = 0.0

    def payload() -> bytes:
        # One time per write, strictly increasing, so no device repeats a timestamp.
        nonlocal last_ts
        last_ts = max(time.time(), last_ts + 1e-6)
        return b'{"ts":"%s","values":{"temp":21.5}}' % iso(last_ts).encode()

    if rate_hz is None:
        while time.time() < end:
            for start in range(0, len(topics), PUBLISH_CHUNK):
                body = payload()
                client.publish_many((t, body) for t in topics[start : start + PUBLISH_CHUNK])
    else:
        # Each device once per period, spread evenly over it in small slots.
        period = 1.0 / rate_hz
        per_slot = max(1, round(len(topics) * RATE_SLOT_S / period))
        tick = start_at
        while tick < end:
            for n, start in enumerate(range(0, len(topics), per_slot)):
                due = tick + n * RATE_SLOT_S
                delay = due - time.time()
                if delay > 0:
                    time.sleep(delay)
                body = payload()
                client.publish_many((t, body) for t in topics[start : start + per_slot])
            tick += period
    client.wait_acknowledged(60)
    client.close()
    with counter.get_lock():
        counter.value += client.sent


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
    """Messages/s our MQTT client receives and acknowledges with no service behind it."""
    received = [0]
    first: list[float] = []
    last = [0.0]

    def on_batch(messages) -> None:  # type: ignore[no-untyped-def]
        now = time.perf_counter()
        if not first:
            first.append(now)
        received[0] += len(messages)
        last[0] = now

    client = MqttSubscriber(host, port, subscription_filter(prefix="bare"), on_batch,
                            client_id=f"bench-bare-{os.getpid()}", session_expiry_s=0)  # fmt: skip
    client.start()
    _, _, procs = publish_load(host, port, "bare", devices, seconds, publishers)
    for p in procs:
        p.join()
    time.sleep(1.0)
    client.stop()
    return received[0] / max(last[0] - first[0], 1e-9) if first else 0.0


def paho_subscriber_rate(host: str, port: int, devices: int, seconds: float,
                         publishers: int) -> float:  # fmt: skip
    """The same with a bare paho subscriber (what ingestion used before)."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

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
    client.subscribe(subscription_filter(prefix="paho"), qos=1)
    client.loop_start()
    ready.wait(10)
    _, _, procs = publish_load(host, port, "paho", devices, seconds, publishers)
    for p in procs:
        p.join()
    # Let paho drain what the broker still holds for it (it is far slower than the load).
    stable_since, count = time.time(), received[0]
    while time.time() - stable_since < 1.0:
        time.sleep(0.25)
        if received[0] != count:
            stable_since, count = time.time(), received[0]
    client.loop_stop()
    client.disconnect()
    return received[0] / max(last[0] - first[0], 1e-9) if first else 0.0


def rss_mib(pid: int) -> tuple[float, float]:
    """``(resident now, peak resident)`` of a process, MiB (Linux ``/proc``)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


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
        try:
            # A read timeout ends the stream once the publishers have stopped.
            with httpx.stream("GET", f"{url}/api/v1/events", params={"kind": "reading"},
                              timeout=httpx.Timeout(None, read=2.0)) as response:  # fmt: skip
                for line in response.iter_lines():
                    if line.startswith(": connected"):
                        ready.set()
                    elif line.startswith("data: "):
                        now = time.time()
                        ts = json.loads(line[6:])["ts"]
                        latencies.append(now - datetime.fromisoformat(ts).timestamp())
                    if time.time() > stop_at[0]:
                        return
        except httpx.HTTPError:
            pass  # the server stopped while the stream waited for a keep-alive

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


def ratio(value: float, target: float, *, lower_is_better: bool = False) -> str:
    if value != value:  # NaN: nothing measured
        return "n/a"
    share = target / value if lower_is_better else value / target
    return f"{share:.2f}× {'✓' if share >= 1 else '✗'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--http-clients", type=int, default=2)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument(
        "--paho-ceiling",
        action="store_true",
        help="also measure a bare paho subscriber (slow: it drains a backlog)",
    )
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    args = parser.parse_args()
    paho_rate = float("nan")
    with tempfile.TemporaryDirectory(prefix="twin-bench-") as folder:
        root = Path(folder)
        broker = start_mosquitto(root)
        env = dict(os.environ)
        env.update(PYTHONPATH=str(ROOT), TWIN_DATA_DIR=str(root / "data"),
                   TWIN_CACHE_DIR=str(root / "cache"), TWIN_MQTT_URL=broker.url,
                   TWIN_MQTT_CLIENT_ID=f"twin-bench-{os.getpid()}")  # fmt: skip
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
        host = "127.0.0.1"
        try:
            rss_idle = rss_mib(server.pid)[0]
            http_rate = bench_http(url, args.devices, args.seconds, args.http_clients, args.batch)
            bare_rate = bare_subscriber_rate(
                host, broker.port, args.devices, args.seconds, args.publishers
            )
            if args.paho_ceiling:
                paho_rate = paho_subscriber_rate(
                    host, broker.port, args.devices, args.seconds, args.publishers
                )
            mqtt_rate = bench_mqtt(
                url, host, broker.port, args.devices, args.seconds, args.publishers
            )
            p50, p99, samples = bench_latency(
                url, host, broker.port, args.devices, args.seconds, args.publishers
            )
            rss_now, rss_peak = rss_mib(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
            stop(broker.process)
    n = args.devices
    print(f"| measure ({n:,} devices, {os.cpu_count()} cores) | result | target | ratio |")
    print("|---|---|---|---|")
    print(f"| HTTP batches ({args.batch:,}/request, {args.http_clients} clients), accepted/s "
          f"| {http_rate:,.0f} | ≥ 50,000 | {ratio(http_rate, TARGETS['http'])} |")  # fmt: skip
    print(f"| MQTT via Mosquitto ({args.publishers} publishers), accepted/s | {mqtt_rate:,.0f} "
          f"| ≥ 20,000 | {ratio(mqtt_rate, TARGETS['mqtt'])} |")  # fmt: skip
    print(f"| bare subscriber (our client, no service), same load, msgs/s | {bare_rate:,.0f} "
          "| (broker ceiling) | |")  # fmt: skip
    if bare_rate:
        print(f"| MQTT accepted / bare subscriber | {mqtt_rate / bare_rate:.0%} | | |")
    if args.paho_ceiling:
        print(f"| bare paho subscriber, same load, msgs/s | {paho_rate:,.0f} | (old path) | |")
    print(f"| publish→SSE p50 at {n:,} × 1 Hz, ms | {p50:.1f} | | |")
    print(f"| publish→SSE p99 at {n:,} × 1 Hz, ms ({samples:,} samples) | {p99:.1f} | ≤ 100 "
          f"| {ratio(p99, TARGETS['p99_ms'], lower_is_better=True)} |")  # fmt: skip
    rss_ratio = ratio(rss_peak, TARGETS["rss_mib"], lower_is_better=True)
    print(f"| service RSS idle / after the run / peak, MiB | {rss_idle:,.0f} / {rss_now:,.0f} "
          f"/ {rss_peak:,.0f} | ≤ 1,024 | {rss_ratio} |")  # fmt: skip


if __name__ == "__main__":
    main()
