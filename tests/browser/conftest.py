"""Browser tests: the real service on a free port, the built viewer, Debian's Chromium.

The session builds ``viewer/dist`` when it is missing (``npm ci && npm run
build``), registers two buildings in a temporary ``TWIN_DATA_DIR`` (the
generated demo office with a device registry and its meeting rooms booked for
this week, and Office_A from the sample models), starts ``python -m cli serve``
as a subprocess and opens pages in ``/usr/bin/chromium`` through Playwright (no
downloaded browser).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO_ROOT, sample_dir

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("TWIN_CHROMIUM", "/usr/bin/chromium")
#: Root needs --no-sandbox; the rest keep Chromium off the network; SwiftShader renders WebGL.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
VIEWPORT = {"width": 1280, "height": 800}
SERVER_START_TIMEOUT_S = 120.0
VIEWER_DIR = REPO_ROOT / "viewer"
OFFICE_A = "Office_A_20110811.ifc"
#: Console noise that is not an error of the viewer: GPU driver performance notes.
IGNORED_CONSOLE = ("GL Driver Message", "GPU stall due to ReadPixels")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def twin_cli(env: dict[str, str], *args: str) -> str:
    """Run ``python -m cli ARGS`` in ``env``; its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "cli", *args], env=env, cwd=REPO_ROOT, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout


def twin_env(root: Path) -> dict[str, str]:
    """The environment of a service whose data and cache live under ``root``."""
    env = {
        **os.environ,
        "TWIN_DATA_DIR": str(root / "data"),
        "TWIN_CACHE_DIR": str(root / "cache"),
        "PYTHONPATH": str(REPO_ROOT),
    }
    env.pop("TWIN_DATABASE_URL", None)
    env.pop("TWIN_MQTT_URL", None)
    return env


@contextlib.contextmanager
def serving(env: dict[str, str], root: Path) -> Iterator[str]:
    """``twin serve`` on a free port until the block ends; yields its base URL."""
    port = _free_port()
    log = (root / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"twin serve exited: {(root / 'serve.log').read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=2).json().get("ready"):
                    break
            if time.monotonic() > deadline:
                pytest.fail("twin serve did not become ready")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def viewer_dist() -> Path:
    """The built viewer; built here when missing (``make viewer`` builds it in ``make test``)."""
    dist = VIEWER_DIR / "dist"
    if not (dist / "index.html").is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("viewer/dist is missing and npm is not installed to build it")
        if not (VIEWER_DIR / "node_modules").is_dir():
            subprocess.run([npm, "ci"], cwd=VIEWER_DIR, check=True)
        subprocess.run([npm, "run", "build"], cwd=VIEWER_DIR, check=True)
    return dist


@pytest.fixture(scope="session")
def twin_server(viewer_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a running ``twin serve`` with buildings ``demo`` and ``office-a``."""
    from ifc_models.demo_building import generate_office_building

    office_a = sample_dir() / OFFICE_A
    if not office_a.is_file():
        pytest.fail(f"{office_a} is missing (set TWIN_SAMPLE_DIR)")
    root = tmp_path_factory.mktemp("browser-twin")
    env = twin_env(root)
    demo = root / "demo.ifc"
    generate_office_building(demo, storeys=3, rooms_per_storey=20)
    twin_cli(env, "ingest", str(demo), "--name", "demo")
    twin_cli(env, "ingest", str(office_a), "--name", "office-a")
    twin_cli(env, "devices", "template", "--building", "demo", "--out", str(root / "devices.csv"))
    twin_cli(env, "devices", "load", str(root / "devices.csv"), "--building", "demo")
    twin_cli(env, "meetings", "demo-week", "demo")
    with serving(env, root) as base:
        yield base


@pytest.fixture(scope="session")
def api(twin_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{twin_server}/api/v1", timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_artifacts(artifacts_dir: Path) -> Path:
    folder = artifacts_dir / "browser"
    folder.mkdir(exist_ok=True)
    return folder


#: What Chromium logs for an answer >= 400.
FAILED_RESOURCE = re.compile(r"status of (\d{3})")


def _expected_failure(url: str, status: int, expected: Sequence[tuple[int, str]] = ()) -> bool:
    """The contract answers 404 for a building without stored allocations: the viewer
    handles it (a note in the legend), and the browser still logs it. ``expected``:
    more (status, path ending) pairs a journey provokes on purpose."""
    path = url.split("?")[0]
    allowed = ((404, "/compliance"), *expected)
    return any(status == code and path.endswith(end) for code, end in allowed)


def _watch(
    page, errors: list[str], *, responses: bool, expected: Sequence[tuple[int, str]] = ()
) -> None:
    def on_console(message) -> None:
        if message.type != "error" or any(s in message.text for s in IGNORED_CONSOLE):
            return
        url = (message.location or {}).get("url", "")
        failed = FAILED_RESOURCE.search(message.text)
        if failed and _expected_failure(url, int(failed.group(1)), expected):
            return
        errors.append(f"{message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    if responses:
        page.on(
            "response",
            lambda r: (
                r.status >= 400
                and not _expected_failure(r.url, r.status, expected)
                and errors.append(f"{r.status} {r.request.method} {r.url}")
            ),
        )


@pytest.fixture
def page(browser, browser_artifacts: Path, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh 1280×800 page; fails the test on console errors; saves a screenshot."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    errors: list[str] = []
    _watch(page, errors, responses=False)
    yield page
    name = request.node.name.replace("[", "-").replace("]", "").replace("/", "_")
    page.screenshot(path=str(browser_artifacts / f"{name}.png"))
    context.close()
    assert not errors, f"console errors: {errors}"


@pytest.fixture
def journey(browser, browser_artifacts: Path, request: pytest.FixtureRequest) -> Iterator[object]:
    """Opens pages for a user journey (``journey(locale=..., expected=...)``, a new
    browser profile each): the test fails on any console error and on any 4xx/5xx
    answer but the ``expected`` (status, path ending) pairs."""
    opened: list[tuple[object, object]] = []
    errors: list[str] = []

    def open_page(
        locale: str = "en-US", expected: Sequence[tuple[int, str]] = (), **options: object
    ):
        context = browser.new_context(viewport=VIEWPORT, locale=locale, **options)
        page = context.new_page()
        _watch(page, errors, responses=True, expected=expected)
        opened.append((context, page))
        return page

    yield open_page
    name = request.node.name.replace("[", "-").replace("]", "").replace("/", "_")
    for number, (context, page) in enumerate(opened):
        suffix = f"-{number}" if number else ""
        page.screenshot(path=str(browser_artifacts / f"{name}{suffix}.png"))
        context.close()
    assert not errors, f"console errors or failed requests: {errors}"


def open_viewer(page, base: str, building: str, timeout_ms: float = 60_000) -> dict:
    """Open the viewer on a building and wait until its model is drawn."""
    page.goto(f"{base}/?building={building}")
    page.wait_for_function(
        "window.twinViewer && (window.twinViewer.ready || window.twinViewer.error)",
        timeout=timeout_ms,
    )
    state = page.evaluate(
        "({ready: twinViewer.ready, error: twinViewer.error, rooms: twinViewer.roomCount,"
        " firstRenderMs: twinViewer.firstRenderMs, timings: twinViewer.timings})"
    )
    assert state["ready"], state["error"]
    return state
