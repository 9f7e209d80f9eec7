"""The security suite: every hole of the outside tester's report, against a real
``python -m cli serve`` subprocess over real HTTP (raw sockets where the wire
matters: bodies without Content-Length, answers before a body is sent).

:func:`start` runs a service on a free port in its own data folder (SQLite),
with the keys it is given made beforehand; :func:`demo_building` registers the
small generated office as building ``A`` (and ``B``) for allocation tests.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.fixtures.services import free_port
from twin.access.keys import KeyStore
from twin.store.db import engine_for

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0

#: A key to make before start: name → (role, buildings, allow).
KeySpec = Mapping[str, tuple[str, Sequence[str], Sequence[str]]]


@dataclass
class Service:
    """A running ``twin serve``: its base URL, tokens, folders and process."""

    root: Path
    env: dict[str, str]
    host: str
    port: int
    tokens: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.root / 'data' / 'twin.sqlite3'}"

    def as_(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[key]}"}

    def client(self, key: str | None = None) -> httpx.Client:
        headers = self.as_(key) if key else {}
        return httpx.Client(base_url=f"{self.url}/api/v1", headers=headers, timeout=30.0)

    def start(self, log_level: str = "warning") -> Service:
        self.log_path = self.root / f"serve-{int(time.time() * 1000)}.log"
        command = [sys.executable, "-m", "cli", "serve", "--host", self.host,
                   "--port", str(self.port), "--log-level", log_level]  # fmt: skip
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            with contextlib.suppress(httpx.HTTPError, ValueError):
                if httpx.get(f"{self.url}/health", timeout=1.0).json()["ready"]:
                    return self
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"twin serve did not start: {self.log()[-3000:]}")
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def kill(self) -> None:
        """SIGKILL: nothing is cleaned up, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def make_service(
    root: Path, *, keys: KeySpec | None = None, host: str = "127.0.0.1", **env: str
) -> Service:
    """A service (not started) in ``root`` with ``keys`` made and ``TWIN_*`` ``env``."""
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    environment = dict(os.environ)
    for name in ("TWIN_DATABASE_URL", "TWIN_MQTT_URL", "TWIN_LISTEN_HOST"):
        environment.pop(name, None)
    environment.update(
        PYTHONPATH=str(ROOT),
        TWIN_DATA_DIR=str(root / "data"),
        TWIN_CACHE_DIR=str(root.parent / "cache"),
        TWIN_TICK_S="0.2",
        # Spooled request bodies would land here: tests look at it.
        TMPDIR=str(root / "tmp"),
        **env,
    )
    service = Service(root, environment, host, free_port())
    if keys:
        engine = engine_for(service.database_url)
        store = KeyStore(engine)
        for name, (role, buildings, allow) in keys.items():
            service.tokens[name] = store.create(name, role, buildings=buildings, allow=allow)
        engine.dispose()
    return service


@pytest.fixture
def service_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("security") / "service"


@pytest.fixture(scope="session")
def demo_ifc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ifc_models.demo_building import generate_office_building

    path = tmp_path_factory.mktemp("security-ifc") / "office.ifc"
    generate_office_building(path, storeys=2, rooms_per_storey=12)
    return path


def register_demo(root: Path, demo_ifc: Path, building_ids: Sequence[str] = ("A",)) -> None:
    """Register the generated office as each of ``building_ids`` in ``root``'s data folder."""
    from twin.buildings.registry import BuildingRegistry

    registry = BuildingRegistry(root / "data", cache_dir=root.parent / "cache")
    for building_id in building_ids:
        registry.register(building_id, [demo_ifc], check=True)


def raw_request(port: int, head: str, body_parts: Iterator[bytes], *, wait_s: float = 10.0) -> str:
    """Send a request head and body parts over a plain socket; the status line and
    headers of the answer, read as soon as the service sends them (it may answer
    before the body is complete; a refused write then ends the sending)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait_s) as sock:
        sock.sendall(head.encode("latin-1"))
        sock.setblocking(False)
        answer = b""
        deadline = time.monotonic() + wait_s
        for part in body_parts:
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                pass
            except OSError:
                break
            if answer:
                break
            try:
                sock.settimeout(wait_s)
                sock.sendall(part)
                sock.setblocking(False)
            except OSError:
                break
            if time.monotonic() > deadline:
                break
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
    return answer.decode("latin-1")


def status_of(answer: str) -> int | None:
    """The status code of a raw answer, ``None`` when there was none."""
    parts = answer.split(" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[0].startswith("HTTP/") else None
