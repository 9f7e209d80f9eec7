"""``twin simulate`` refuses faults on devices the building does not have."""

from __future__ import annotations

from pathlib import Path

from tests.cli.runner import run_twin
from tests.ifc_models.builders import build_two_rooms


def test_a_fault_on_an_unknown_device_exits_2_naming_it(tmp_path: Path) -> None:
    model = build_two_rooms(tmp_path / "two.ifc").path
    assert run_twin("ingest", str(model), "--name", "two").exit_code == 0
    result = run_twin("simulate", "--building", "two", "--duration", "1", "--fault", "leak:LD-404")
    assert result.exit_code == 2
    assert "leak:LD-404" in result.stderr
    assert result.stdout == ""
