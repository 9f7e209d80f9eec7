"""The OpenAPI document as the contract: stable operation ids and its export.

Operation ids are the route functions' names in lower camel case
(``list_buildings`` → ``listBuildings``, ``get_route`` → ``getRoute``), so they
read as a client's method names and change only when a route is renamed on
purpose. ``twin openapi --out api/openapi.json`` writes :func:`openapi_text`;
a test compares the committed file with the running app's document.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


def operation_id(route: APIRoute) -> str:
    """``route``'s operation id: its function name in lower camel case."""
    head, *rest = route.name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def openapi_text(app: FastAPI) -> str:
    """The app's OpenAPI document as stable JSON text (sorted keys, UTF-8, newline)."""
    document: dict[str, Any] = app.openapi()
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
