"""``twin serve``: the API on http://127.0.0.1:8000 (uvicorn, the app factory)."""

from __future__ import annotations

import logging
import os
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


def run_server(host: str, port: int, log_level: str) -> None:
    """Serve the API's application factory with uvicorn until interrupted."""
    import uvicorn

    from api.app import create_app

    # The app decides open mode from the address it serves (api.security.Gate).
    os.environ["TWIN_LISTEN_HOST"] = host
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    check_mqtt()
    uvicorn.run(
        create_app,
        factory=True,
        host=host,
        port=port,
        log_level=log_level,
        # Open SSE streams never end by themselves: do not wait for them forever.
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="TCP port.")] = DEFAULT_PORT,
    log_level: Annotated[str, typer.Option(help="Logging level.")] = "info",
) -> None:
    """Serve every registered building's HTTP API (and live events) until interrupted.

    Without any API key ever made it runs open, only on 127.0.0.1; docs at /docs."""
    check_keys(host, port)
    run_server(host, port, log_level)
