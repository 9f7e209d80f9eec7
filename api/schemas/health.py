"""Readiness of the service."""

from __future__ import annotations

from pydantic import Field

from api.schemas.common import Out


class Health(Out):
    """Readiness: ``ready`` once every registered building was loaded (or failed)."""

    status: str = Field(description="ok")
    ready: bool
    buildings: dict[str, str] = Field(description="building id → ready, loading or failed")
    mqtt: str
    auth: str = Field(description="keys (a key is needed) or open (no key configured)")
