"""Command-line start-up benchmark: what a user waits for, beside its floor.

Every timing is a whole process (``python -m cli ...`` from the repository
root, as the console script runs), the median of ``--runs`` runs, and each
is printed beside the floor it should approach, measured in the same run:

- ``twin --help`` and every ``twin CMD --help``: ``python -c "import typer, rich"``
  (target ≤ 2 ×), and a two-command typer app's own help (what typer costs:
  its rich help renderer and, for a command's help, pydantic);
- ``twin ingest MODEL`` from the ingest cache: ``python -c "import numpy,
  shapely, networkx"`` (target ≤ 1.5 ×); the run also checks that a cached
  ingest imports neither ifcopenshell nor pydantic;
- ``twin ingest MODEL --no-cache``: a bare ``ifcopenshell.geom.iterator`` run
  over the same file with the hybrid kernel (every product, every core, the
  meshes thrown away) in its own process, including the import and the file
  open (target ≤ 1.2 ×).

Usage::

    .venv/bin/python bench/cli.py [--runs 5] [--ifc ../shared/ifc/Office_A_20110811.ifc]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_IFC = REPO.parent / "shared" / "ifc" / "Office_A_20110811.ifc"

#: Modules no command may import just to show its help.
HEAVY = (
    "sqlalchemy",
    "scipy",
    "ifcopenshell",
    "shapely",
    "numpy",
    "pandas",
    "networkx",
    "pydantic",
)

#: A two-command typer app: what typer itself costs to show help (its rich help
#: renderer; since typer 0.2x, pydantic for a command's parameters).
BARE_TYPER = """
import sys
import typer
app = typer.Typer(add_completion=False)
@app.command()
def one(x: int = 1) -> None:
    "One."
@app.command()
def two(x: int = 1) -> None:
    "Two."
app()
"""

BARE_ITERATION = """
import os, sys
import ifcopenshell, ifcopenshell.geom
model = ifcopenshell.open(sys.argv[1])
settings = ifcopenshell.geom.settings()
settings.set("use-world-coords", True)
iterator = ifcopenshell.geom.iterator(
    settings, model, os.cpu_count() or 1, geometry_library="hybrid-cgal-simple-opencascade"
)
if iterator.initialize():
    while True:
        iterator.get()
        if not iterator.next():
            break
"""


def measure(jobs: dict[str, list[str]], env: dict[str, str], runs: int) -> dict[str, float]:
    """Median wall seconds of each job (a process, output discarded).

    The jobs run in rounds, each job once per round, so that a load swing on
    the shared machine hits the measured commands and their floors alike.
    """
    samples: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(runs):
        for name, argv in jobs.items():
            started = time.perf_counter()
            subprocess.run(argv, cwd=REPO, env=env, check=True, capture_output=True)
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(times) for name, times in samples.items()}


def commands(env: dict[str, str]) -> list[list[str]]:
    """Every command and sub-command of ``twin``, as argument lists."""
    script = (
        "import typer.main\n"
        "from cli import commands\n"
        "from cli.app import app\n"
        "group = typer.main.get_command(app)\n"
        "for name, command in sorted(group.commands.items()):\n"
        "    subs = getattr(command, 'commands', None)\n"
        "    for sub in sorted(subs or [None]):\n"
        "        print(name if sub is None else f'{name} {sub}')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, check=True, capture_output=True
    ).stdout.decode()
    return [line.split() for line in out.splitlines() if line.strip()]


def imports_of(args: list[str], env: dict[str, str]) -> set[str]:
    """Top-level packages a process imports (``python -X importtime``)."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )
    names = set()
    for line in run.stderr.decode().splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def row(name: str, seconds: float, floor_name: str, floor: float, target: float) -> str:
    ratio = seconds / floor
    verdict = "ok" if ratio <= target else "MISS"
    return (
        f"| {name} | {seconds:.3f} | {floor_name} {floor:.3f} | {ratio:.2f} | ≤ {target:g} "
        f"| {verdict} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per timing (median)")
    parser.add_argument("--ifc", type=Path, default=DEFAULT_IFC, help="model to ingest")
    args = parser.parse_args()
    load_before = os.getloadavg()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        env = {
            **os.environ,
            "TWIN_CACHE_DIR": str(Path(tmp) / "cache"),
            "TWIN_DATA_DIR": str(Path(tmp) / "data"),
        }
        ifc = str(args.ifc.resolve())
        twin = [python, "-m", "cli"]
        helps = {" ".join(c): [*twin, *c, "--help"] for c in commands(env)}
        jobs = {
            "typer+rich": [python, "-c", "import typer, rich"],
            "numpy+shapely+networkx": [python, "-c", "import numpy, shapely, networkx"],
            "bare hybrid iteration": [python, "-c", BARE_ITERATION, ifc],
            "bare typer app --help": [python, "-c", BARE_TYPER, "--help"],
            "bare typer app CMD --help": [python, "-c", BARE_TYPER, "one", "--help"],
            "twin --help": [*twin, "--help"],
            **helps,
            "cold": [*twin, "ingest", ifc, "--no-cache", "--json"],
            # Runs after the cold one, so it always finds the cache filled.
            "cached": [*twin, "ingest", ifc, "--json"],
        }
        t = measure(jobs, env, args.runs)
        slowest = max(helps, key=lambda name: t[name])
        rows = [
            row("bare typer app `--help`", t["bare typer app --help"], "typer+rich",
                t["typer+rich"], 2.0),
            row("bare typer app `CMD --help`", t["bare typer app CMD --help"], "typer+rich",
                t["typer+rich"], 2.0),
            row("`twin --help`", t["twin --help"], "typer+rich", t["typer+rich"], 2.0),
            row("`twin --help`", t["twin --help"], "bare typer app",
                t["bare typer app --help"], 1.2),
            row(f"slowest `twin CMD --help` (`{slowest}`)", t[slowest], "typer+rich",
                t["typer+rich"], 2.0),
            row(f"slowest `twin CMD --help` (`{slowest}`)", t[slowest], "bare typer app",
                t["bare typer app CMD --help"], 1.2),
            row("`twin ingest` cached", t["cached"], "numpy+shapely+networkx",
                t["numpy+shapely+networkx"], 1.5),
            row("`twin ingest --no-cache`", t["cold"], "bare hybrid iteration",
                t["bare hybrid iteration"], 1.2),
        ]  # fmt: skip
        heavy_in_help = {
            name: heavy
            for name, argv in helps.items()
            if (heavy := imports_of(argv[1:], env) & set(HEAVY))
        }
        cached_imports = imports_of(jobs["cached"][1:], env)
    print(f"{args.ifc.name}, {args.runs} runs each, medians in seconds (whole processes)\n")
    print("| what | s | floor (s) | ratio | target | |")
    print("|---|---|---|---|---|---|")
    for line in rows:
        print(line)
    print(f"\ncached ingest imports ifcopenshell: {'ifcopenshell' in cached_imports}")
    print(f"cached ingest imports pydantic: {'pydantic' in cached_imports}")
    print(
        "heavy modules imported by a --help: "
        + (", ".join(f"{k}: {sorted(v)}" for k, v in heavy_in_help.items()) or "none")
    )
    loads = (", ".join(f"{load:.2f}" for load in loads) for loads in (load_before, os.getloadavg()))
    print("load average (1, 5, 15 min) before the run: {}; after: {}".format(*loads))


if __name__ == "__main__":
    main()
