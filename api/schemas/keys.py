"""API keys."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import Out


class KeyOut(Out):
    """A key (never its token): role, permissions and building scope."""

    name: str
    role: str
    permissions: list[str]
    buildings: list[str] = Field(description="empty: every building")
    created_at: datetime
    revoked_at: datetime | None


class KeyCreated(KeyOut):
    token: str = Field(description="the key itself: shown once, stored only hashed")
