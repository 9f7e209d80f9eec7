"""Item 2: no fail-open. Open mode is decided at start-up (a loopback address and no
key ever made); revoking the last key, or serving another address, never opens it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.security.conftest import make_service
from twin.access.keys import KeyStore
from twin.store.db import engine_for


def _anonymous_is_refused(url: str) -> None:
    with httpx.Client(base_url=f"{url}/api/v1", timeout=30.0) as api:
        assert api.get("/buildings").status_code == 401
        minted = api.post("/keys", json={"name": "intruder", "role": "admin"})
        assert minted.status_code == 401, minted.text
        junk = api.get("/buildings", headers={"Authorization": "Bearer twk_junk"})
        assert junk.status_code == 401


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_revoking_the_last_key_leaves_every_request_refused(service_root: Path, host: str):
    service = make_service(service_root, keys={"only": ("admin", (), ())}, host=host).start()
    try:
        with service.client("only") as api:
            assert api.delete("/keys/only").status_code == 204
        _anonymous_is_refused(service.url)
        assert httpx.get(f"{service.url}/health").json()["auth"] == "keys"
    finally:
        service.stop()


def test_a_service_started_after_every_key_was_revoked_stays_closed(service_root: Path):
    service = make_service(service_root, keys={"old": ("viewer", (), ())})
    engine = engine_for(service.database_url)
    KeyStore(engine).revoke("old")
    engine.dispose()
    service.start()
    try:
        _anonymous_is_refused(service.url)
        assert "no active API key" in service.log()
    finally:
        service.stop()


def test_a_fresh_local_service_runs_open_until_its_first_key(service_root: Path):
    service = make_service(service_root).start()
    try:
        assert httpx.get(f"{service.url}/health").json()["auth"] == "open"
        with httpx.Client(base_url=f"{service.url}/api/v1", timeout=30.0) as api:
            assert api.get("/buildings").status_code == 200
            made = api.post("/keys", json={"name": "first", "role": "admin"})
            assert made.status_code == 201
            token = made.json()["token"]
            assert api.get("/buildings").status_code == 401
            assert (
                api.get("/buildings", headers={"Authorization": f"Bearer {token}"}).status_code
                == 200
            )
            # and revoking it does not reopen the service
            assert (
                api.delete("/keys/first", headers={"Authorization": f"Bearer {token}"}).status_code
                == 204
            )
        _anonymous_is_refused(service.url)
    finally:
        service.stop()
