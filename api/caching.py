"""Conditional and compressed answers for files: strong ``ETag``, ``304``, gzip.

The scene and the floor plans are the API's large answers. Each is sent with
a strong ``ETag`` made from the SHA-256 of its bytes (the scene's is hashed
once per loaded building); a client that sends it back in ``If-None-Match``
gets ``304 Not Modified`` and no body. When the client accepts gzip, the
body is compressed (once per content for the scene: kept in a small cache)
and the tag names the encoding (``"<sha>-gzip"``), as a strong validator
must differ between representations; ``Vary: Accept-Encoding`` tells caches.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict

from fastapi import Request, Response

#: gzip level: 6 is zlib's default, most of level 9's gain at a fraction of its time.
GZIP_LEVEL = 6
#: Compressed bodies kept (one per scene version or plan variant).
GZIP_CACHE_ENTRIES = 16
#: Smaller bodies are sent as they are: compression would not pay for its headers.
GZIP_MIN_BYTES = 1024
#: Media types that are compressed already.
INCOMPRESSIBLE = frozenset({"image/png"})

_cache: OrderedDict[str, bytes] = OrderedDict()
_lock = threading.Lock()

#: OpenAPI description of the validator headers and of ``304``.
CONDITIONAL_RESPONSES: dict[int | str, dict[str, object]] = {
    304: {"description": "Not modified: the `If-None-Match` tag is still current"},
}
ETAG_HEADERS = {
    "ETag": {
        "description": 'strong validator: "<sha256>" (or "<sha256>-gzip" when compressed)',
        "schema": {"type": "string"},
    },
}


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def accepts_gzip(request: Request) -> bool:
    """Whether ``Accept-Encoding`` allows gzip (``q=0`` refuses it)."""
    for part in request.headers.get("accept-encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=")
            return not (params.strip().startswith("q=") and _zero(quality))
    return False


def _zero(quality: str) -> bool:
    try:
        return float(quality) == 0
    except ValueError:
        return False


def _matches(request: Request, tags: set[str]) -> bool:
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    sent = {t.strip() for t in header.split(",")}
    return "*" in sent or not sent.isdisjoint(tags)


def _gzipped(sha: str, body: bytes) -> bytes:
    with _lock:
        found = _cache.get(sha)
        if found is not None:
            _cache.move_to_end(sha)
            return found
    packed = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    with _lock:
        _cache[sha] = packed
        while len(_cache) > GZIP_CACHE_ENTRIES:
            _cache.popitem(last=False)
    return packed


def file_response(
    request: Request,
    body: bytes,
    *,
    media_type: str,
    sha256: str | None = None,
    cache_control: str = "private, no-cache",
    headers: dict[str, str] | None = None,
) -> Response:
    """``body`` as a conditional (``ETag``/``304``), maybe gzip-compressed answer.

    ``sha256`` is the body's hash when the caller has it already.
    """
    sha = sha256 or sha256_hex(body)
    plain, packed = f'"{sha}"', f'"{sha}-gzip"'
    compress = (
        len(body) >= GZIP_MIN_BYTES and media_type not in INCOMPRESSIBLE and accepts_gzip(request)
    )
    tag = packed if compress else plain
    common = {"Cache-Control": cache_control, "Vary": "Accept-Encoding", **(headers or {})}
    if _matches(request, {plain, packed}):
        return Response(status_code=304, headers={**common, "ETag": tag})
    if compress:
        return Response(
            _gzipped(sha, body),
            media_type=media_type,
            headers={**common, "ETag": tag, "Content-Encoding": "gzip"},
        )
    return Response(body, media_type=media_type, headers={**common, "ETag": tag})
