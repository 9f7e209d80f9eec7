"""The real models in ../shared/ifc (TWIN_SAMPLE_DIR), ingested once per test module."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIR = (REPO / os.environ.get("TWIN_SAMPLE_DIR", "../shared/ifc")).resolve()
MODELS = sorted(p.name for p in SAMPLE_DIR.glob("*.ifc")) if SAMPLE_DIR.is_dir() else []
#: Multi-storey models with stairs.
STAIR_MODELS = ["Office_A_20110811.ifc", "Duplex_A_20110907.ifc", "AC20-FZK-Haus.ifc"]
