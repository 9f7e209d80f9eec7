"""Small buildings built in code from spatial.records, for routing tests (no IFC)."""

from __future__ import annotations

from shapely.geometry import Polygon, box

from spatial.records import Building, Door, Space, Storey, VerticalLink

STOREY_HEIGHT_M = 3.0


def room(gid: str, storey: str, outline: Polygon, z: float, long_name: str = "") -> Space:
    return Space(gid, gid, long_name or gid, storey, footprint=outline, floor_z_m=z, height_m=2.7)


def door(
    gid: str,
    storey: str,
    x: float,
    y: float,
    z: float,
    spaces: tuple[str, ...],
    *,
    vertical_wall: bool,
    exterior: bool = False,
) -> Door:
    """A 0.9 m door in a 0.2 m wall centred on (x, y)."""
    opening = (
        box(x - 0.1, y - 0.45, x + 0.1, y + 0.45)
        if vertical_wall
        else box(x - 0.45, y - 0.1, x + 0.45, y + 0.1)
    )
    return Door(gid, gid, storey, (x, y, z), 0.9, 2.1, opening, spaces, "geometry", exterior)


#: An L-shaped corridor: 10 m east along y in [0, 2], 10 m north along x in [0, 2].
L_CORRIDOR = Polygon([(0, 0), (10, 0), (10, 2), (2, 2), (2, 10), (0, 10)])


def l_corridor_building() -> Building:
    """Room EAST at the corridor's east end, room NORTH at its north end, an
    exterior door at its west side."""
    spaces = (
        room("CORR", "L1", L_CORRIDOR, 0.0, "Corridor"),
        room("EAST", "L1", box(10.2, 0, 14, 2), 0.0, "Office east"),
        room("NORTH", "L1", box(0, 10.2, 2, 14), 0.0, "Office north"),
    )
    doors = (
        door("D_EAST", "L1", 10.1, 1.0, 0.0, ("CORR", "EAST"), vertical_wall=True),
        door("D_NORTH", "L1", 1.0, 10.1, 0.0, ("CORR", "NORTH"), vertical_wall=False),
        door("D_OUT", "L1", -0.1, 1.0, 0.0, ("CORR",), vertical_wall=True, exterior=True),
    )
    return Building("L", "B", (), (Storey("L1", "Level 1", 0.0),), spaces, doors)


def two_storey_building(*, lift: bool = True) -> Building:
    """Two storeys, each a corridor y in [0, 3] along x in [0, 20] with rooms
    north of it; a stair room at the west end, a lift room at the east end.

    On the ground floor, rooms R1, LAB, R2 sit side by side with doors
    R1-LAB and LAB-R2 and a door from each to the corridor: the walk through
    the lab is shortest, the corridor the detour.
    """
    storeys = (Storey("L1", "Level 1", 0.0), Storey("L2", "Level 2", STOREY_HEIGHT_M))
    spaces: list[Space] = []
    doors: list[Door] = []
    for storey in storeys:
        s, z = storey.global_id, storey.elevation_m
        spaces += [
            room(f"{s}_CORR", s, box(0, 0, 20, 3), z, f"{s} corridor"),
            room(f"{s}_STAIR", s, box(0, 3.2, 4, 8), z, "Stair"),
        ]
        doors.append(
            door(f"{s}_D_STAIR", s, 2.0, 3.1, z, (f"{s}_CORR", f"{s}_STAIR"), vertical_wall=False)
        )
        if lift:
            spaces.append(room(f"{s}_LIFT", s, box(17, 3.2, 19, 5.2), z, f"{s} lift"))
            doors.append(
                door(
                    f"{s}_D_LIFT", s, 18.0, 3.1, z, (f"{s}_CORR", f"{s}_LIFT"), vertical_wall=False
                )
            )
    z = 0.0
    spaces += [
        room("R1", "L1", box(4.2, 3.2, 8, 8), z, "Room 1"),
        room("LAB", "L1", box(8.2, 3.2, 12, 8), z, "Lab"),
        room("R2", "L1", box(12.2, 3.2, 16, 8), z, "Room 2"),
        room("OFFICE", "L2", box(6, 3.2, 14, 8), STOREY_HEIGHT_M, "Office"),
    ]
    doors += [
        door("D_R1_LAB", "L1", 8.1, 7.0, z, ("R1", "LAB"), vertical_wall=True),
        door("D_LAB_R2", "L1", 12.1, 7.0, z, ("LAB", "R2"), vertical_wall=True),
        door("D_R1", "L1", 5.0, 3.1, z, ("L1_CORR", "R1"), vertical_wall=False),
        door("D_R2", "L1", 15.0, 3.1, z, ("L1_CORR", "R2"), vertical_wall=False),
        door(
            "D_OFFICE", "L2", 10.0, 3.1, STOREY_HEIGHT_M, ("L2_CORR", "OFFICE"), vertical_wall=False
        ),
        door("D_OUT", "L1", 10.0, -0.1, z, ("L1_CORR",), vertical_wall=False, exterior=True),
        door("D_LAB", "L1", 10.0, 3.1, z, ("L1_CORR", "LAB"), vertical_wall=False),
    ]
    links = [
        VerticalLink(
            "STAIR", "stair", "Main stair", ("L1", "L2"), box(0.5, 3.5, 3.5, 7.5), 0.0, 3.0
        )
    ]
    if lift:
        links.append(
            VerticalLink(
                "LIFT", "lift", "Lift 1", ("L1", "L2"), box(17.2, 3.4, 18.8, 5.0), 0.0, 3.0
            )
        )
    return Building("Two", "B2", (), storeys, tuple(spaces), tuple(doors), links=tuple(links))
