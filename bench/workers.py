"""Several workers on one PostgreSQL: events between workers, throughput, history.

Three measurements, each in its own throw-away PostgreSQL (and Mosquitto):

``events``  — how events reach the other workers, the two candidates of issue #15:
    PostgreSQL ``NOTIFY`` in the committing transaction (payloads of at most
    7,900 bytes, as :func:`twin.devices.events.encode_notifications` cuts them)
    against republishing the same payloads on MQTT (QoS 0, outside the share
    group). Events/s from sender to listener and the median latency of a batch.
``throughput`` — ``twin serve --workers N`` for N = 1 and 2: HTTP batches of
    readings from several client threads for a fixed time; accepted readings/s
    and the ratio of 2 workers to 1 (both workers and the database share this
    machine's cores).
``history`` — N million readings (2,000 meter points, spread evenly over 30
    days) generated in SQL (``generate_series``) into the
    partitioned ``device_readings``, the energy rollups built
    (:func:`twin.energy.rollup.refresh`), then the medians of one device's day
    of raw history and a month's energy per storey (20 storeys of meters, from
    :func:`twin.energy.rollup.totals`: daily rollups plus the edge hours).

Run: ``PYTHONPATH=. .venv/bin/python bench/workers.py [events|throughput|history]``
(options: --help).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from tests.fixtures.services import free_port, start_mosquitto, start_postgres, stop  # noqa: E402
from twin.devices import partitions  # noqa: E402
from twin.devices.events import Event, encode_notifications  # noqa: E402
from twin.devices.patrol import load_patrol_rules  # noqa: E402
from twin.devices.registry import parse_rows  # noqa: E402
from twin.devices.store import save_registry  # noqa: E402
from twin.energy import rollup  # noqa: E402
from twin.energy.calendar import WorkingTime, load_calendar  # noqa: E402
from twin.energy.meters import Meter  # noqa: E402
from twin.store.db import engine_for  # noqa: E402


def reading_events(count: int) -> list[Event]:
    now = datetime.now(UTC).isoformat()
    return [
        Event("reading", "B1", {"device_id": f"D-{i:05d}", "global_id": None, "ts": now,
                                "values": {"temp": 20.0 + i % 7}})
        for i in range(count)
    ]  # fmt: skip


# --------------------------------------------------------------------------- events
def bench_events(pg_url: str, mqtt_url: str, batches: int, per_batch: int) -> dict[str, float]:
    import paho.mqtt.client as mqtt
    import psycopg
    from paho.mqtt.enums import CallbackAPIVersion

    payloads = encode_notifications("bench", reading_events(per_batch))
    total = batches * per_batch
    results: dict[str, float] = {}

    # NOTIFY: one transaction per batch, like LiveState.transaction.
    conninfo = pg_url.replace("postgresql+psycopg", "postgresql")
    listener = psycopg.connect(conninfo, autocommit=True)
    listener.execute("LISTEN bench")
    sender = psycopg.connect(conninfo)
    received = [0]
    latencies: list[float] = []
    sent_at: dict[int, float] = {}

    def listen() -> None:
        for note in listener.notifies():
            batch_no, _, rest = note.payload.partition("|")
            received[0] += rest.count("\n")
            if batch_no in sent_at_str:
                latencies.append(time.perf_counter() - sent_at_str.pop(batch_no))
            if received[0] >= total:
                break

    sent_at_str: dict[str, float] = {}
    thread = threading.Thread(target=listen)
    thread.start()
    started = time.perf_counter()
    for b in range(batches):
        sent_at_str[str(b)] = time.perf_counter()
        with sender.transaction():
            for p in payloads:
                sender.execute("SELECT pg_notify('bench', %s)", (f"{b}|{p}",))
    thread.join(120)
    results["notify_events_per_s"] = total / (time.perf_counter() - started)
    results["notify_batch_latency_ms_p50"] = statistics.median(latencies) * 1000
    listener.close()
    sender.close()
    del sent_at

    # MQTT: the same payloads, QoS 0, one subscriber.
    host, port = mqtt_url.removeprefix("mqtt://").split(":")
    done = threading.Event()
    got = [0]
    mqtt_latencies: list[float] = []
    mqtt_sent: dict[str, float] = {}

    def on_message(_client, _userdata, message):  # type: ignore[no-untyped-def]
        text_ = message.payload.decode()
        batch_no, _, rest = text_.partition("|")
        got[0] += rest.count("\n")
        if batch_no in mqtt_sent:
            mqtt_latencies.append(time.perf_counter() - mqtt_sent.pop(batch_no))
        if got[0] >= total:
            done.set()

    subscriber = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    subscriber.on_message = on_message
    subscriber.connect(host, int(port))
    subscriber.subscribe("twin-events/#", qos=0)
    subscriber.loop_start()
    publisher = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    publisher.connect(host, int(port))
    publisher.loop_start()
    time.sleep(0.5)
    started = time.perf_counter()
    for b in range(batches):
        mqtt_sent[str(b)] = time.perf_counter()
        for p in payloads:
            publisher.publish("twin-events/bench", f"{b}|{p}", qos=0)
    done.wait(120)
    results["mqtt_events_per_s"] = got[0] / (time.perf_counter() - started)
    results["mqtt_batch_latency_ms_p50"] = statistics.median(mqtt_latencies) * 1000
    results["mqtt_events_lost"] = total - got[0]
    for client in (publisher, subscriber):
        client.loop_stop()
        client.disconnect()
    return results


# --------------------------------------------------------------------------- throughput
def bench_throughput(
    pg_url: str, mqtt_url: str, workers: int, devices: int, seconds: float, clients: int
) -> float:
    rows = [
        {"device_id": f"D-{i:05d}", "point": "temp", "brick_class": "Zone_Air_Temperature_Sensor",
         "unit": "degC", "heartbeat_s": "3600"}
        for i in range(devices)
    ]  # fmt: skip
    engine = engine_for(pg_url)
    with engine.begin() as connection:
        for table in ("device_readings", "device_latest", "device_points"):
            connection.execute(text(f"DELETE FROM {table}"))
    save_registry(engine, "B1", parse_rows(rows))
    engine.dispose()
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="twin-bench-workers-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TWIN_DATABASE_URL": pg_url,
           "TWIN_DATA_DIR": str(folder / "data"), "TWIN_CACHE_DIR": str(folder / "cache"),
           "TWIN_MQTT_URL": mqtt_url, "TWIN_MQTT_SHARE_GROUP": "bench"}  # fmt: skip
    command = [sys.executable, "-m", "cli", "serve", "--port", str(port), "--log-level",
               "warning", "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        time.sleep(3.0 * workers)  # every worker up (the kernel spreads connections)
        per_client = devices // clients
        accepted = [0] * clients
        stop_at = time.monotonic() + seconds
        base = time.time() - 86_400

        def client(index: int) -> None:
            with httpx.Client(timeout=60) as http:
                step = 0
                while time.monotonic() < stop_at:
                    ts = datetime.fromtimestamp(base + step, UTC).isoformat()
                    batch = [
                        {"device_id": f"D-{i:05d}", "ts": ts, "values": {"temp": 21.0}}
                        for i in range(index * per_client, (index + 1) * per_client)
                    ]
                    answer = http.post(f"{url}/api/v1/readings", json={"readings": batch})
                    accepted[index] += answer.json()["accepted"]
                    step += 1

        started = time.monotonic()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(client, range(clients)))
        return sum(accepted) / (time.monotonic() - started)
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- history
def bench_history(pg_url: str, millions: float, repeats: int) -> dict[str, float]:
    engine = engine_for(pg_url)
    points = 2_000
    storeys = 20
    rows = int(millions * 1_000_000)
    steps = rows // points  # readings per point, spread over 30 days
    interval_us = 30 * 86_400_000_000 // steps
    # October as the energy domain counts it: from local midnight to local midnight.
    working = WorkingTime(load_calendar(), load_patrol_rules().working_hours)
    start_us = working.day_start_us(date(2026, 10, 1))
    month_end_us = working.day_start_us(date(2026, 11, 1))
    start = datetime.fromtimestamp(start_us / 1e6, UTC)
    results: dict[str, float] = {"readings": float(steps * points), "interval_s": interval_us / 1e6}
    with engine.begin() as connection:
        partitions.ensure_partitions(connection, start.timestamp(), ahead=2)
    began = time.perf_counter()
    # One statement per point block keeps each transaction's memory small.
    block = 100
    for first in range(0, points, block):
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO device_readings (device_id, point, ts_us, value) "
                    "SELECT 'M-' || lpad(p::text, 4, '0'), 'energy', "
                    "CAST(:s AS bigint) + t::bigint * :i, 1000 + t * 0.01 + p "
                    "FROM generate_series(CAST(:a AS int), CAST(:b AS int)) p, "
                    "generate_series(0, CAST(:n AS int)) t"
                ),
                {
                    "s": start_us,
                    "a": first,
                    "b": min(first + block, points) - 1,
                    "n": steps - 1,
                    "i": interval_us,
                },
            )
    results["generate_s"] = time.perf_counter() - began
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE device_readings")
    meters = [Meter(f"M-{p:04d}", "energy", "electricity", "counter") for p in range(points)]
    began = time.perf_counter()
    rollup.refresh(engine, meters, working)  # analyses the rollup tables after a bulk build
    results["rollups_s"] = time.perf_counter() - began
    day_start = start_us + 86_400_000_000
    day_times = []
    for i in range(repeats):
        began = time.perf_counter()
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT ts_us, value FROM device_readings WHERE device_id = :d "
                     "AND point = 'energy' AND ts_us >= :s AND ts_us < :e ORDER BY ts_us"),
                {"d": f"M-{(i * 37) % points:04d}", "s": day_start,
                 "e": day_start + 86_400_000_000},
            ).all()  # fmt: skip
        day_times.append(time.perf_counter() - began)
    results["day_rows"] = float(len(found))
    results["device_day_ms_p50"] = statistics.median(day_times) * 1000
    storey_of = {m.key: f"storey-{p % storeys:02d}" for p, m in enumerate(meters)}
    energy_times = []
    for _ in range(repeats):
        began = time.perf_counter()
        energy: dict[str, float] = {}
        for key, amount in rollup.totals(engine, meters, working, start_us, month_end_us).items():
            energy[storey_of[key]] = energy.get(storey_of[key], 0.0) + amount.total
        energy_times.append(time.perf_counter() - began)
    results["storeys"] = float(len(energy))
    results["month_energy_per_storey_ms_p50"] = statistics.median(energy_times) * 1000
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", nargs="*", default=["events", "throughput", "history"])
    parser.add_argument("--batches", type=int, default=200, help="events: batches sent")
    parser.add_argument("--per-batch", type=int, default=500, help="events: events per batch")
    parser.add_argument("--devices", type=int, default=2_000, help="throughput: devices")
    parser.add_argument("--clients", type=int, default=4, help="throughput: client threads")
    parser.add_argument("--seconds", type=float, default=15.0, help="throughput: duration")
    parser.add_argument("--millions", type=float, default=10.0, help="history: readings, M")
    parser.add_argument("--repeats", type=int, default=20, help="history: query repeats")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="twin-bench-") as folder:
        # Its own folder: start_postgres opens it to the postgres user.
        pg_folder = Path(tempfile.mkdtemp(prefix="twin-bench-pg-"))
        pg = start_postgres(pg_folder)
        broker = start_mosquitto(Path(folder))
        try:
            report: dict[str, object] = {}
            if "events" in args.what:
                report["events"] = bench_events(pg.url, broker.url, args.batches, args.per_batch)
                print(json.dumps(report["events"]), flush=True)
            if "throughput" in args.what:
                rates = {
                    n: bench_throughput(pg.url, broker.url, n, args.devices, args.seconds,
                                        args.clients)
                    for n in (1, 2)
                }  # fmt: skip
                report["throughput"] = {
                    "readings_per_s_1_worker": rates[1],
                    "readings_per_s_2_workers": rates[2],
                    "ratio_2_to_1": rates[2] / rates[1],
                }
                print(json.dumps(report["throughput"]), flush=True)
            if "history" in args.what:
                report["history"] = bench_history(pg.url, args.millions, args.repeats)
                print(json.dumps(report["history"]), flush=True)
        finally:
            pg.stop()
            stop(broker.process)
            shutil.rmtree(pg_folder, ignore_errors=True)


if __name__ == "__main__":
    main()
