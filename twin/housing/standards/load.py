"""Loading a standard from its JSON file.

The file shape (``format: "twin-office-space-standard/1"``)::

    {
      "id": "cn-2014", "title": "...",
      "source": {"document": "...", "number": "...", "caveats": ["..."]},
      "levels": {"municipal": "市级机关", ...},
      "ranks": [{"code": "municipal.bureau_head", "level": "municipal",
                 "rank": "正局(处)级", "limit_m2": 24, "note": ""}, ...]
    }
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from twin.housing.standards.errors import StandardFileError
from twin.housing.standards.model import RankLimit, Standard

#: The standard used when none is given: the 2014 Chinese national standard.
DEFAULT_STANDARD = "cn-2014"


def standard_from_dict(data: Mapping[str, Any]) -> Standard:
    """A :class:`Standard` from the parsed content of a standard file.

    Raises
    ------
    StandardFileError
        When a key is missing, a limit is not a positive number, a rank names an
        undeclared level, or a code is used twice.
    """
    try:
        levels = {str(k): str(v) for k, v in data["levels"].items()}
        ranks = tuple(
            RankLimit(
                code=str(r["code"]),
                level=str(r["level"]),
                rank=str(r["rank"]),
                limit_m2=float(r["limit_m2"]),
                note=str(r.get("note", "")),
            )
            for r in data["ranks"]
        )
        standard = Standard(
            id=str(data["id"]),
            title=str(data.get("title", data["id"])),
            levels=levels,
            ranks=ranks,
            source=dict(data.get("source", {})),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StandardFileError(f"malformed standard: {exc!r}") from exc
    seen: set[str] = set()
    for r in ranks:
        if r.level not in levels:
            raise StandardFileError(f"rank {r.code!r} names undeclared level {r.level!r}")
        if not r.limit_m2 > 0:
            raise StandardFileError(f"rank {r.code!r} has a non-positive limit {r.limit_m2}")
        if r.code in seen:
            raise StandardFileError(f"rank code {r.code!r} appears twice")
        seen.add(r.code)
    return standard


def load_standard(path: str | Path) -> Standard:
    """Load a standard from a JSON file of the shape above."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StandardFileError(f"cannot read standard file {path}: {exc}") from exc
    return standard_from_dict(data)


def default_standard() -> Standard:
    """The shipped 2014 national standard (《党政机关办公用房建设标准》)."""
    text = (
        resources.files("twin")
        .joinpath("data", "standards", f"{DEFAULT_STANDARD}.json")
        .read_text(encoding="utf-8")
    )
    return standard_from_dict(json.loads(text))
