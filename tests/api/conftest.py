"""A served twin for the API tests: buildings A and B (the 2 × 12-room demo building),
devices and allocations on A, and one key per role (module scope, in process)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ifc_models.demo_building import generate_office_building
from twin.access.keys import KeyStore
from twin.buildings.registry import BuildingRegistry
from twin.demo.allocations import generate_allocations
from twin.demo.simulator import template_rows
from twin.devices.hub import DeviceService
from twin.housing.allocations.export import to_csv_bytes
from twin.settings import Settings
from twin.store.db import engine_for


@pytest.fixture(scope="session")
def demo_ifc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-ifc") / "office.ifc"
    generate_office_building(path, storeys=2, rooms_per_storey=12)
    return path


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("api-cache")


@dataclass
class Served:
    """The client, the settings and a token per key name."""

    client: TestClient
    settings: Settings
    tokens: dict[str, str]
    demo_ifc: Path

    def as_(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[key]}"}


KEYS = {
    "admin": ("admin", (), ()),
    "viewer": ("viewer", (), ()),
    "housing": ("housing", (), ()),
    "operator": ("operator", (), ()),
    "system-a": ("system", ("A",), ("readings:write", "devices:read", "buildings:read")),
}


def serve(root: Path, demo_ifc: Path, cache: Path, **settings: object) -> Iterator[Served]:
    config = Settings(data_dir=root / "data", cache_dir=cache, tick_s=3600, **settings)
    registry = BuildingRegistry(config.data_dir, cache_dir=config.cache_dir)
    for building_id in ("A", "B"):
        registry.register(building_id, [demo_ifc], check=True)
    building = registry.load("A").building
    engine = engine_for(config.effective_database_url)
    service = DeviceService(engine, buildings=registry.building)
    service.load_registry("A", template_rows(building))
    service.close()
    keys = KeyStore(engine)
    tokens = {
        name: keys.create(name, role, buildings=scope, allow=allow)
        for name, (role, scope, allow) in KEYS.items()
    }
    engine.dispose()
    client = TestClient(create_app(config), raise_server_exceptions=False)
    with client:
        deadline = time.monotonic() + 30
        while not client.get("/health").json()["ready"] and time.monotonic() < deadline:
            time.sleep(0.05)
        served = Served(client, config, tokens, demo_ifc)
        records = generate_allocations(building)
        answer = client.post(
            "/api/v1/buildings/A/allocations",
            files={"file": ("a.csv", to_csv_bytes(records), "text/csv")},
            headers=served.as_("housing"),
        )
        assert answer.status_code == 200, answer.text
        yield served


@pytest.fixture(scope="module")
def served(tmp_path_factory, demo_ifc, shared_cache) -> Iterator[Served]:  # type: ignore[no-untyped-def]
    yield from serve(tmp_path_factory.mktemp("served"), demo_ifc, shared_cache)


@pytest.fixture(scope="module")
def office(served: Served) -> dict[str, str]:
    """An occupied office of building A: GlobalId and number."""
    records = served.client.get(
        "/api/v1/buildings/A/allocations", headers=served.as_("housing")
    ).json()
    return {"global_id": records["allocations"][0]["room_global_id"]}
