"""Deterministic GlobalIds of the demo building, from the seed and a role.

The writer and the truth sidecar both name elements by role (``"space:3:s07"``,
``"door:3:s07:c"``), so the sidecar can state every GlobalId without reading
the IFC back, and the same seed always yields the same ids. The seed is part
of the hash, so different seeds give disjoint ids; the schema and the length
unit are not, so the IFC4/IFC2X3 and metre/millimetre variants of one
building share their GlobalIds (a test compares them element by element).
"""

from __future__ import annotations

import hashlib
import uuid

import ifcopenshell.guid


def guid_for(seed: int, role: str) -> str:
    """The 22-character IFC GlobalId of the element playing ``role``."""
    digest = hashlib.md5(f"{seed}:{role}".encode()).digest()
    return ifcopenshell.guid.compress(uuid.UUID(bytes=digest).hex)


def storey_role(index: int) -> str:
    return f"storey:{index}"


def space_role(storey: int, room: str) -> str:
    return f"space:{storey}:{room}"


def door_role(storey: int, key: str) -> str:
    return f"door:{storey}:{key}"


def equipment_role(tag: str) -> str:
    return f"equipment:{tag}"


def stair_role(key: str) -> str:
    return f"stair:{key}"


def lift_role(name: str) -> str:
    return f"lift:{name}"
