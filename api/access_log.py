"""The access log without personal data: personal query values are removed.

uvicorn logs every request line (``GET /path?query``) to ``uvicorn.access``.
A path like ``.../allocations/history?person_id=D0001`` names a person, so
:class:`RedactPersonalQuery`, a filter on that logger, replaces the value of
each :data:`PERSONAL_QUERY_PARAMETERS` entry with ``~`` before the line is
formatted, whatever handler writes it. Path segments hold no personal data
(building ids, GlobalIds, device and job ids, key names).
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode

#: Query parameters whose values are personal data.
PERSONAL_QUERY_PARAMETERS = frozenset({"person_id", "person", "name"})
#: What a removed value is logged as.
REMOVED = "~"
ACCESS_LOGGER = "uvicorn.access"


def redact_path(path: str) -> str:
    """``path`` with the values of personal query parameters removed.

    Examples
    --------
    >>> redact_path("/api/v1/buildings/A/allocations/history?person_id=D0001&room=0312")
    '/api/v1/buildings/A/allocations/history?person_id=~&room=0312'
    """
    base, sep, query = path.partition("?")
    if not sep:
        return path
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(key.casefold() in PERSONAL_QUERY_PARAMETERS for key, _ in pairs):
        return path
    kept = [
        (key, REMOVED if key.casefold() in PERSONAL_QUERY_PARAMETERS else value)
        for key, value in pairs
    ]
    return f"{base}?{urlencode(kept, safe='~')}"


class RedactPersonalQuery(logging.Filter):
    """Rewrites uvicorn's access records: ``(client, method, path, version, status)``."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], redact_path(args[2]), args[3], args[4])
        return True


def install() -> None:
    """Put the filter on the access logger (once per process)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactPersonalQuery) for f in logger.filters):
        logger.addFilter(RedactPersonalQuery())
