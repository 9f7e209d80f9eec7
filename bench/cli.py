"""Command-line start-up benchmark: what a user waits for, beside its floor.

Every timing is a whole process (``python -m cli ...`` from the repository
root, as the console script runs), the median of ``--runs`` runs, and each
is printed beside the floor it should approach, measured in the same run:

- ``twin --help`` and every ``twin CMD --help``: ``python -c "import typer, rich"``
  (target ≤ 2 ×), and a two-command typer app's own help (what typer costs:
  its rich help renderer and, for a command's help, pydantic);
- ``twin ingest MODEL`` from the ingest cache: ``python -c "import numpy,
  shapely, networkx"`` (target ≤ 1.5 ×); the run also checks that a cached
  ingest does not import ifcopenshell;
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
HEAVY = ("sqlalchemy", "scipy", "ifcopenshell", "shapely", "numpy", "pandas", "pydantic")

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


def timed(args: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall seconds of ``runs`` runs of the process ``args`` (output discarded)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, cwd=REPO, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


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
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        env = {
            **os.environ,
            "TWIN_CACHE_DIR": str(Path(tmp) / "cache"),
            "TWIN_DATA_DIR": str(Path(tmp) / "data"),
        }
        ifc = str(args.ifc.resolve())
        typer_floor = timed([python, "-c", "import typer, rich"], env, args.runs)
        geometry_floor = timed([python, "-c", "import numpy, shapely, networkx"], env, args.runs)
        kernel_floor = timed([python, "-c", BARE_ITERATION, ifc], env, args.runs)
        bare_help = timed([python, "-c", BARE_TYPER, "--help"], env, args.runs)
        bare_sub_help = timed([python, "-c", BARE_TYPER, "one", "--help"], env, args.runs)
        twin_help = timed([python, "-m", "cli", "--help"], env, args.runs)
        rows = [
            row("bare typer app `--help`", bare_help, "typer+rich", typer_floor, 2.0),
            row("bare typer app `CMD --help`", bare_sub_help, "typer+rich", typer_floor, 2.0),
            row("`twin --help`", twin_help, "typer+rich", typer_floor, 2.0),
            row("`twin --help`", twin_help, "bare typer app", bare_help, 1.2),
        ]
        slowest: tuple[float, str] = (0.0, "")
        heavy_in_help: dict[str, set[str]] = {}
        for command in commands(env):
            argv = [python, "-m", "cli", *command, "--help"]
            seconds = timed(argv, env, args.runs)
            slowest = max(slowest, (seconds, " ".join(command)))
            heavy = imports_of(argv[1:], env) & set(HEAVY)
            if heavy:
                heavy_in_help[" ".join(command)] = heavy
        name = f"slowest `twin CMD --help` ({slowest[1]})"
        rows.append(row(name, slowest[0], "typer+rich", typer_floor, 2.0))
        rows.append(row(name, slowest[0], "bare typer app", bare_sub_help, 1.2))
        cold = timed([python, "-m", "cli", "ingest", ifc, "--no-cache", "--json"], env, args.runs)
        cached = timed([python, "-m", "cli", "ingest", ifc, "--json"], env, args.runs)
        rows.append(row("`twin ingest` cached", cached, "numpy+shapely+networkx",
                        geometry_floor, 1.5))  # fmt: skip
        rows.append(row("`twin ingest --no-cache`", cold, "bare hybrid iteration",
                        kernel_floor, 1.2))  # fmt: skip
        cached_imports = imports_of(["-m", "cli", "ingest", ifc, "--json"], env)
    print(f"{args.ifc.name}, {args.runs} runs each, medians in seconds (whole processes)\n")
    print("| what | s | floor (s) | ratio | target | |")
    print("|---|---|---|---|---|---|")
    for line in rows:
        print(line)
    print(f"\ncached ingest imports ifcopenshell: {'ifcopenshell' in cached_imports}")
    print(
        "heavy modules imported by a --help: "
        + (", ".join(f"{k}: {sorted(v)}" for k, v in heavy_in_help.items()) or "none")
    )


if __name__ == "__main__":
    main()
