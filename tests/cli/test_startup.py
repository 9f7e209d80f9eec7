"""Start-up: the command line loads what a command uses when it runs, nothing before.

Each check runs a fresh interpreter (this test process has imported everything).
Timings are in ``bench/cli.py``; these tests check what gets imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT, sample_dir

#: Libraries too slow to import for a command that does not use them.
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
#: Our packages under the command line: loaded only by a command that runs.
INNER = ("twin", "spatial", "ifc_models", "api")


def _loaded_after(code: str, env: dict[str, str] | None = None) -> list[str]:
    """Top-level packages of HEAVY and INNER that ``code`` leaves imported."""
    probe = (
        f"{code}\n"
        "import json, sys\n"
        f"wanted = {HEAVY + INNER!r}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(wanted))))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_importing_the_command_line_loads_no_model_database_or_geometry() -> None:
    assert _loaded_after("from cli import commands") == []


def test_every_help_loads_no_model_database_or_geometry() -> None:
    code = (
        "import typer.main\n"
        "from typer.testing import CliRunner\n"
        "from cli import commands\n"
        "from cli.app import app\n"
        "group = typer.main.get_command(app)\n"
        "runner = CliRunner()\n"
        "names = [[]]\n"
        "for name, command in group.commands.items():\n"
        "    names.append([name])\n"
        "    names += [[name, sub] for sub in getattr(command, 'commands', {})]\n"
        "for argv in names:\n"
        "    result = runner.invoke(app, [*argv, '--help'])\n"
        "    assert result.exit_code == 0 and 'Usage' in result.output, (argv, result.output)\n"
        "assert len(names) > 20, names\n"
    )
    assert _loaded_after(code) == []


@pytest.mark.samples
def test_a_cached_ingest_does_not_import_ifcopenshell(tmp_path) -> None:
    model = sample_dir() / "AC20-FZK-Haus.ifc"
    if not model.is_file():
        pytest.skip("sample model missing")
    env = {**os.environ, "TWIN_CACHE_DIR": str(tmp_path / "cache")}
    ingest = (
        "import sys\n"
        f"sys.argv = ['twin', 'ingest', {str(model)!r}, '--json']\n"
        "from cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
    )
    assert "ifcopenshell" in _loaded_after(ingest, env)  # cold: the files are read
    cached = _loaded_after(ingest, env)
    assert "ifcopenshell" not in cached  # from the cache
    # Neither the settings nor typer's parameter coercion need pydantic.
    assert "pydantic" not in cached and {"numpy", "shapely", "networkx"} <= set(cached)


@pytest.mark.parametrize(
    ("argv", "modules"),
    [
        ([], {"cli.app"}),
        (["ingest"], {"cli.app", "cli.common", "cli.ingest"}),
        (["devices", "list"], {"cli.app", "cli.common", "cli.devices"}),
    ],
)
def test_a_command_imports_only_its_own_module(argv: list[str], modules: set[str]) -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['twin', *{argv!r}, '--help']\n"
        "from cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "print(sorted(m for m in sys.modules if m.startswith('cli.')))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert "Usage: twin" in run.stdout
    assert run.stdout.strip().splitlines()[-1] == str(sorted(modules))


def test_help_texts_name_the_choices_the_twin_accepts() -> None:
    from cli import keys, plan
    from twin.access.keys import ROLES
    from twin.housing.plans import COLOUR_MODES
    from twin.housing.plans.layout import PAPER_SIZES_MM
    from twin.housing.plans.render import DEFAULT_PNG_WIDTH_PX

    assert f"Colour mode: {', '.join(COLOUR_MODES)}." == plan.COLOUR_HELP
    assert f"Landscape sheet: {', '.join(PAPER_SIZES_MM)}." == plan.PAPER_HELP
    assert f"PNG width in pixels (default {DEFAULT_PNG_WIDTH_PX})." == plan.WIDTH_HELP
    assert f"One of {', '.join(ROLES)}." == keys.ROLE_HELP
