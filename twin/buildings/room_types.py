"""Room-type rules a facility extends with its own keywords file.

The rules themselves (keywords in English, Chinese and German, checked in
order) are :mod:`spatial.room_types`; this module reads a facility's own
mapping from a JSON file ``{"room_type": ["keyword", ...]}``.
"""

from __future__ import annotations

import json
from pathlib import Path

from spatial.room_types import RoomTypeRules, load_rules


class RoomTypesFileError(ValueError):
    """A room-types file that cannot be read or is not ``{"type": ["keyword", ...]}``."""


def read_room_types(path: Path | None = None) -> RoomTypeRules:
    """The default room-type rules, extended by the JSON file at ``path`` if given.

    Raises
    ------
    RoomTypesFileError
        When the file cannot be read, is not JSON, or is not a mapping of
        room types to keyword lists.
    """
    if path is None:
        return RoomTypeRules()
    try:
        mapping = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(mapping, dict) or not all(isinstance(v, list) for v in mapping.values()):
            raise ValueError('expected {"room_type": ["keyword", ...]}')
        return load_rules(mapping)
    except (OSError, ValueError) as exc:
        raise RoomTypesFileError(f"cannot read room types {path}: {exc}") from exc
