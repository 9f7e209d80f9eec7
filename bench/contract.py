"""Contract benchmark: scene size with gzip, and the cost of a 304 against a 200.

Generates the demo building (``--storeys`` × ``--rooms``, ``twin demo``'s size by
default), registers it and serves it in process (no key), then fetches
``scene.glb`` plain, gzip-compressed and revalidated with its ``ETag``
(``--repeats`` times each), reporting bytes, the gzip ratio and median times as
a Markdown table. The client is in process (no network), so the times show CPU
only: the gzip row includes the client's inflating; what gzip and 304 save is
transfer, which the byte column shows.

Run: ``PYTHONPATH=. .venv/bin/python bench/contract.py`` (options: --help).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from api.app import create_app  # noqa: E402
from ifc_models.demo_building import generate_office_building  # noqa: E402
from twin.buildings.registry import BuildingRegistry  # noqa: E402
from twin.settings import Settings  # noqa: E402


def median_ms(client: TestClient, url: str, headers: dict[str, str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storeys", type=int, default=6)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        model = root / "office.ifc"
        generate_office_building(model, storeys=args.storeys, rooms_per_storey=args.rooms)
        settings = Settings(data_dir=root / "data", cache_dir=root / "cache", tick_s=3600)
        BuildingRegistry(settings.data_dir, cache_dir=settings.cache_dir).register(
            "demo", [model], check=True
        )
        with TestClient(create_app(settings)) as client:
            url = "/api/v1/buildings/demo/scene.glb"
            while not client.get("/health").json()["ready"]:
                time.sleep(0.05)
            plain = client.get(url, headers={"Accept-Encoding": "identity"})
            packed = client.get(url, headers={"Accept-Encoding": "gzip"})
            raw, gz = len(plain.content), int(packed.headers["content-length"])
            identity = {"Accept-Encoding": "identity"}
            gzip_h = {"Accept-Encoding": "gzip"}
            revalidate = {"Accept-Encoding": "gzip", "If-None-Match": packed.headers["etag"]}
            rows = [
                ("200 identity", raw, median_ms(client, url, identity, args.repeats)),
                ("200 gzip", gz, median_ms(client, url, gzip_h, args.repeats)),
                ("304 If-None-Match", 0, median_ms(client, url, revalidate, args.repeats)),
            ]
    print(f"demo building {args.storeys} × {args.rooms} rooms: GLB {raw:,} bytes, "
          f"gzip {gz:,} bytes ({gz / raw:.1%} of raw)\n")  # fmt: skip
    print("| request | body bytes | median ms |\n|---|---:|---:|")
    for name, size, ms in rows:
        print(f"| {name} | {size:,} | {ms:.2f} |")


if __name__ == "__main__":
    main()
