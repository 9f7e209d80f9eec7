"""Buildings for the allocation and compliance tests: a small one made in code, Office_A.

A plain module (not conftest.py) so it does not collide with other work on tests/twin;
test modules wrap these in their own fixtures.
"""

from __future__ import annotations

import pytest
from shapely.geometry import box

from spatial.records import Building, Space, Storey
from tests.conftest import sample_dir

SAMPLE_DIR = sample_dir()
OFFICE_A = SAMPLE_DIR / "Office_A_20110811.ifc"

#: (number, long name, object type, width m, depth m) of the small building's rooms.
SMALL_ROOMS = (
    ("101", "局长办公室", "office", 5.0, 6.0),  # 30 m²
    ("102", "副局长办公室", "office", 4.0, 5.0),  # 20 m²
    ("103", "综合科办公室", "office", 6.0, 6.0),  # 36 m²
    ("104", "会议室", "meeting", 5.0, 8.0),  # 40 m²
    ("105", "卫生间", "toilet", 2.0, 5.0),  # 10 m²
    ("106", "办公室", "office", 3.0, 4.0),  # 12 m²
    ("201", "办公室", "office", 4.0, 4.0),  # 16 m², storey 2
)


def make_small_building() -> Building:
    """Two storeys, seven rooms with known areas (see :data:`SMALL_ROOMS`)."""
    storeys = (Storey("S1", "1F", 0.0), Storey("S2", "2F", 3.6))
    spaces = []
    x = 0.0
    for number, long_name, object_type, width, depth in SMALL_ROOMS:
        spaces.append(
            Space(
                global_id=f"GID{number}",
                name=number,
                long_name=long_name,
                storey_id="S2" if number.startswith("2") else "S1",
                object_type=object_type,
                footprint=box(x, 0.0, x + width, depth),
            )
        )
        x += width
    return Building(name="小楼", global_id="B1", sources=(), storeys=storeys, spaces=tuple(spaces))


def read_office_a() -> Building:
    """Office_A read from the sample folder (skips the test when it is missing)."""
    if not OFFICE_A.is_file():
        pytest.skip(f"sample model not found: {OFFICE_A}")
    from ifc_models.read import BuildingReader

    return BuildingReader([OFFICE_A]).read_building()
