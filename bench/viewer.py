"""Time to first render of the viewer in headless Chromium, and GLB size per room,
for this tree and (in the same run) a baseline commit.

Generates the 20-storey, 2,000-room demo building, registers it and Office_A
in a temporary TWIN_DATA_DIR, starts ``twin serve`` on a free port and opens
the viewer in Debian's Chromium (``/usr/bin/chromium``, WebGL via SwiftShader)
through Playwright, a fresh browser context (empty cache) per run.

With ``--baseline REV`` (default: none) the tree at ``REV`` is exported to a
temporary folder (``git archive``), its viewer built there (reusing this
tree's ``node_modules`` when the lock files match) and served by its own
``twin serve``; runs alternate between the two servers after one warm-up each,
so both see the same machine load. The ratio after/before of the medians is
what the 10 % budget is checked against.

"First render" is ``window.twinViewer.firstRenderMs``: milliseconds from the
page's navigation start to the first frame drawn with the model in it.

Run: ``PYTHONPATH=. python bench/viewer.py [--runs 5] [--baseline 454b18f]``
(needs ``viewer/dist``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
SAMPLES = Path(os.environ.get("TWIN_SAMPLE_DIR", REPO.parent / "shared" / "ifc"))
CHROMIUM = os.environ.get("TWIN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
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


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    """One tree's ``twin serve`` and the runs measured against it."""

    label: str
    tree: Path
    base: str = ""
    process: subprocess.Popen | None = None
    runs: dict[str, list[dict]] = field(default_factory=dict)


def _export(revision: str, target: Path) -> Path:
    """The tree at ``revision`` in ``target``, with its viewer built."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", revision],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    viewer = target / "viewer"
    ours = REPO / "viewer"
    same_lock = (viewer / "package-lock.json").read_bytes() == (
        ours / "package-lock.json"
    ).read_bytes()
    if same_lock and (ours / "node_modules").is_dir():
        (viewer / "node_modules").symlink_to(ours / "node_modules")
    else:
        subprocess.run(["npm", "ci"], cwd=viewer, check=True, capture_output=True)
    subprocess.run(["npm", "run", "build"], cwd=viewer, check=True, capture_output=True)
    return target


@contextlib.contextmanager
def _serve(served: Served, root: Path, buildings: dict[str, Path]) -> Iterator[None]:
    env = {
        **os.environ,
        "TWIN_DATA_DIR": str(root / "data"),
        "TWIN_CACHE_DIR": str(root / "cache"),
        "PYTHONPATH": str(served.tree),
    }
    env.pop("TWIN_DATABASE_URL", None)
    env.pop("TWIN_MQTT_URL", None)
    for name, path in buildings.items():
        subprocess.run(
            [sys.executable, "-m", "cli", "ingest", str(path), "--name", name],
            env=env, cwd=served.tree, check=True, capture_output=True,
        )  # fmt: skip
    port = _port()
    served.process = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=served.tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    served.base = f"http://127.0.0.1:{port}"
    try:
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{served.base}/health", timeout=2).json().get("ready"):
                    break
            if served.process.poll() is not None:
                raise RuntimeError(f"{served.label}: twin serve exited")
            time.sleep(0.3)
        yield
    finally:
        served.process.terminate()
        served.process.wait(timeout=15)


def _first_render(browser, base: str, name: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{base}/?building={name}")
    page.wait_for_function(
        "window.twinViewer && (twinViewer.ready || twinViewer.error)", timeout=180_000
    )
    run = page.evaluate(
        "({fr: twinViewer.firstRenderMs, ...twinViewer.timings, eq: twinViewer.equipmentCount,"
        " error: twinViewer.error})"
    )
    context.close()
    if run["error"]:
        raise RuntimeError(f"{base} {name}: {run['error']}")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--storeys", type=int, default=20)
    parser.add_argument("--rooms-per-storey", type=int, default=100)
    parser.add_argument(
        "--baseline", default=None, help="a git revision to measure in the same run (before)"
    )
    options = parser.parse_args()
    if not (REPO / "viewer" / "dist" / "index.html").is_file():
        sys.exit("viewer/dist is missing: cd viewer && npm ci && npm run build")

    from ifc_models.demo_building import generate_office_building

    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        root = Path(tmp)
        big = root / "demo-2000.ifc"
        generate_office_building(
            big, storeys=options.storeys, rooms_per_storey=options.rooms_per_storey
        )
        buildings = {"demo-2000": big, "office-a": SAMPLES / "Office_A_20110811.ifc"}
        trees = [Served("after (this tree)", REPO)]
        if options.baseline:
            base_tree = _export(options.baseline, root / "baseline")
            trees.insert(0, Served(f"before ({options.baseline})", base_tree))
        for number, served in enumerate(trees):
            stack.enter_context(_serve(served, root / f"served-{number}", buildings))
        sizes = {}
        rooms = {}
        for name in buildings:
            glb = httpx.get(f"{trees[-1].base}/api/v1/buildings/{name}/scene.glb", timeout=60)
            sizes[name] = len(glb.content)
            rooms[name] = len(httpx.get(f"{trees[-1].base}/api/v1/buildings/{name}/spaces").json())
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name in buildings:
                for served in trees:  # warm-up: server caches, disk, Chromium's shader cache
                    _first_render(browser, served.base, name)
                    # What the viewer asks for after its first frame (the model tree's
                    # names, read once from the IFC) must not load the runs that follow.
                    with contextlib.suppress(httpx.HTTPError):
                        names = f"{served.base}/api/v1/buildings/{name}/element-names"
                        httpx.get(names, timeout=600)
                for _ in range(options.runs):
                    for served in trees:
                        run = _first_render(browser, served.base, name)
                        served.runs.setdefault(name, []).append(run)
            browser.close()
        shutil.rmtree(root / "baseline", ignore_errors=True)

    print(f"viewer first render, headless Chromium (SwiftShader), 1280x800, {options.runs} runs")
    print(
        "| tree | building | rooms | equipment | GLB MB | GLB KB/room "
        "| first render ms (median, min) | download ms | GLB read ms | scene build ms |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in buildings:
        for served in trees:
            runs = served.runs[name]

            def m(key: str, runs: list[dict] = runs) -> float:
                return statistics.median(r[key] for r in runs)

            print(
                f"| {served.label} | {name} | {rooms[name]} | {runs[0]['eq']} "
                f"| {sizes[name] / 1e6:.2f} | {sizes[name] / 1e3 / rooms[name]:.1f} "
                f"| {m('fr'):.0f} ({min(r['fr'] for r in runs):.0f}) | {m('downloadMs'):.0f} "
                f"| {m('glbReadMs'):.0f} | {m('buildMs'):.0f} |"
            )
    for name in buildings:
        for served in trees:
            runs = ", ".join(f"{r['fr']:.0f}" for r in served.runs[name])
            print(f"{served.label} {name} first render ms by run: {runs}")
    if len(trees) == 2:
        for name in buildings:
            before, after = (statistics.median(r["fr"] for r in s.runs[name]) for s in trees)
            print(f"{name}: first render after/before = {after / before:.3f} (medians)")


if __name__ == "__main__":
    main()
