"""Item 1: a key hands on at most what it holds (permissions and buildings); it lists
and revokes only keys within that; only an unscoped admin makes an unscoped admin."""

from __future__ import annotations

import pytest

from tests.security.conftest import Service, make_service

KEYS = {
    "root": ("admin", (), ()),
    "admin-a": ("admin", ("A",), ()),
    "viewer-b": ("viewer", ("B",), ()),
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    running = make_service(tmp_path_factory.mktemp("keys") / "service", keys=KEYS).start()
    yield running
    running.stop()


@pytest.mark.parametrize(
    "body",
    [
        {"name": "minted-global", "role": "admin"},
        {"name": "minted-b", "role": "viewer", "buildings": ["B"]},
        {"name": "minted-ab", "role": "operator", "buildings": ["A", "B"]},
        {"name": "minted-all", "role": "housing", "buildings": []},
    ],
)
def test_a_building_scoped_admin_cannot_mint_a_key_beyond_its_scope(service: Service, body):
    with service.client("admin-a") as api:
        answer = api.post("/keys", json=body)
        assert answer.status_code == 403, answer.text
        assert answer.json()["type"] == "/problems/key-beyond-grant"
        names = [k["name"] for k in service.client("root").get("/keys").json()]
    assert body["name"] not in names


def test_a_building_scoped_admin_makes_keys_for_its_own_building(service: Service):
    with service.client("admin-a") as api:
        made = api.post("/keys", json={"name": "desk-a", "role": "viewer", "buildings": ["A"]})
    assert made.status_code == 201, made.text
    assert made.json()["buildings"] == ["A"]
    headers = {"Authorization": f"Bearer {made.json()['token']}"}
    with service.client() as api:
        assert api.get("/buildings", headers=headers).status_code == 200


def test_a_scoped_admin_lists_and_revokes_only_keys_within_its_scope(service: Service):
    with service.client("admin-a") as api:
        listed = {k["name"] for k in api.get("/keys").json()}
        assert "admin-a" in listed
        assert not listed & {"root", "viewer-b"}
        assert api.delete("/keys/root").status_code == 404
        assert api.delete("/keys/viewer-b").status_code == 404
    with service.client("root") as api:
        assert api.get("/keys").status_code == 200  # root still works
        assert {"root", "viewer-b"} <= {k["name"] for k in api.get("/keys").json()}


def test_an_unscoped_admin_makes_an_unscoped_admin(service: Service):
    with service.client("root") as api:
        made = api.post("/keys", json={"name": "second-root", "role": "admin"})
        assert made.status_code == 201, made.text
        assert made.json()["buildings"] == []
