"""Time to first render of the viewer in headless Chromium, and GLB size per room.

Generates the 20-storey, 2,000-room demo building, registers it and Office_A
in a temporary TWIN_DATA_DIR, starts ``twin serve`` on a free port and opens
the viewer in Debian's Chromium (``/usr/bin/chromium``, WebGL via SwiftShader)
through Playwright, a fresh browser context (empty cache) per run.

"First render" is ``window.twinViewer.firstRenderMs``: milliseconds from the
page's navigation start to the first frame drawn with the model in it.

Run: ``PYTHONPATH=. python bench/viewer.py [--runs 3]`` (needs ``viewer/dist``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--storeys", type=int, default=20)
    parser.add_argument("--rooms-per-storey", type=int, default=100)
    options = parser.parse_args()
    if not (REPO / "viewer" / "dist" / "index.html").is_file():
        sys.exit("viewer/dist is missing: cd viewer && npm ci && npm run build")

    from ifc_models.demo_building import generate_office_building

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {
            **os.environ,
            "TWIN_DATA_DIR": str(root / "data"),
            "TWIN_CACHE_DIR": str(root / "cache"),
            "PYTHONPATH": str(REPO),
        }
        big = root / "demo-2000.ifc"
        generate_office_building(
            big, storeys=options.storeys, rooms_per_storey=options.rooms_per_storey
        )
        buildings = {"demo-2000": big, "office-a": SAMPLES / "Office_A_20110811.ifc"}
        for name, path in buildings.items():
            subprocess.run(
                [sys.executable, "-m", "cli", "ingest", str(path), "--name", name],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
        port = _port()
        server = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/health", timeout=2).json().get("ready"):
                        break
                time.sleep(0.3)
            rows = []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for name in buildings:
                    glb = httpx.get(f"{base}/api/v1/buildings/{name}/scene.glb", timeout=60)
                    rooms = len(httpx.get(f"{base}/api/v1/buildings/{name}/spaces").json())
                    runs = []
                    for _ in range(options.runs):
                        context = browser.new_context(viewport={"width": 1280, "height": 800})
                        page = context.new_page()
                        page.goto(f"{base}/?building={name}")
                        page.wait_for_function(
                            "window.twinViewer && (twinViewer.ready || twinViewer.error)",
                            timeout=120_000,
                        )
                        runs.append(
                            page.evaluate(
                                "({fr: twinViewer.firstRenderMs, ...twinViewer.timings,"
                                " eq: twinViewer.equipmentCount})"
                            )
                        )
                        context.close()
                    rows.append((name, rooms, len(glb.content), runs))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=15)

    print(f"viewer first render, headless Chromium (SwiftShader), 1280x800, {options.runs} runs")
    print(
        "| building | rooms | equipment | GLB MB | GLB KB/room | first render ms (median, min) "
        "| download ms | GLB read ms | scene build ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, rooms, size, runs in rows:

        def m(key: str, runs: list[dict] = runs) -> float:
            return statistics.median(r[key] for r in runs)

        print(
            f"| {name} | {rooms} | {runs[0]['eq']} | {size / 1e6:.2f} | {size / 1e3 / rooms:.1f} "
            f"| {m('fr'):.0f} ({min(r['fr'] for r in runs):.0f}) | {m('downloadMs'):.0f} "
            f"| {m('glbReadMs'):.0f} | {m('buildMs'):.0f} |"
        )


if __name__ == "__main__":
    main()
