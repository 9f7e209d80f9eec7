"""The request guard: who is asking, then how much they may send, before any route runs.

One pure-ASGI middleware does both, in this order, for every request under
``/api/v1``:

1. **Authenticate** from the ``Authorization`` header alone (:class:`api.security.Gate`):
   no valid key is a 401 at once, and not one byte of the body is read. The
   caller is kept in the request's state for the routes' permission checks.
   Routes that take large bodies (model uploads, allocation imports, readings)
   read them themselves, after their permission and building checks, so an
   authenticated key without the permission is refused before its body is
   read too.
2. **Limit the body** by the route's entry in :class:`BodyLimits` (every
   other request: :data:`DEFAULT_BODY_BYTES`): when the route first asks for
   the body, a declared ``Content-Length`` beyond the limit is a 413 before
   one byte is read; a body without one (chunked) is counted while it streams
   in and reading stops with a 413 at the limit. The 413 is raised from
   ``receive`` as an HTTP exception, so the app's problem handler answers it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PROBLEMS, problem
from api.security import NotAuthenticatedError
from twin.housing.allocations.parse import MAX_FILE_BYTES as MAX_ALLOCATION_FILE_BYTES
from twin.settings import Settings

API_PREFIX = "/api/v1"
#: Largest body of a request whose route has no entry of its own (JSON bodies of
#: keys, alarms, work orders), bytes.
DEFAULT_BODY_BYTES = 64 * 1024
#: Room for multipart headers and small form fields beside the files, bytes.
MULTIPART_SLACK_BYTES = 64 * 1024
MIB = 1024 * 1024
#: A viewpoint: up to 1,000 selected GlobalIds beside its camera and planes, bytes.
MAX_VIEWPOINT_BYTES = 256 * 1024


@dataclass(frozen=True)
class BodyLimit:
    """The largest body of one route: ``path`` is its template (``{name}`` a segment)."""

    method: str
    path: str
    max_bytes: int
    #: What sets it (named in the 413 and in docs/security.md).
    source: str

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and _template(self.path).fullmatch(path) is not None


class BodyLimits:
    """The per-route limit table."""

    def __init__(self, limits: Sequence[BodyLimit], *, default_bytes: int) -> None:
        self.limits = tuple(limits)
        self.default_bytes = default_bytes

    def for_request(self, method: str, path: str) -> tuple[int, str]:
        """The limit (bytes) of a request and what sets it."""
        for limit in self.limits:
            if limit.matches(method, path):
                return limit.max_bytes, limit.source
        return self.default_bytes, "the default for API requests"


def body_limits(settings: Settings) -> BodyLimits:
    """The service's table, from its settings."""
    return BodyLimits(
        [
            BodyLimit(
                "POST",
                f"{API_PREFIX}/buildings",
                int(settings.max_upload_mb * MIB) + MULTIPART_SLACK_BYTES,
                "TWIN_MAX_UPLOAD_MB",
            ),
            BodyLimit(
                "POST",
                f"{API_PREFIX}/buildings/{{building_id}}/allocations",
                MAX_ALLOCATION_FILE_BYTES + MULTIPART_SLACK_BYTES,
                "the allocation file limit",
            ),
            BodyLimit(
                "POST",
                f"{API_PREFIX}/readings",
                int(settings.max_readings_mb * MIB),
                "TWIN_MAX_READINGS_MB",
            ),
            BodyLimit(
                "POST",
                f"{API_PREFIX}/work-orders/{{order_id}}/viewpoints",
                MAX_VIEWPOINT_BYTES,
                "the viewpoint limit",
            ),
        ],
        default_bytes=DEFAULT_BODY_BYTES,
    )


class BodyTooLargeError(HTTPException):
    """The body passed its route's limit (raised from ``receive`` while it streams)."""

    def __init__(self, max_bytes: int, source: str) -> None:
        super().__init__(413, f"the request body exceeds {_size(max_bytes)} ({source})")


class RequestGuard:
    """Authenticate, then stream the body under its route's limit (see the module)."""

    def __init__(self, app: ASGIApp, *, owner: ASGIApp) -> None:
        self.app = app
        self.owner = owner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = getattr(self.owner, "state", None)
        gate = getattr(state, "gate", None)
        if scope["type"] != "http" or gate is None or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        server = scope.get("server")
        try:
            principal = gate.known_principal(headers.get("authorization")) or (
                await run_in_threadpool(
                    gate.principal, headers.get("authorization"), server[0] if server else None
                )
            )
        except NotAuthenticatedError as exc:
            status, slug, title = PROBLEMS[NotAuthenticatedError]
            response = problem(status, slug, title, str(exc))
            response.headers["WWW-Authenticate"] = "Bearer"
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        max_bytes, source = state.body_limits.for_request(scope["method"], scope["path"])
        declared = headers.get("content-length", "")
        received = 0

        async def limited() -> Message:
            # Checked when the route first asks for the body, i.e. after its own
            # permission checks: a key without the permission gets its 403 first.
            nonlocal received
            if declared.isdigit() and int(declared) > max_bytes:
                raise BodyTooLargeError(max_bytes, source)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLargeError(max_bytes, source)
            return message

        await self.app(scope, limited, send)


@lru_cache(maxsize=64)
def _template(path: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)))


def _size(count: int) -> str:
    return f"{count / MIB:.1f} MiB" if count >= MIB else f"{count // 1024} KiB"
