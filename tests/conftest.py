"""Shared fixtures: the real sample models and isolated twin directories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixtures.services import mosquitto, mosquitto_tls, postgres, postgres_url  # noqa: F401

REPO_ROOT = Path(__file__).resolve().parent.parent


def sample_dir() -> Path:
    """The real IFC models: ``TWIN_SAMPLE_DIR`` or ``../shared/ifc`` beside the repo."""
    configured = os.environ.get("TWIN_SAMPLE_DIR")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "ifc"


def sample_models() -> list[Path]:
    """Every ``.ifc`` file in the sample directory, sorted by name."""
    return sorted(sample_dir().glob("*.ifc"))


@pytest.fixture(autouse=True)
def isolated_twin_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test gets its own cache and data directories (never the user's)."""
    root = tmp_path_factory.mktemp("twin")
    monkeypatch.setenv("TWIN_CACHE_DIR", str(root / "cache"))
    monkeypatch.setenv("TWIN_DATA_DIR", str(root / "data"))
    return root


@pytest.fixture(scope="session")
def samples() -> list[Path]:
    models = sample_models()
    if not models:
        pytest.fail(f"no sample IFC models in {sample_dir()} (set TWIN_SAMPLE_DIR)")
    return models


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests leave files for a person to look at (``test-artifacts/``)."""
    folder = REPO_ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder
