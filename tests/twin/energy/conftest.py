"""The engine of the energy tests: SQLite and PostgreSQL, each test on both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

import twin.energy.rollup  # noqa: F401  (declares the rollup tables)
from twin.store.db import engine_for


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'twin.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = engine_for(url)
    yield engine
    engine.dispose()
