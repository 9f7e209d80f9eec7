"""Who is asking, and may they: API keys, permissions and building scopes.

Every route under ``/api/v1`` depends on :func:`require` with one permission
(see :data:`twin.access.keys.PERMISSIONS`); a route with a ``{building_id}`` path
parameter also checks the key's building scope there. Routes that take a
building as a query parameter, or act on something that belongs to a
building (an alarm, a work order), call :meth:`Principal.check_building`.

Personal data is decided here and only here: :attr:`Principal.personal`.

When no key is active at all, the service runs open (the ``twin serve``
command allows that only on 127.0.0.1 and says so loudly): every request acts
as :data:`OPEN_PRINCIPAL`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from twin.access.keys import PERMISSIONS, ApiKey, KeyStore


class AccessError(Exception):
    """Base of authentication and authorisation failures."""


class NotAuthenticatedError(AccessError):
    """No key, or a key that is unknown or revoked."""


class ForbiddenError(AccessError):
    """The key's role or scope does not allow this."""


@dataclass(frozen=True)
class Principal:
    """The caller: the key's name (the audit actor), role, permissions and scope."""

    name: str
    role: str
    permissions: frozenset[str]
    buildings: frozenset[str] = frozenset()
    open_mode: bool = False

    @classmethod
    def of(cls, key: ApiKey) -> Principal:
        return cls(key.name, key.role, key.permissions, key.buildings)

    @property
    def personal(self) -> bool:
        """Whether responses to this caller may carry occupants' names and person ids."""
        return "personal:read" in self.permissions

    def allows(self, permission: str) -> bool:
        return permission in self.permissions

    def covers(self, building_id: str) -> bool:
        return not self.buildings or building_id in self.buildings

    def check_building(self, building_id: str | None) -> None:
        """Raise :class:`ForbiddenError` unless the key may act on ``building_id``."""
        if building_id is not None and not self.covers(building_id):
            raise ForbiddenError(f"key {self.name!r} is not allowed building {building_id!r}")

    def visible(self, building_ids: Iterable[str]) -> list[str]:
        """Those of ``building_ids`` the key may see."""
        return [b for b in building_ids if self.covers(b)]


#: The caller when no key is configured (local use only).
OPEN_PRINCIPAL = Principal("local-open", "admin", frozenset(PERMISSIONS), open_mode=True)

_bearer = HTTPBearer(
    auto_error=False,
    description="An API key made with `twin keys create`: `Authorization: Bearer <key>`.",
)


def get_keys(request: Request) -> KeyStore:
    return request.app.state.keys


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from the ``Authorization: Bearer`` key.

    Raises
    ------
    NotAuthenticatedError
    """
    cached = request.scope.get("state", {}).get("principal")
    if isinstance(cached, Principal):
        return cached
    keys = get_keys(request)
    if credentials is None:
        if not await run_in_threadpool(keys.any_active):
            principal = OPEN_PRINCIPAL
        else:
            raise NotAuthenticatedError("an API key is needed: Authorization: Bearer <key>")
    else:
        key = await run_in_threadpool(keys.authenticate, credentials.credentials)
        if key is None:
            if not await run_in_threadpool(keys.any_active):
                principal = OPEN_PRINCIPAL
            else:
                raise NotAuthenticatedError("unknown or revoked API key")
        else:
            principal = Principal.of(key)
    request.state.principal = principal
    return principal


def require(permission: str) -> Callable[..., Any]:
    """A dependency: the caller, who must hold ``permission`` (and the path's building)."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    async def dependency(
        request: Request, principal: Annotated[Principal, Depends(get_principal)]
    ) -> Principal:
        if not principal.allows(permission):
            raise ForbiddenError(
                f"key {principal.name!r} (role {principal.role}) may not do this ({permission})"
            )
        principal.check_building(request.path_params.get("building_id"))
        return principal

    dependency.__name__ = f"require_{permission.replace(':', '_')}"
    return dependency


def allow(permission: str) -> Any:
    """``dependencies=[allow("spaces:read")]`` on a route or router."""
    return Depends(require(permission))


PrincipalDep = Annotated[Principal, Depends(get_principal)]
BuildingsRead = Annotated[Principal, Depends(require("buildings:read"))]
BuildingsWrite = Annotated[Principal, Depends(require("buildings:write"))]
RoutesRead = Annotated[Principal, Depends(require("routes:read"))]
DevicesRead = Annotated[Principal, Depends(require("devices:read"))]
DevicesWrite = Annotated[Principal, Depends(require("devices:write"))]
ReadingsWrite = Annotated[Principal, Depends(require("readings:write"))]
AlarmsRead = Annotated[Principal, Depends(require("alarms:read"))]
AlarmsWrite = Annotated[Principal, Depends(require("alarms:write"))]
WorkOrdersRead = Annotated[Principal, Depends(require("workorders:read"))]
WorkOrdersWrite = Annotated[Principal, Depends(require("workorders:write"))]
UsageRead = Annotated[Principal, Depends(require("usage:read"))]
AllocationsRead = Annotated[Principal, Depends(require("allocations:read"))]
AllocationsWrite = Annotated[Principal, Depends(require("allocations:write"))]
ComplianceRead = Annotated[Principal, Depends(require("compliance:read"))]
KeysAdmin = Annotated[Principal, Depends(require("keys:admin"))]


def by_method(read: str, write: str) -> Any:
    """A router-wide dependency: ``read`` for GET/HEAD, ``write`` otherwise, and the
    building scope of any ``{building_id}`` path or ``?building=`` query parameter."""
    for permission in (read, write):
        if permission not in PERMISSIONS:
            raise ValueError(f"unknown permission {permission!r}")

    async def dependency(
        request: Request, principal: Annotated[Principal, Depends(get_principal)]
    ) -> Principal:
        permission = read if request.method in ("GET", "HEAD") else write
        if not principal.allows(permission):
            raise ForbiddenError(
                f"key {principal.name!r} (role {principal.role}) may not do this ({permission})"
            )
        principal.check_building(request.path_params.get("building_id"))
        for value in request.query_params.getlist("building"):
            for building_id in value.split(","):
                principal.check_building(building_id.strip() or None)
        return principal

    dependency.__name__ = f"require_{read.replace(':', '_')}_or_{write.replace(':', '_')}"
    return Depends(dependency)
