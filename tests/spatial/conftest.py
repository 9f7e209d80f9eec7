from pathlib import Path

import pytest

from tests.spatial.samples import SAMPLE_DIR


@pytest.fixture(scope="session")
def ingested(tmp_path_factory):
    """``ingested(model_name) -> IngestResult``, each model read once per session."""
    from twin.buildings.ingest import ingest

    cache = tmp_path_factory.mktemp("ingest-cache")
    done = {}

    def get(name: str):
        if name not in done:
            path = SAMPLE_DIR / name
            if not path.is_file():
                pytest.skip(f"sample model {path} not present")
            done[name] = ingest([Path(path)], cache_dir=cache)
        return done[name]

    return get
