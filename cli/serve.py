"""``twin serve``: the API on http://127.0.0.1:8000 (uvicorn, the app factory).

``--workers N`` starts N worker processes on one port (``SO_REUSEPORT``: the
kernel spreads connections over them), each with its own MQTT client id
(``<id>-<index>``, so each keeps its persistent session across restarts), and
restarts a worker that dies. They share PostgreSQL (``TWIN_DATABASE_URL``) and
``TWIN_DATA_DIR``; see the README's "Running several workers".
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Annotated

import typer

from cli.app import app
from cli.common import fail

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: Seconds to let open requests (SSE streams) finish on shutdown.
GRACEFUL_SHUTDOWN_S = 3
#: Addresses that only this machine reaches: the service may run without keys there.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

OPEN_BANNER = """
********************************************************************
*  NO API KEYS CONFIGURED: the API is OPEN (every request is admin) *
*  on {url:<58}*
*  Fine on your own machine; make keys before anyone else uses it: *
*    twin keys create NAME --role viewer|housing|operator|admin    *
********************************************************************
"""
NO_ACTIVE_KEY = (
    "no active API key: every request will be refused (401) until one is made with "
    "`twin keys create NAME --role admin`"
)


def check_keys(host: str, port: int) -> None:
    """Refuse a non-local address without keys; warn loudly on a local one.

    The service itself decides open mode from the same facts at start-up
    (``TWIN_LISTEN_HOST``, set by :func:`run_server`, and whether a key was ever
    made): keys that existed once and were all revoked never make it open again.
    """
    from twin.access.keys import KeyStore
    from twin.settings import get_settings
    from twin.store.db import engine_for

    store = KeyStore(engine_for(get_settings().effective_database_url))
    if store.any_active():
        return
    if store.ever_configured():
        typer.echo(NO_ACTIVE_KEY, err=True)
        return
    if host not in LOCAL_HOSTS:
        fail(
            f"refusing to serve on {host} without API keys: "
            "create one with `twin keys create NAME --role admin`, or use --host 127.0.0.1"
        )
    typer.echo(OPEN_BANNER.format(url=f"http://{host}:{port}"), err=True)


def check_mqtt() -> None:
    """Refuse to start when the broker turns our login or TLS set-up down (exit 2);
    a broker that is only unreachable gets a warning, and the service keeps trying."""
    from twin.devices.mqtt.broker import MqttConfigError, MqttConnectionError, broker_from_settings
    from twin.devices.mqtt.ingest import check_broker
    from twin.settings import get_settings

    try:
        broker = broker_from_settings(get_settings())
        if broker is not None:
            check_broker(broker)
    except MqttConfigError as exc:
        fail(str(exc))
    except MqttConnectionError as exc:
        if exc.permanent:
            fail(f"MQTT: {exc}")
        typer.echo(f"twin: warning: MQTT: {exc}; the service keeps trying", err=True)


def run_server(host: str, port: int, log_level: str, *, reuse_port: bool = False) -> None:
    """Serve the API's application factory with uvicorn until interrupted.

    ``reuse_port``: listen with ``SO_REUSEPORT``, beside the other workers on the port.
    """
    import uvicorn

    from api.app import create_app

    # The app decides open mode from the address it serves (api.security.Gate).
    os.environ["TWIN_LISTEN_HOST"] = host
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    check_mqtt()
    where: dict[str, object] = {"host": host, "port": port}
    if reuse_port:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind((host, port))
        listener.set_inheritable(True)
        where = {"fd": listener.fileno()}
    uvicorn.run(
        create_app,
        factory=True,
        log_level=log_level,
        # The C parser: POST /readings went from 68 % to 89-94 % of the bare
        # ingest path's readings/s with it (bench/api.py, quiet machine).
        http="httptools",
        # Open SSE streams never end by themselves: do not wait for them forever.
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        **where,  # type: ignore[arg-type]
    )


#: Seconds a worker that died waits before it is started again.
RESTART_DELAY_S = 1.0


def supervise(host: str, port: int, log_level: str, workers: int) -> None:
    """Run ``workers`` worker processes on one port; restart any that dies; stop all on
    SIGINT/SIGTERM."""
    from twin.devices.mqtt.ingest import default_client_id
    from twin.settings import get_settings

    settings = get_settings()
    base_id = settings.mqtt_client_id or default_client_id(settings.mqtt_share_group)
    command = [sys.executable, "-m", "cli", "serve", "--host", host, "--port", str(port),
               "--log-level", log_level, "--reuse-port"]  # fmt: skip

    def start(index: int) -> subprocess.Popen[bytes]:
        env = {**os.environ, "TWIN_MQTT_CLIENT_ID": f"{base_id}-{index}"}
        return subprocess.Popen(command, env=env)

    children = {index: start(index) for index in range(workers)}
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    typer.echo(f"twin: {workers} workers on http://{host}:{port}", err=True)
    while not stopping:
        time.sleep(0.2)
        for index, child in list(children.items()):
            if child.poll() is not None and not stopping:
                typer.echo(
                    f"twin: worker {index} exited ({child.returncode}); restarting", err=True
                )
                time.sleep(RESTART_DELAY_S)
                children[index] = start(index)
    for child in children.values():
        child.terminate()
    for child in children.values():
        try:
            child.wait(GRACEFUL_SHUTDOWN_S + 5)
        except subprocess.TimeoutExpired:
            child.kill()


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="TCP port.")] = DEFAULT_PORT,
    log_level: Annotated[str, typer.Option(help="Logging level.")] = "info",
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes on the port (needs PostgreSQL).")
    ] = 1,
    reuse_port: Annotated[
        bool, typer.Option(hidden=True, help="Listen beside other workers (SO_REUSEPORT).")
    ] = False,
) -> None:
    """Serve every registered building's HTTP API (and live events) until interrupted.

    Without any API key ever made it runs open, only on 127.0.0.1; docs at /docs. Several
    workers share one PostgreSQL (TWIN_DATABASE_URL) and TWIN_DATA_DIR."""
    if workers > 1:
        from twin.settings import get_settings

        if get_settings().effective_database_url.startswith("sqlite"):
            fail("several workers share one database: set TWIN_DATABASE_URL to PostgreSQL")
        check_keys(host, port)
        check_mqtt()
        supervise(host, port, log_level, workers)
        return
    if not reuse_port:
        check_keys(host, port)
    run_server(host, port, log_level, reuse_port=reuse_port)
