"""Cursor pagination of lists that grow (devices, alarms, work orders, history).

A list is read in a fixed order given by a *sort key* (a tuple of strings and
integers that is unique per item, e.g. ``(raised_at_us, alarm_id)``). A page
holds at most ``limit`` items and, when more follow, ``next_cursor``: the sort
key of its last item, encoded as an opaque URL-safe token. Asking again with
that cursor gives the items strictly after it, so pages never repeat or skip
an item even while new ones are added (keyset pagination, not offsets).

Examples
--------
>>> first = paginate(["a", "b", "c"], key=lambda s: (s,), limit=2)
>>> first.items, first.next_cursor is not None
(('a', 'b'), True)
>>> paginate(["a", "b", "c"], key=lambda s: (s,), limit=2, cursor=first.next_cursor).items
('c',)
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from twin.store.errors import BadCursorError

T = TypeVar("T")
SortKey = tuple[str | int, ...]

#: Items per page when the caller names no limit, and the most a caller may ask for.
DEFAULT_PAGE_LIMIT = 1000
MAX_PAGE_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items and the cursor of the next page (``None``: the last)."""

    items: tuple[T, ...]
    next_cursor: str | None


def instant_key(moment: datetime) -> int:
    """A time as a sort-key part: microseconds since the epoch (aware times only)."""
    return round(moment.timestamp() * 1_000_000)


def encode_cursor(key: SortKey) -> str:
    """The opaque token of a sort key."""
    raw = json.dumps(list(key), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, *, arity: int | None = None) -> SortKey:
    """The sort key of a token made by :func:`encode_cursor`.

    Raises
    ------
    BadCursorError
        When the token is damaged, or has not ``arity`` parts (when given).
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursorError(f"cursor {cursor[:40]!r} is not one this list handed out") from None
    if (
        not isinstance(key, list)
        or (arity is not None and len(key) != arity)
        or not all(isinstance(part, str | int) and not isinstance(part, bool) for part in key)
    ):
        raise BadCursorError(f"cursor {cursor[:40]!r} is not one this list handed out")
    return tuple(key)


def check_limit(limit: int) -> int:
    """``limit`` if it is between 1 and :data:`MAX_PAGE_LIMIT`."""
    if not 1 <= limit <= MAX_PAGE_LIMIT:
        raise BadCursorError(f"limit {limit} is not between 1 and {MAX_PAGE_LIMIT}")
    return limit


def paginate(
    items: Iterable[T],
    *,
    key: Callable[[T], SortKey],
    limit: int = DEFAULT_PAGE_LIMIT,
    cursor: str | None = None,
    descending: bool = False,
) -> Page[T]:
    """The page of ``items`` (sorted by ``key``) that follows ``cursor``.

    Parameters
    ----------
    items
        Every item of the list, in any order.
    key
        The unique sort key of an item.
    limit
        Most items on the page (1 to :data:`MAX_PAGE_LIMIT`).
    cursor
        ``next_cursor`` of the previous page; ``None`` for the first page.
    descending
        Newest first (e.g. alarms): the page holds the items *below* the cursor.

    Raises
    ------
    BadCursorError
    """
    check_limit(limit)
    ordered = sorted(items, key=key, reverse=descending)
    after = None if cursor is None else decode_cursor(cursor)
    if after is not None and ordered:
        if len(after) != len(key(ordered[0])):
            raise BadCursorError(f"cursor {cursor!r:.40} is not one this list handed out")
        try:
            ordered = [
                item for item in ordered if (key(item) < after if descending else key(item) > after)
            ]
        except TypeError:  # a cursor of another list: its parts do not compare
            raise BadCursorError(
                f"cursor {cursor[:40]!r} is not one this list handed out"
            ) from None
    return cut(ordered, key=key, limit=limit)


def cut(ordered: Sequence[T], *, key: Callable[[T], SortKey], limit: int) -> Page[T]:
    """The first ``limit`` of ``ordered`` items as a page; more items mean a next page.

    For lists read from the database a page at a time: ask for ``limit + 1``
    rows after the cursor's key and cut here.
    """
    chosen = tuple(ordered[:limit])
    more = len(ordered) > limit
    return Page(chosen, encode_cursor(key(chosen[-1])) if more and chosen else None)
