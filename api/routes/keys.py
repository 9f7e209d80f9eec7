"""API keys (admin): list, create, revoke. ``twin keys`` does the same locally.

A key acts within its own grant: it lists and revokes only keys within its
permissions and buildings, and makes only keys within them (a building-scoped
admin cannot make an unscoped key, nor one for another building).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import KeysDep
from api.errors import problem_responses
from api.schemas.keys import KeyCreated, KeyOut
from api.security import KeysAdmin
from twin.access.keys import ROLES

router = APIRouter(tags=["keys"], responses=problem_responses(400, 401, 403, 422))


class KeyIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[\w.@-]+$")]
    role: Annotated[str, Field(description=f"one of {', '.join(ROLES)}")]
    buildings: list[str] = Field(default_factory=list, max_length=100)
    allow: list[str] = Field(default_factory=list, description="system keys: permissions")


@router.get("/keys")
def list_keys(keys: KeysDep, principal: KeysAdmin) -> list[KeyOut]:
    """Keys within the caller's grant, active and revoked (never their tokens)."""
    return [
        KeyOut(
            name=k.name,
            role=k.role,
            permissions=sorted(k.permissions),
            buildings=sorted(k.buildings),
            created_at=k.created_at,
            revoked_at=k.revoked_at,
        )
        for k in keys.list(principal.grant)
    ]


@router.post("/keys", status_code=201, responses=problem_responses(409, 422))
async def create_key(body: KeyIn, keys: KeysDep, principal: KeysAdmin) -> KeyCreated:
    """Make a key within the caller's own permissions and buildings (403 beyond them);
    the answer holds its token, which is never shown again."""
    token = await run_in_threadpool(
        lambda: keys.create(
            body.name,
            body.role,
            buildings=body.buildings,
            allow=body.allow,
            actor=principal.name,
            grant=principal.grant,
        )
    )
    (key,) = [k for k in keys.list() if k.name == body.name.strip()]
    return KeyCreated(
        name=key.name,
        role=key.role,
        permissions=sorted(key.permissions),
        buildings=sorted(key.buildings),
        created_at=key.created_at,
        revoked_at=None,
        token=token,
    )


@router.delete("/keys/{name}", status_code=204, responses=problem_responses(404))
async def revoke_key(name: str, keys: KeysDep, principal: KeysAdmin) -> Response:
    """Revoke a key within the caller's grant (404 for any other)."""
    await run_in_threadpool(lambda: keys.revoke(name, actor=principal.name, grant=principal.grant))
    return Response(status_code=204)
