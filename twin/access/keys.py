"""API keys: roles, permissions and building scopes, stored hashed.

A key is a random 32-byte token shown once when it is created; only its
SHA-256 is stored. A request presents the token (``Authorization: Bearer``);
:meth:`KeyStore.authenticate` hashes it and finds the key, comparing hashes in
constant time. Every key has a role; the role gives a fixed set of
permissions (:data:`ROLE_PERMISSIONS`), except ``system`` keys, whose
permissions are chosen when the key is made. Any key may be limited to some
buildings; a ``system`` key must be.

Keys are handed on, never widened: a key that makes, lists or revokes keys
acts within its :class:`Grant` (its permissions and buildings), so a key
scoped to building A cannot mint a key for B, nor an unscoped one, nor one
with a permission it does not hold (:meth:`Grant.covers_key`). The command
line acts with :data:`FULL_GRANT` (whoever can run it owns the database).

Revoked keys are kept, never deleted: :meth:`KeyStore.ever_configured` is
how the service remembers that keys existed, so revoking the last key never
opens the service (see ``api.security``).

Creating and revoking keys is written to the audit log with the actor.

Examples
--------
>>> from twin.store.db import engine_for
>>> store = KeyStore(engine_for("sqlite:///:memory:"))
>>> token = store.create("fm-desk", "viewer", actor="doc")
>>> store.authenticate(token).role
'viewer'
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import JSON, Column, DateTime, Engine, String, Table, select

from twin.errors import TwinError
from twin.store.audit import record_audit
from twin.store.db import metadata

log = logging.getLogger(__name__)

#: Every permission an API route may require.
PERMISSIONS = (
    "buildings:read",  # building list, summary, storeys, spaces, elements, scene, search
    "buildings:write",  # upload, replace, delete models
    "routes:read",  # routes and rounds
    "devices:read",  # devices, state, history, energy, occupancy, events
    "readings:write",  # batch ingest of device readings
    "devices:write",  # device registry load
    "alarms:read",
    "alarms:write",  # acknowledge, clear, work order from an alarm
    "workorders:read",
    "workorders:write",
    "usage:read",
    "allocations:read",
    "allocations:write",
    "compliance:read",
    "personal:read",  # occupant names and person ids in any response
    "meetings:read",  # meeting rooms, free rooms, bookings, access grants, calendars
    "meetings:write",  # book, change and cancel bookings
    "meetings:manage",  # room settings, approvals, usage statistics
    "visitors:read",  # visitors' names in bookings
    "keys:admin",
)

_VIEWER = (
    "buildings:read",
    "routes:read",
    "devices:read",
    "alarms:read",
    "workorders:read",
    "usage:read",
    "meetings:read",
)

#: Role → permissions. ``system`` keys get theirs at creation (``--allow``).
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset((*_VIEWER, "meetings:manage")),
    # Staff book meeting rooms and invite visitors (whose names they then see).
    "staff": frozenset(
        ("buildings:read", "routes:read", "meetings:read", "meetings:write", "visitors:read")
    ),
    "housing": frozenset(
        (
            "buildings:read",
            "usage:read",
            "allocations:read",
            "allocations:write",
            "compliance:read",
            "personal:read",
        )
    ),
    "operator": frozenset(
        (*_VIEWER, "readings:write", "alarms:write", "workorders:write", "devices:write")
    ),
    "admin": frozenset(PERMISSIONS),
    "system": frozenset(),
}
ROLES = tuple(ROLE_PERMISSIONS)

#: Permissions of a ``system`` key created without ``--allow``.
SYSTEM_DEFAULT_PERMISSIONS = ("readings:write", "devices:read", "alarms:read")
#: A system key may be given any permission but these.
SYSTEM_FORBIDDEN = frozenset(("keys:admin", "buildings:write"))
#: Seconds a successful key lookup is remembered (a revoke from another process
#: takes effect after at most this long).
AUTH_CACHE_S = 2.0
#: Bytes of randomness in a token.
TOKEN_BYTES = 32
TOKEN_PREFIX = "twk_"

keys_table = Table(
    "api_keys",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("permissions", JSON, nullable=False),
    Column("buildings", JSON, nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)


class KeyStoreError(TwinError):
    """Base error of API keys."""


class BadKeyRequestError(KeyStoreError, ValueError):
    """A key cannot be made as asked (unknown role, permission, missing scope)."""


class DuplicateKeyError(KeyStoreError):
    """A key with this name exists (revoked keys keep their name)."""


class KeyScopeError(KeyStoreError):
    """The key would get more than its maker holds (permissions or buildings)."""


class UnknownKeyError(KeyStoreError, KeyError):
    """No active key has this name."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown key"


@dataclass(frozen=True)
class ApiKey:
    """A key as the service sees it (never the token).

    ``buildings`` empty means every building.
    """

    name: str
    role: str
    permissions: frozenset[str]
    buildings: frozenset[str]
    created_at: datetime | None
    revoked_at: datetime | None = None

    def allows(self, permission: str) -> bool:
        return permission in self.permissions

    def covers(self, building_id: str) -> bool:
        """Whether the key may act on ``building_id``."""
        return not self.buildings or building_id in self.buildings


@dataclass(frozen=True)
class Grant:
    """What a caller may hand on to keys it makes: its permissions and buildings.

    ``buildings`` empty means every building (an unscoped key).
    """

    permissions: frozenset[str]
    buildings: frozenset[str] = frozenset()

    def covers_key(self, permissions: Iterable[str], buildings: Iterable[str]) -> bool:
        """Whether a key with ``permissions`` and ``buildings`` lies within this grant:
        no permission beyond it, and (for a scoped grant) only its buildings, never all."""
        scope = frozenset(buildings)
        if not frozenset(permissions) <= self.permissions:
            return False
        return not self.buildings or (bool(scope) and scope <= self.buildings)


#: The command line's grant: everything (it has the database itself).
FULL_GRANT = Grant(frozenset(PERMISSIONS))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class KeyStore:
    """API keys in the twin's database (table ``api_keys``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine, tables=[keys_table])
        self._cache: dict[str, tuple[float, ApiKey]] = {}
        self._any: tuple[float, bool] | None = None
        self._ever: tuple[float, bool] | None = None
        self._lock = threading.Lock()

    def create(
        self,
        name: str,
        role: str,
        *,
        buildings: Iterable[str] = (),
        allow: Iterable[str] = (),
        actor: str = "cli",
        grant: Grant = FULL_GRANT,
    ) -> str:
        """Make a key and return its token (shown once, stored only hashed).

        ``grant`` is what the maker holds: the new key's permissions and
        buildings must lie within it (an unscoped key needs an unscoped maker).

        Raises
        ------
        BadKeyRequestError
            Unknown role or permission, a ``system`` key without buildings, or
            ``allow`` given for another role.
        KeyScopeError
            When the key would get a permission or building the maker lacks.
        DuplicateKeyError
            When the name is taken.
        """
        name = name.strip()
        if not name or len(name) > 100:
            raise BadKeyRequestError("a key name has 1 to 100 characters")
        if role not in ROLE_PERMISSIONS:
            raise BadKeyRequestError(f"role {role!r}: use one of {', '.join(ROLES)}")
        scope = sorted(set(buildings))
        chosen = set(allow)
        if role == "system":
            if not scope:
                raise BadKeyRequestError("a system key needs at least one --building")
            chosen = chosen or set(SYSTEM_DEFAULT_PERMISSIONS)
            bad = sorted(chosen - set(PERMISSIONS)) + sorted(chosen & SYSTEM_FORBIDDEN)
            if bad:
                raise BadKeyRequestError(f"a system key cannot be allowed {', '.join(bad)}")
            permissions = frozenset(chosen)
        else:
            if chosen:
                raise BadKeyRequestError("--allow is only for system keys")
            permissions = ROLE_PERMISSIONS[role]
        if not grant.covers_key(permissions, scope):
            beyond = sorted(permissions - grant.permissions)
            if beyond:
                reason = f"permissions you do not hold: {', '.join(beyond)}"
            elif not scope:
                reason = "every building (give buildings within your own)"
            else:
                outside = ", ".join(sorted(set(scope) - grant.buildings))
                reason = f"buildings outside yours: {outside}"
            raise KeyScopeError(f"a {role} key with {reason}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            if conn.execute(select(keys_table.c.name).where(keys_table.c.name == name)).first():
                raise DuplicateKeyError(f"a key named {name!r} exists")
            values = {
                "name": name,
                "role": role,
                "permissions": sorted(permissions),
                "buildings": scope,
                "created_at": now,
            }
            conn.execute(keys_table.insert().values(token_sha256=hash_token(token), **values))
            record_audit(conn, actor, "create", f"key:{name}", None, values, at=now)
        with self._lock:
            self._any = None
            self._ever = (time.monotonic(), True)
        log.info("API key %s (%s) created by %s", name, role, actor)
        return token

    def revoke(self, name: str, *, actor: str = "cli", grant: Grant = FULL_GRANT) -> None:
        """Revoke the active key ``name`` (only a key within ``grant``).

        Raises
        ------
        UnknownKeyError
            No active key of that name within the grant (a key outside it is
            not revealed).
        """
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            t = keys_table
            row = conn.execute(
                select(t.c.permissions, t.c.buildings).where(
                    t.c.name == name, t.c.revoked_at.is_(None)
                )
            ).first()
            if row is None or not grant.covers_key(row.permissions, row.buildings):
                raise UnknownKeyError(f"no active key named {name!r}")
            done = conn.execute(
                t.update().where(t.c.name == name, t.c.revoked_at.is_(None)).values(revoked_at=now)
            )
            if done.rowcount != 1:
                raise UnknownKeyError(f"no active key named {name!r}")
            record_audit(conn, actor, "revoke", f"key:{name}", None, {"revoked_at": now}, at=now)
        with self._lock:
            self._cache.clear()
            self._any = None
        log.info("API key %s revoked by %s", name, actor)

    def list(self, grant: Grant = FULL_GRANT) -> list[ApiKey]:
        """Every key within ``grant``, active and revoked, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(keys_table).order_by(keys_table.c.name)).all()
        keys = [_key(row._mapping) for row in rows]
        return [k for k in keys if grant.covers_key(k.permissions, k.buildings)]

    def ever_configured(self) -> bool:
        """Whether any key was ever made (revoked keys count: they are never deleted).

        Once true it stays true for this store; a "no" is re-checked after
        :data:`AUTH_CACHE_S` (a key made by ``twin keys create`` elsewhere).
        """
        now = time.monotonic()
        with self._lock:
            if self._ever is not None and (self._ever[1] or now - self._ever[0] < AUTH_CACHE_S):
                return self._ever[1]
        with self.engine.connect() as conn:
            found = conn.execute(select(keys_table.c.name).limit(1)).first() is not None
        with self._lock:
            self._ever = (now, found)
        return found

    def any_active(self) -> bool:
        """Whether any key is active (if none, a local service may run open)."""
        now = time.monotonic()
        with self._lock:
            if self._any is not None and now - self._any[0] < AUTH_CACHE_S:
                return self._any[1]
        with self.engine.connect() as conn:
            found = (
                conn.execute(
                    select(keys_table.c.name).where(keys_table.c.revoked_at.is_(None)).limit(1)
                ).first()
                is not None
            )
        with self._lock:
            self._any = (now, found)
        return found

    def cached(self, token: str) -> ApiKey | None:
        """The key of ``token`` when :meth:`authenticate` found it active within the
        last :data:`AUTH_CACHE_S`, else ``None`` (ask :meth:`authenticate`); never
        touches the database, so an event loop may call it."""
        digest = hash_token(token)
        with self._lock:
            cached = self._cache.get(digest)
        if cached is not None and time.monotonic() - cached[0] < AUTH_CACHE_S:
            return cached[1]
        return None

    def authenticate(self, token: str) -> ApiKey | None:
        """The active key whose token this is, else ``None``."""
        key = self.cached(token)
        if key is not None:
            return key
        digest = hash_token(token)
        now = time.monotonic()
        with self.engine.connect() as conn:
            row = conn.execute(
                select(keys_table).where(
                    keys_table.c.token_sha256 == digest, keys_table.c.revoked_at.is_(None)
                )
            ).first()
        if row is None or not hmac.compare_digest(row.token_sha256, digest):
            return None
        key = _key(row._mapping)
        with self._lock:
            self._cache[digest] = (now, key)
        return key


def _key(mapping) -> ApiKey:  # type: ignore[no-untyped-def]
    return ApiKey(
        name=mapping["name"],
        role=mapping["role"],
        permissions=frozenset(mapping["permissions"]),
        buildings=frozenset(mapping["buildings"]),
        created_at=_utc(mapping["created_at"]),
        revoked_at=_utc(mapping["revoked_at"]),
    )


def _utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes: they were stored as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
