"""Model uploads: a good model, a truncated one, a non-IFC file, an oversized file and a
zip bomb; the previous version stays served until a new one is read."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from tests.api.conftest import serve


@pytest.fixture(scope="module")
def small_limit(tmp_path_factory, demo_ifc, shared_cache):  # type: ignore[no-untyped-def]
    # 1 MB cap: the 2 × 12 demo model (~0.5 MB) fits, 2 MB does not.
    yield from serve(tmp_path_factory.mktemp("uploads"), demo_ifc, shared_cache, max_upload_mb=1.0)


def _upload(served, building_id, *files):  # type: ignore[no-untyped-def]
    return served.client.post(
        "/api/v1/buildings",
        data={"id": building_id},
        files=[("files", f) for f in files],
        headers=served.as_("admin"),
    )


def _wait(served, status_url):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = served.client.get(status_url, headers=served.as_("admin")).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job still {job['state']}")


def test_a_good_model_is_ingested_by_a_job_and_served(small_limit):
    answer = _upload(small_limit, "C", ("office.ifc", small_limit.demo_ifc.read_bytes()))
    assert answer.status_code == 202, answer.text
    assert answer.headers["location"] == answer.json()["status_url"]
    job = _wait(small_limit, answer.json()["status_url"])
    assert job["state"] == "done" and job["error"] is None and job["files"] == ["office.ifc"]
    summary = small_limit.client.get("/api/v1/buildings/C", headers=small_limit.as_("viewer"))
    assert summary.json()["spaces"] == 24


def test_a_truncated_model_fails_its_job_and_the_old_version_stays(small_limit):
    before = small_limit.client.get("/api/v1/buildings/A", headers=small_limit.as_("viewer"))
    data = small_limit.demo_ifc.read_bytes()
    answer = _upload(small_limit, "A", ("../../etc/passwd.ifc", data[: len(data) // 2]))
    assert answer.status_code == 202
    job = _wait(small_limit, answer.json()["status_url"])
    assert job["state"] == "failed"
    assert "truncated" in job["error"] and "/tmp" not in job["error"]
    after = small_limit.client.get("/api/v1/buildings/A", headers=small_limit.as_("viewer"))
    assert after.status_code == 200 and after.json()["sources"] == before.json()["sources"]


def test_a_file_that_is_not_ifc_is_refused_by_content(small_limit):
    answer = _upload(small_limit, "D", ("plan.ifc", b"%PDF-1.7 not a model at all"))
    assert answer.status_code == 415
    assert answer.json()["type"] == "/problems/not-ifc"
    assert (
        small_limit.client.get("/api/v1/buildings/D", headers=small_limit.as_("viewer")).status_code
        == 404
    )


def test_an_oversized_upload_is_refused(small_limit):
    big = b"ISO-10303-21;\n" + b"/* padding */\n" * (2 * 1024 * 1024 // 14)
    answer = _upload(small_limit, "E", ("big.ifc", big))
    assert answer.status_code == 413
    assert answer.json()["type"] == "/problems/upload-too-large"


def test_a_zip_bomb_in_an_ifczip_is_refused(small_limit):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("model.ifc", b"ISO-10303-21;\n" + b"\0" * (200 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    answer = _upload(small_limit, "F", ("model.ifczip", buffer.getvalue()))
    assert answer.status_code == 422
    assert answer.json()["type"] == "/problems/zip-bomb"


@pytest.mark.parametrize(
    "extra",
    [("../../escape.txt", b"x"), ("inner.ifczip", b"PK\x03\x04"), ("second.ifc", b"x")],
)
def test_a_hostile_ifczip_is_refused_before_a_job_is_queued(small_limit, extra):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("office.ifc", small_limit.demo_ifc.read_bytes())
        archive.writestr(*extra)
    answer = _upload(small_limit, "K", ("office.ifczip", buffer.getvalue()))
    assert answer.status_code == 415
    assert answer.json()["type"] == "/problems/not-ifc"
    assert answer.json()["detail"].startswith("office.ifczip: ")


def test_an_ifczip_with_a_good_model_is_accepted(small_limit):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("office.ifc", small_limit.demo_ifc.read_bytes())
    answer = _upload(small_limit, "G", ("office.ifczip", buffer.getvalue()))
    assert answer.status_code == 202
    assert _wait(small_limit, answer.json()["status_url"])["state"] == "done"


def test_an_upload_without_files_names_the_field(small_limit):
    answer = small_limit.client.post(
        "/api/v1/buildings", data={"id": "H"}, headers=small_limit.as_("admin")
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body.files"


def test_delete_unregisters_a_building(small_limit):
    headers = small_limit.as_("admin")
    answer = _upload(small_limit, "Z", ("office.ifc", small_limit.demo_ifc.read_bytes()))
    _wait(small_limit, answer.json()["status_url"])
    assert small_limit.client.delete("/api/v1/buildings/Z", headers=headers).status_code == 204
    assert small_limit.client.get("/api/v1/buildings/Z", headers=headers).status_code == 404
