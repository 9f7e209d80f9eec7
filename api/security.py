"""Who is asking, and may they: API keys, permissions and building scopes.

Every route under ``/api/v1`` depends on :func:`require` with one permission
(see :data:`twin.access.keys.PERMISSIONS`); a route with a ``{building_id}`` path
parameter also checks the key's building scope there. Routes that take a
building as a query parameter, or act on something that belongs to a
building (an alarm, a work order), call :meth:`Principal.check_building`.

Personal data is decided here and only here: :attr:`Principal.personal`.

Who is asking is settled by :class:`Gate` before any route runs and before
any body is read (``api.guard``). Open mode (every request acts as
:data:`OPEN_PRINCIPAL`) is decided once, at start-up: only when the service
listens on a loopback address and no key was ever made. It ends for good as
soon as a key exists; once keys existed, or on any other address, a request
without a valid key is a 401, even when every key has been revoked.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from twin.access.keys import PERMISSIONS, ApiKey, Grant, KeyStore

log = logging.getLogger(__name__)


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

    def scoped(self, requested: Iterable[str]) -> frozenset[str] | None:
        """The buildings a list or stream should cover: ``requested`` (each checked),
        else the key's own; ``None`` means every building (an unscoped key).

        Raises
        ------
        ForbiddenError
            When a requested building is outside the key's scope.
        """
        wanted = frozenset(requested)
        for building_id in wanted:
            self.check_building(building_id)
        return wanted or self.buildings or None

    @property
    def grant(self) -> Grant:
        """What this caller may hand on to keys it makes."""
        return Grant(self.permissions, self.buildings)


#: The caller when no key is configured (local use only).
OPEN_PRINCIPAL = Principal("local-open", "admin", frozenset(PERMISSIONS), open_mode=True)

_bearer = HTTPBearer(
    auto_error=False,
    description="An API key made with `twin keys create`: `Authorization: Bearer <key>`.",
)


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` (an address or ``localhost``) is reachable only from this machine."""
    if host is None:
        return False
    if host.strip("[]").casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Gate:
    """Who is asking: the key behind a bearer token, or open mode.

    ``open_mode`` is the start-up decision (loopback only and no key ever
    made). It ends for good once a key exists; a request that arrives on a
    non-loopback address is never served open.
    """

    def __init__(self, keys: KeyStore, *, listen_host: str) -> None:
        self.keys = keys
        self._open = is_loopback(listen_host) and not keys.ever_configured()
        if self._open:
            log.warning("NO API KEYS: the API is OPEN on %s (local use only)", listen_host)
        elif not keys.any_active():
            log.warning("no active API key: every request is refused until one is made")

    @property
    def open_mode(self) -> bool:
        if self._open and self.keys.ever_configured():
            self._open = False
            log.warning("an API key exists now: open mode has ended")
        return self._open

    def known_principal(self, authorization: str | None) -> Principal | None:
        """The caller when the key was checked within the key store's cache time, else
        ``None`` (then :meth:`principal` decides, off the event loop): the answer
        :meth:`principal` would give, without the database."""
        token = _bearer_token(authorization)
        if self._open or token is None:
            return None
        key = self.keys.cached(token)
        return None if key is None else Principal.of(key)

    def principal(self, authorization: str | None, server_host: str | None) -> Principal:
        """The caller of a request with this ``Authorization`` header, received on
        ``server_host`` (the local address; ``None`` or a name in tests).

        Raises
        ------
        NotAuthenticatedError
        """
        token = _bearer_token(authorization)
        if self.open_mode and _reached_locally(server_host):
            return OPEN_PRINCIPAL
        if token is None:
            raise NotAuthenticatedError("an API key is needed: Authorization: Bearer <key>")
        key = self.keys.authenticate(token)
        if key is None:
            raise NotAuthenticatedError("unknown or revoked API key")
        return Principal.of(key)


def _bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.casefold() == "bearer" and token else None


def _reached_locally(server_host: str | None) -> bool:
    # uvicorn gives the local IP address the request came in on; an in-process
    # test transport gives a name ("testserver"), which cannot come from outside.
    if server_host is None:
        return True
    try:
        ipaddress.ip_address(server_host.strip("[]"))
    except ValueError:
        return True
    return is_loopback(server_host)


def get_gate(request: Request) -> Gate:
    return request.app.state.gate


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, settled by the request guard before the route (see ``api.guard``).

    Raises
    ------
    NotAuthenticatedError
    """
    del credentials  # declared for the OpenAPI security scheme; the guard reads the header
    cached = request.scope.get("state", {}).get("principal")
    if isinstance(cached, Principal):
        return cached
    server = request.scope.get("server")
    principal = await run_in_threadpool(
        get_gate(request).principal,
        request.headers.get("authorization"),
        server[0] if server else None,
    )
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
