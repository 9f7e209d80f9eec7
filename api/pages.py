"""Cursor pagination over HTTP: ``limit`` and ``cursor`` in, ``Link`` out.

A paginated list answers with a JSON array (one page) and, when more items
follow, a ``Link: <...&cursor=...>; rel="next"`` header (RFC 8288) and the
bare token in ``X-Next-Cursor``. Follow ``next`` until it is absent. The
order of every list is fixed and unique (see each operation), so pages never
repeat or skip an item while new ones arrive.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response

from twin.store.pages import DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, Page

T = TypeVar("T")

NEXT_CURSOR_HEADER = "X-Next-Cursor"

#: OpenAPI description of the page headers, for ``responses={200: PAGE_RESPONSE}``.
PAGE_RESPONSE: dict[str, Any] = {
    "description": "One page of the list, in its documented order",
    "headers": {
        "Link": {
            "description": 'RFC 8288 link to the next page (`rel="next"`); absent on the last',
            "schema": {"type": "string"},
        },
        NEXT_CURSOR_HEADER: {
            "description": "the `cursor` of the next page; absent on the last",
            "schema": {"type": "string"},
        },
    },
}


class PageParams:
    """``limit`` (items per page) and ``cursor`` (the ``X-Next-Cursor`` of the last page)."""

    def __init__(
        self,
        limit: Annotated[
            int, Query(ge=1, le=MAX_PAGE_LIMIT, description="items per page")
        ] = DEFAULT_PAGE_LIMIT,
        cursor: Annotated[
            str | None,
            Query(max_length=1000, description="X-Next-Cursor of the previous page"),
        ] = None,
    ) -> None:
        self.limit = limit
        self.cursor = cursor


PageDep = Annotated[PageParams, Depends()]


def send_page(page: Page[T], request: Request, response: Response) -> tuple[T, ...]:
    """The page's items; sets the next-page headers on ``response``."""
    if page.next_cursor is not None:
        url = request.url.include_query_params(cursor=page.next_cursor)
        response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
        response.headers[NEXT_CURSOR_HEADER] = page.next_cursor
    return page.items
