"""Item 13: a service killed during an upload job. After the restart the job is still
there (in the database), marked interrupted with an audit row, and what it left on
disk (spooled upload, half-copied model folder) is gone."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import sample_dir
from tests.security.conftest import make_service, register_demo
from twin.store.audit import audit_entries
from twin.store.db import engine_for

OFFICE_A = "Office_A_20110811.ifc"
WAIT_S = 120.0


def test_an_upload_job_interrupted_by_a_kill_is_reported_and_cleaned_up(
    service_root: Path, demo_ifc: Path
):
    model = sample_dir() / OFFICE_A
    if not model.is_file():
        pytest.fail(f"{model} is missing (set TWIN_SAMPLE_DIR)")
    service = make_service(service_root, keys={"admin": ("admin", (), ())})
    register_demo(service.root, demo_ifc)
    before = sorted(p.name for p in (service.root / "data" / "buildings").iterdir())
    service.start()
    try:
        with service.client("admin") as api:
            answer = api.post(
                "/buildings",
                data={"id": "A"},
                files=[("files", ("office.ifc", model.read_bytes()))],
            )
            assert answer.status_code == 202, answer.text
            status_url = answer.json()["status_url"].removeprefix("/api/v1")
            deadline = time.monotonic() + WAIT_S
            while api.get(status_url).json()["progress"]["stage"] in ("queued", "checking"):
                assert time.monotonic() < deadline, "the job never started reading"
                time.sleep(0.05)
        # mid-read: the model is being copied into the registry and ingested
        time.sleep(0.5)
        service.kill()
        left = sorted(p.name for p in (service.root / "data" / "buildings").iterdir())
        assert set(left) - set(before), "the kill left no half-copied model folder to clean"
        service.start()
        with service.client("admin") as api:
            job = api.get(status_url)
            assert job.status_code == 200, job.text
            assert job.json()["state"] == "failed"
            assert job.json()["error"].startswith("interrupted")
            # the previous version of A is still served
            assert api.get("/buildings/A").json()["spaces"] == 24
    finally:
        service.stop()
    engine = engine_for(service.database_url)
    with engine.connect() as conn:
        actions = [e["action"] for e in audit_entries(conn, "building:A")]
    engine.dispose()
    assert actions == ["upload-interrupted"]
    after = sorted(p.name for p in (service.root / "data" / "buildings").iterdir())
    assert after == before
    uploads = service.root / "data" / "uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []
