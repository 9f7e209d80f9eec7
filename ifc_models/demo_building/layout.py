"""Pure floor-plan layout of the generated government office building.

No IFC here: this module decides where every room, wall, door, stair, lift and
piece of equipment goes, as plain frozen dataclasses, so the IFC writer and
the truth sidecar read the same plan and cannot disagree.

Units and frame
---------------
All lengths are **integer millimetres**, so room areas come out exact (no
floating-point drift from summing widths) and the millimetre file is an exact
scale of the metre file. The plan frame is the building's world frame: X runs
along the building (west to east), Y across it (south to north), Z up; the
origin is where the centre lines of the south and west facade walls meet, at
ground-floor level. Z values of storey-relative items are measured from the
storey's floor level.

The building
------------
A municipal office slab ("某市机关办公楼", fictitious): two bands of rooms
(south and north, 6.0 m between wall centre lines) on either side of a 2.4 m
central corridor, the usual Chinese government office plan. Walls are 0.2 m
thick, on the grid lines; a room's usable area is its interior rectangle
between wall faces. Every storey has the same cores so that stairs and lifts
stack:

* south band, west end: the main stair (楼梯间), male and female toilets;
  south band, east end: the second escape stair (疏散楼梯);
* north band, west end: the lift core (电梯厅 in front, two lift shafts behind
  it, each shaft a space of category ``lift_shaft``), the weak-current/IT room
  (弱电间) and the plant room (空调机房); north band, east end: the corridor
  turns north to the facade, so the corridor (走廊) is an **L-shaped, concave**
  space on every storey (routing tests need a corner).

These are the ten core rooms of a storey. The remaining rooms of a storey
(``rooms_per_storey - 10``) are filled in from a priority list: on the ground
floor the entrance hall (门厅, with exterior doors in the south facade),
reception (接待室), tea room, archive, meeting rooms, then offices; on upper
floors two offices, tea room (茶水间), archive (档案室), a meeting room, an open
office on some floors, then offices of several ranks. So the tea room and the
archive are on every storey once ``rooms_per_storey >= 14`` (on the ground
floor ``>= 14`` as well). The top storey is the leaders' floor (局长 and
副局长 offices); other floors get a deputy director now and then, by seed.

Both bands of every storey are stretched to one common building length (in
0.3 m steps, spread over the flexible rooms: staff offices, meeting rooms,
open offices, hall, reception, tea room, archive) so the cores line up from
storey to storey.

Room numbers
------------
``SSRR``: ``SS`` the storey number (ground floor = ``01``), ``RR`` the room's
index on that storey, from ``01``; rooms are numbered south band west to east,
then north band west to east, the corridor last. ``RR`` has two digits, or
three when ``rooms_per_storey > 99`` (``"03012"``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from shapely.geometry import Polygon

#: Wall thickness; walls sit centred on the grid lines.
WALL_MM = 200
HALF_WALL_MM = WALL_MM // 2
#: Depth of a room band between the facade and corridor wall centre lines.
BAND_MM = 6000
CORRIDOR_MM = 2400
STOREY_HEIGHT_MM = 3600
SLAB_MM = 200
#: Height of the space bodies: the clear height below the suspended ceiling.
CLEAR_HEIGHT_MM = 3000
WALL_HEIGHT_MM = STOREY_HEIGHT_MM - SLAB_MM
DOOR_HEIGHT_MM = 2100
LIFT_DOOR_HEIGHT_MM = 2200
LIFT_CORE_MM = 4800
LIFT_LOBBY_DEPTH_MM = 3000
#: Granularity of room widths and of band stretching.
STRETCH_STEP_MM = 300

#: Grid lines across the building (centre lines of the long walls).
Y_SOUTH_FACADE = 0
Y_CORRIDOR_SOUTH = BAND_MM
Y_CORRIDOR_NORTH = BAND_MM + CORRIDOR_MM
Y_NORTH_FACADE = 2 * BAND_MM + CORRIDOR_MM
Y_LIFT_WALL = Y_CORRIDOR_NORTH + LIFT_LOBBY_DEPTH_MM

#: Stair flights: 18 risers of 200 mm make one storey, on 300 mm treads.
STAIR_RISERS = STOREY_HEIGHT_MM // 200
STAIR_RISE_MM = 200
STAIR_TREAD_MM = 300
STAIR_WIDTH_MM = 1500

CORE_ROOMS = 10
MIN_ROOMS_PER_STOREY = CORE_ROOMS + 2
MAX_ROOMS_PER_STOREY = 999
MAX_STOREYS = 99

#: The other side of an exterior wall or door.
OUTSIDE = "outside"


class LayoutError(ValueError):
    """The requested building cannot be laid out (bad counts)."""


@dataclass(frozen=True, slots=True)
class Rect:
    """An axis-aligned plan rectangle in millimetres, ``x0 < x1``, ``y0 < y1``."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def depth(self) -> int:
        return self.y1 - self.y0

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)

    def inset(self, d: int) -> Rect:
        return Rect(self.x0 + d, self.y0 + d, self.x1 - d, self.y1 - d)

    def corners(self) -> tuple[tuple[int, int], ...]:
        """Counter-clockwise corners, starting south-west."""
        return ((self.x0, self.y0), (self.x1, self.y0), (self.x1, self.y1), (self.x0, self.y1))


@dataclass(frozen=True, slots=True)
class RoomPlan:
    """A room (an IfcSpace).

    ``role`` is unique on its storey and the same for the stacked cores on
    every storey (``"stair_w"``, ``"shaft_1"``, ``"corridor"``, ``"s07"``).
    ``outline`` is the interior polygon between wall faces, counter-clockwise,
    in mm; ``anchor`` a rectangle inside it where equipment is placed.
    ``rank`` names the office holder's rank for offices (``"director"``,
    ``"deputy_director"``, ``"division_head"``, ``"staff"``), else ``None``;
    ``seats`` the planned workplaces.
    """

    role: str
    number: str
    category: str
    long_name: str
    outline: tuple[tuple[int, int], ...]
    anchor: Rect
    rank: str | None = None
    seats: int = 0

    @property
    def area_mm2(self) -> int:
        """Exact polygon area (shoelace) in mm²."""
        pts = self.outline
        twice = sum(
            pts[i][0] * pts[(i + 1) % len(pts)][1] - pts[(i + 1) % len(pts)][0] * pts[i][1]
            for i in range(len(pts))
        )
        return abs(twice) // 2

    @property
    def area_m2(self) -> float:
        return self.area_mm2 / 1_000_000

    @property
    def gross_area_mm2(self) -> int:
        """Area to the wall centre lines (outline grown by half a wall), mm²."""
        grown = Polygon(self.outline).buffer(HALF_WALL_MM, join_style="mitre")
        return round(grown.area)


@dataclass(frozen=True, slots=True)
class WallPlan:
    """A straight wall piece: its plan box and the rooms on its two sides.

    ``along_x`` tells whether the wall runs along X (its length) or along Y.
    ``sides`` are room roles or :data:`OUTSIDE`.
    """

    key: str
    box: Rect
    along_x: bool
    sides: tuple[str, str]

    @property
    def exterior(self) -> bool:
        return OUTSIDE in self.sides


@dataclass(frozen=True, slots=True)
class DoorPlan:
    """A door in a wall: the opening box spans the full wall thickness.

    So the door's bounding box touches the room faces on both sides, which is
    how geometry-based readers find the rooms a door connects.
    """

    key: str
    name: str
    wall: str
    box: Rect
    along_x: bool
    width_mm: int
    height_mm: int
    sides: tuple[str, str]
    kind: str  # "single", "double", "lift"


@dataclass(frozen=True, slots=True)
class EquipmentKind:
    key: str
    prefix: str
    long_name: str
    size_mm: tuple[int, int, int]


EQUIPMENT_KINDS: dict[str, EquipmentKind] = {
    k.key: k
    for k in (
        EquipmentKind("ahu", "AHU", "组合式空调机组", (1600, 1000, 1800)),
        EquipmentKind("fcu", "FCU", "风机盘管", (1000, 600, 300)),
        EquipmentKind("temp", "TS", "温度传感器", (80, 80, 80)),
        EquipmentKind("co2", "CO2", "二氧化碳传感器", (80, 80, 80)),
        EquipmentKind("occ", "OCC", "人体存在传感器", (100, 100, 50)),
        EquipmentKind("leak", "LD", "漏水检测器", (100, 100, 30)),
        EquipmentKind("meter", "EM", "电能表", (200, 100, 300)),
        EquipmentKind("light", "LT", "灯具", (600, 600, 60)),
        EquipmentKind("lift_ctrl", "LC", "电梯控制柜", (600, 300, 1000)),
    )
}


@dataclass(frozen=True, slots=True)
class EquipmentPlan:
    """A device: a small box centred at ``centre`` (plan), bottom at ``z_mm``."""

    tag: str
    kind: str
    room: str
    centre: tuple[float, float]
    z_mm: int
    size_mm: tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class StoreyPlan:
    index: int
    name: str
    long_name: str
    elevation_mm: int
    rooms: tuple[RoomPlan, ...]
    walls: tuple[WallPlan, ...]
    doors: tuple[DoorPlan, ...]
    equipment: tuple[EquipmentPlan, ...]

    def room(self, role: str) -> RoomPlan:
        for room in self.rooms:
            if room.role == role:
                return room
        raise KeyError(role)


@dataclass(frozen=True, slots=True)
class StairPlan:
    """One straight flight from storey ``lower`` to ``lower + 1``.

    It stands in the stair room ``room`` (same role on both storeys); the
    flight rises along +Y from ``origin`` (plan, mm) over
    ``STAIR_RISERS`` steps, ``STAIR_WIDTH_MM`` wide along +X.
    """

    key: str
    name: str
    room: str
    lower: int
    origin: tuple[int, int]


@dataclass(frozen=True, slots=True)
class LiftPlan:
    """A lift car running in shaft ``room`` from the ground floor to the top.

    ``car`` is its plan box; it is ``height_mm`` tall from ground-floor level.
    """

    name: str
    room: str
    car: Rect
    height_mm: int


@dataclass(frozen=True, slots=True)
class BuildingPlan:
    storeys: tuple[StoreyPlan, ...]
    stairs: tuple[StairPlan, ...]
    lifts: tuple[LiftPlan, ...]
    length_mm: int
    depth_mm: int
    rooms_per_storey: int
    seed: int


# --- room programme ---------------------------------------------------------


@dataclass(slots=True)
class _Slot:
    """A room-to-be in a band: mutable while the bands are balanced."""

    role: str
    category: str
    long_name: str
    width: int
    rank: str | None = None
    seats: int = 0
    stretch: int = 9  # 0 = stretched first; 9 = never
    door: int = 900
    band: str | None = None  # forced band


def _office(rng: random.Random, rank: str) -> _Slot:
    # Widths picked so interior areas match real-world sizes (interior depth
    # 5.8 m): leaders' rooms deliberately exceed the 24/18 m² standard limits.
    if rank == "director":
        return _Slot("", "office", "局长办公室", rng.choice((5400, 6000, 6600)), rank, 1, 8)
    if rank == "deputy_director":
        return _Slot("", "office", "副局长办公室", rng.choice((3600, 4200, 4800)), rank, 1, 8)
    if rank == "division_head":
        return _Slot("", "office", "处长办公室", rng.choice((3000, 3600)), rank, 1, 8)
    width = rng.choice((3600, 4200, 4800))
    return _Slot("", "office", "科员办公室", width, "staff", 2 if width == 3600 else 3, 0)


def _tea() -> _Slot:
    return _Slot("", "tea", "茶水间", 2400, stretch=2)


def _archive() -> _Slot:
    return _Slot("", "archive", "档案室", 3000, stretch=2)


def _ground_extras(rng: random.Random, n: int) -> list[_Slot]:
    seq = [
        _Slot("", "lobby", "门厅", 7200, stretch=1, door=1800, band="south"),
        _Slot("", "reception", "接待室", 4200, seats=0, stretch=1, door=1200),
        _tea(),
        _archive(),
        _Slot("", "meeting", "大会议室", 9000, stretch=0, door=1500),
        _Slot("", "meeting", "会议室", 6000, stretch=0, door=1200),
        _Slot("", "meeting", "小会议室", 4200, stretch=0, door=900),
    ]
    while len(seq) < n:
        seq.append(_office(rng, "division_head" if rng.random() < 0.25 else "staff"))
    return seq[:n]


def _typical_extras(rng: random.Random, n: int, top: bool) -> list[_Slot]:
    if top:
        leaders = ["director"] + ["deputy_director"] * rng.randint(1, 3)
    else:
        leaders = ["deputy_director"] if rng.random() < 0.3 else []
    seq = [_office(rng, leaders[0] if leaders else "division_head"), _office(rng, "staff")]
    seq += [_tea(), _archive()]
    if n >= 8:
        seq.append(_Slot("", "meeting", "会议室", 6000, stretch=0, door=1200))
    if n >= 10 and rng.random() < 0.5:
        width = rng.choice((8400, 9600, 10800))
        seats = (width - WALL_MM) * (BAND_MM - WALL_MM) // 6_000_000
        seq.append(_Slot("", "open_office", "开放办公区", width, "staff", seats, 0, 1500))
    seq += [_office(rng, rank) for rank in leaders[1:]]
    while len(seq) < n:
        seq.append(_office(rng, "division_head" if rng.random() < 0.25 else "staff"))
    return seq[:n]


def _bands(rng: random.Random, index: int, storeys: int, n: int) -> tuple[list, list]:
    """The south and north band slots of one storey, west to east."""
    extras_n = n - CORE_ROOMS
    if index == 1:
        extras = _ground_extras(rng, extras_n)
    else:
        extras = _typical_extras(rng, extras_n, top=index == storeys)
    south_head = [
        _Slot("stair_w", "stair", "楼梯间", 3600, door=1200),
        _Slot("toilet_m", "toilet", "男卫生间", 3000, stretch=5),
        _Slot("toilet_f", "toilet", "女卫生间", 3000, stretch=5),
    ]
    south_tail = [_Slot("stair_e", "stair", "疏散楼梯", 3600, door=1200)]
    north_head = [
        _Slot("lift_core", "lift_lobby", "电梯厅", LIFT_CORE_MM),
        _Slot("it", "it", "弱电间", 2400, stretch=6),
        _Slot("plant", "plant", "空调机房", 3600, stretch=5, door=1200),
    ]
    north_tail = [_Slot("corridor_leg", "corridor", "走廊", CORRIDOR_MM)]
    south: list[_Slot] = []
    north: list[_Slot] = []

    def total(band: list[_Slot]) -> int:
        return sum(s.width for s in band)

    # Greedy balancing keeps the two bands close in length before stretching.
    for slot in extras:
        if slot.band == "south" or (slot.band is None and total(south) <= total(north)):
            south.append(slot)
        else:
            north.append(slot)
    for i, slot in enumerate(south):
        slot.role = f"s{i + 1:02d}"
    for i, slot in enumerate(north):
        slot.role = f"n{i + 1:02d}"
    return south_head + south + south_tail, north_head + north + north_tail


def _stretch(band: list[_Slot], length: int) -> None:
    """Widen flexible rooms in 0.3 m steps until the band is ``length`` long."""
    missing = length - sum(s.width for s in band)
    if missing <= 0:
        return
    levels = [s.stretch for s in band if s.stretch < 9]
    if not levels:  # pragma: no cover - every band has toilets or the plant room
        raise LayoutError("no room to stretch")
    # Only the most flexible rooms present grow, round-robin, so leaders'
    # offices keep their intended sizes whenever anything else can give.
    candidates = [s for s in band if s.stretch == min(levels)]
    steps = missing // STRETCH_STEP_MM
    for i in range(steps):
        candidates[i % len(candidates)].width += STRETCH_STEP_MM


# --- geometry ---------------------------------------------------------------


def _number(storey: int, room: int, wide: bool) -> str:
    return f"{storey:02d}{room:03d}" if wide else f"{storey:02d}{room:02d}"


def _door_box(xc: int, y_wall: int, width: int) -> Rect:
    return Rect(xc - width // 2, y_wall - HALF_WALL_MM, xc + width // 2, y_wall + HALF_WALL_MM)


def _equipment_for(room: RoomPlan, storey: int) -> list[EquipmentPlan]:
    """Devices of a room, as a real office building fits them out."""
    a = room.anchor
    cx, cy = a.centre
    num = room.number
    out: list[EquipmentPlan] = []

    def add(kind: str, tag: str, x: float, y: float, z: int) -> None:
        out.append(EquipmentPlan(tag, kind, room.role, (x, y), z, EQUIPMENT_KINDS[kind].size_mm))

    cat = room.category
    if cat in ("office", "open_office", "meeting", "reception"):
        add("fcu", f"FCU-{num}", cx, cy, 2600)
        # Wall-mounted room sensors at 1.4 m, just inside the west wall face.
        add("temp", f"TS-{num}", a.x0 + 100, cy - 500, 1400)
        add("co2", f"CO2-{num}", a.x0 + 100, cy + 500, 1400)
        add("occ", f"OCC-{num}", cx, a.y0 + 600, CLEAR_HEIGHT_MM - 60)
    if cat in ("it", "plant"):
        add("leak", f"LD-{num}", a.x0 + 200, a.y0 + 200, 0)
    if cat == "it":
        add("meter", f"EM-{storey:02d}", a.x1 - 150, cy, 1200)
    if cat == "plant":
        add("ahu", f"AHU-{storey:02d}", cx, cy, 0)
    if cat != "lift_shaft":
        # Ceiling light panel, above the fan coil where there is one.
        add("light", f"LT-{num}", cx, cy, CLEAR_HEIGHT_MM - 70)
    if cat == "lift_lobby" and storey == 1:
        add("lift_ctrl", "LC-L1", a.x0 + 500, a.y1 - 300, 0)
        add("lift_ctrl", "LC-L2", a.x1 - 500, a.y1 - 300, 0)
    return out


def _storey(index: int, south: list[_Slot], north: list[_Slot], length: int, wide: bool):
    y_s0, y_s1 = Y_SOUTH_FACADE, Y_CORRIDOR_SOUTH
    y_n0, y_n1 = Y_CORRIDOR_NORTH, Y_NORTH_FACADE
    rooms: list[RoomPlan] = []
    walls: list[WallPlan] = []
    doors: list[DoorPlan] = []
    counter = iter(range(1, 10_000))

    def new_room(role, category, long_name, rect: Rect, slot: _Slot | None = None) -> RoomPlan:
        inner = rect.inset(HALF_WALL_MM)
        room = RoomPlan(
            role,
            _number(index, next(counter), wide),
            category,
            long_name,
            inner.corners(),
            inner,
            slot.rank if slot else None,
            slot.seats if slot else 0,
        )
        rooms.append(room)
        return room

    def wall(key: str, box: Rect, along_x: bool, a: str, b: str) -> str:
        walls.append(WallPlan(key, box, along_x, (a, b)))
        return key

    def door(key, name, wall_key, box, along_x, width, sides, kind="single", height=None):
        h = height or DOOR_HEIGHT_MM
        doors.append(DoorPlan(key, name, wall_key, box, along_x, width, h, sides, kind))

    def kind_of(width: int) -> str:
        return "double" if width >= 1500 else "single"

    # South band, west to east.
    x = 0
    for i, slot in enumerate(south):
        x0, x1 = x, x + slot.width
        room = new_room(slot.role, slot.category, slot.long_name, Rect(x0, y_s0, x1, y_s1), slot)
        r = slot.role
        ext0 = -HALF_WALL_MM if i == 0 else 0
        ext1 = HALF_WALL_MM if i == len(south) - 1 else 0
        wall(
            f"{r}:facade", Rect(x0 + ext0, -HALF_WALL_MM, x1 + ext1, HALF_WALL_MM), True, r, OUTSIDE
        )
        wk = wall(
            f"{r}:corridor",
            Rect(x0, y_s1 - HALF_WALL_MM, x1, y_s1 + HALF_WALL_MM),
            True,
            r,
            "corridor",
        )
        xc = (x0 + x1) // 2
        door(
            f"{r}:c",
            f"D{room.number}",
            wk,
            _door_box(xc, y_s1, slot.door),
            True,
            slot.door,
            (r, "corridor"),
            kind_of(slot.door),
        )
        if i < len(south) - 1:
            nxt = south[i + 1].role
            wall(
                f"{r}|{nxt}",
                Rect(
                    x1 - HALF_WALL_MM, y_s0 + HALF_WALL_MM, x1 + HALF_WALL_MM, y_s1 - HALF_WALL_MM
                ),
                False,
                r,
                nxt,
            )
        if slot.category == "lobby":
            # Entrance doors in the south facade: two for a wide hall.
            n_ext = 2 if slot.width >= 7200 else 1
            for k in range(n_ext):
                xe = x0 + slot.width * (k + 1) // (n_ext + 1)
                door(
                    f"{r}:x{k + 1}",
                    f"D{room.number}-E{k + 1}",
                    f"{r}:facade",
                    _door_box(xe, y_s0, 1800),
                    True,
                    1800,
                    (r, OUTSIDE),
                    "double",
                )
        x = x1
    # West and east end walls (facade pieces per room on that side).
    west = [
        ("stair_w", y_s0, y_s1),
        ("corridor", y_s1, y_n0),
        ("lift_lobby", y_n0, Y_LIFT_WALL),
        ("shaft_1", Y_LIFT_WALL, y_n1),
    ]
    for role, ya, yb in west:
        wall(f"west:{role}", Rect(-HALF_WALL_MM, ya, HALF_WALL_MM, yb), False, role, OUTSIDE)
    east = [("stair_e", y_s0, y_s1), ("corridor", y_s1, y_n1)]
    for role, ya, yb in east:
        wall(
            f"east:{role}",
            Rect(length - HALF_WALL_MM, ya, length + HALF_WALL_MM, yb),
            False,
            role,
            OUTSIDE,
        )
    if index == 1:
        # The escape stair discharges straight outside on the ground floor.
        yc = (y_s0 + y_s1) // 2
        box = Rect(length - HALF_WALL_MM, yc - 600, length + HALF_WALL_MM, yc + 600)
        door("stair_e:x1", "D-stair_e-E1", "east:stair_e", box, False, 1200, ("stair_e", OUTSIDE))

    # North band, west to east; the lift core and the corridor leg are special.
    x = 0
    leg_x0 = length - CORRIDOR_MM
    for i, slot in enumerate(north):
        x0, x1 = x, x + slot.width
        r = slot.role
        ext0 = -HALF_WALL_MM if i == 0 else 0
        ext1 = HALF_WALL_MM if i == len(north) - 1 else 0
        if r == "lift_core":
            lobby = new_room("lift_lobby", "lift_lobby", "电梯厅", Rect(x0, y_n0, x1, Y_LIFT_WALL))
            wk = wall(
                "lift_lobby:corridor",
                Rect(x0, y_n0 - HALF_WALL_MM, x1, y_n0 + HALF_WALL_MM),
                True,
                "lift_lobby",
                "corridor",
            )
            xc = (x0 + x1) // 2
            door(
                "lift_lobby:c",
                f"D{lobby.number}",
                wk,
                _door_box(xc, y_n0, 1800),
                True,
                1800,
                ("lift_lobby", "corridor"),
                "double",
            )
            half = slot.width // 2
            for k, (sx0, sx1) in enumerate(((x0, x0 + half), (x0 + half, x1)), start=1):
                role = f"shaft_{k}"
                shaft = new_room(
                    role, "lift_shaft", f"{k}号电梯井", Rect(sx0, Y_LIFT_WALL, sx1, y_n1)
                )
                e0 = -HALF_WALL_MM if k == 1 else 0
                wall(
                    f"{role}:facade",
                    Rect(sx0 + e0, y_n1 - HALF_WALL_MM, sx1, y_n1 + HALF_WALL_MM),
                    True,
                    role,
                    OUTSIDE,
                )
                wk = wall(
                    f"{role}:lobby",
                    Rect(sx0, Y_LIFT_WALL - HALF_WALL_MM, sx1, Y_LIFT_WALL + HALF_WALL_MM),
                    True,
                    role,
                    "lift_lobby",
                )
                sxc = (sx0 + sx1) // 2
                door(
                    f"{role}:lobby",
                    f"D{shaft.number}-L",
                    wk,
                    _door_box(sxc, Y_LIFT_WALL, 1100),
                    True,
                    1100,
                    (role, "lift_lobby"),
                    "lift",
                    LIFT_DOOR_HEIGHT_MM,
                )
            wall(
                "shaft_1|shaft_2",
                Rect(
                    x0 + half - HALF_WALL_MM,
                    Y_LIFT_WALL + HALF_WALL_MM,
                    x0 + half + HALF_WALL_MM,
                    y_n1 - HALF_WALL_MM,
                ),
                False,
                "shaft_1",
                "shaft_2",
            )
            nxt = north[i + 1].role
            wall(
                f"lift_lobby|{nxt}",
                Rect(x1 - HALF_WALL_MM, y_n0 + HALF_WALL_MM, x1 + HALF_WALL_MM, Y_LIFT_WALL),
                False,
                "lift_lobby",
                nxt,
            )
            wall(
                f"shaft_2|{nxt}",
                Rect(x1 - HALF_WALL_MM, Y_LIFT_WALL, x1 + HALF_WALL_MM, y_n1 - HALF_WALL_MM),
                False,
                "shaft_2",
                nxt,
            )
        elif r == "corridor_leg":
            wall(
                "corridor:facade",
                Rect(x0, y_n1 - HALF_WALL_MM, x1 + ext1, y_n1 + HALF_WALL_MM),
                True,
                "corridor",
                OUTSIDE,
            )
        else:
            room = new_room(r, slot.category, slot.long_name, Rect(x0, y_n0, x1, y_n1), slot)
            wall(
                f"{r}:facade",
                Rect(x0 + ext0, y_n1 - HALF_WALL_MM, x1 + ext1, y_n1 + HALF_WALL_MM),
                True,
                r,
                OUTSIDE,
            )
            wk = wall(
                f"{r}:corridor",
                Rect(x0, y_n0 - HALF_WALL_MM, x1, y_n0 + HALF_WALL_MM),
                True,
                r,
                "corridor",
            )
            xc = (x0 + x1) // 2
            door(
                f"{r}:c",
                f"D{room.number}",
                wk,
                _door_box(xc, y_n0, slot.door),
                True,
                slot.door,
                (r, "corridor"),
                kind_of(slot.door),
            )
            nxt = north[i + 1].role
            nxt_side = "corridor" if nxt == "corridor_leg" else nxt
            wall(
                f"{r}|{nxt_side}",
                Rect(
                    x1 - HALF_WALL_MM, y_n0 + HALF_WALL_MM, x1 + HALF_WALL_MM, y_n1 - HALF_WALL_MM
                ),
                False,
                r,
                nxt_side,
            )
        x = x1
    assert x == length and leg_x0 == length - north[-1].width
    assert len({w.key for w in walls}) == len(walls) and len({d.key for d in doors}) == len(doors)

    # The corridor: the central strip plus the leg that turns north at the
    # east end, one concave (L-shaped) space.
    h = HALF_WALL_MM
    outline = (
        (h, y_s1 + h),
        (length - h, y_s1 + h),
        (length - h, y_n1 - h),
        (leg_x0 + h, y_n1 - h),
        (leg_x0 + h, y_n0 - h),
        (h, y_n0 - h),
    )
    strip = Rect(h, y_s1 + h, length - h, y_n0 - h)
    rooms.append(
        RoomPlan(
            "corridor", _number(index, next(counter), wide), "corridor", "走廊", outline, strip
        )
    )
    # Equipment last, once every room has its number.
    equipment = [e for room in rooms for e in _equipment_for(room, index)]
    return rooms, walls, doors, equipment


def plan_building(*, storeys: int, rooms_per_storey: int, seed: int) -> BuildingPlan:
    """Lay out the whole building.

    Parameters
    ----------
    storeys
        Number of storeys, 1 to 99; the ground floor is storey 1.
    rooms_per_storey
        IfcSpaces per storey, all kinds counted (corridor, cores, lift
        shafts included), 12 to 999. Every storey gets exactly this many.
    seed
        Chooses office ranks and sizes, open offices and leaders' rooms.

    Raises
    ------
    LayoutError
        When the counts are out of range.
    """
    if not 1 <= storeys <= MAX_STOREYS:
        raise LayoutError(f"storeys must be between 1 and {MAX_STOREYS}, got {storeys}")
    if not MIN_ROOMS_PER_STOREY <= rooms_per_storey <= MAX_ROOMS_PER_STOREY:
        raise LayoutError(
            f"rooms_per_storey must be between {MIN_ROOMS_PER_STOREY} and "
            f"{MAX_ROOMS_PER_STOREY}, got {rooms_per_storey}"
        )
    wide = rooms_per_storey > 99
    bands = []
    for index in range(1, storeys + 1):
        # A string seed is hashed with SHA-512 by `random`: stable across runs.
        rng = random.Random(f"demo-building:{seed}:{index}")
        bands.append(_bands(rng, index, storeys, rooms_per_storey))
    length = max(sum(s.width for s in band) for pair in bands for band in pair)
    storey_plans = []
    for index, (south, north) in enumerate(bands, start=1):
        _stretch(south, length)
        _stretch(north, length)
        rooms, walls, doors, equipment = _storey(index, south, north, length, wide)
        assert len(rooms) == rooms_per_storey, (len(rooms), rooms_per_storey)
        storey_plans.append(
            StoreyPlan(
                index,
                f"F{index:02d}",
                f"{index}层",
                (index - 1) * STOREY_HEIGHT_MM,
                tuple(rooms),
                tuple(walls),
                tuple(doors),
                tuple(equipment),
            )
        )
    ground = storey_plans[0]
    stairs = []
    for lower in range(1, storeys):
        for role, label in (("stair_w", "楼梯"), ("stair_e", "疏散楼梯")):
            a = ground.room(role).anchor
            stairs.append(
                StairPlan(
                    f"{role}:{lower:02d}",
                    f"{label} {lower}-{lower + 1}",
                    role,
                    lower,
                    (a.x0 + 200, a.y0 + 200),
                )
            )
    lifts = []
    for k in (1, 2):
        shaft = ground.room(f"shaft_{k}").anchor
        height = (storeys - 1) * STOREY_HEIGHT_MM + CLEAR_HEIGHT_MM
        lifts.append(LiftPlan(f"L{k}", f"shaft_{k}", shaft.inset(150), height))
    return BuildingPlan(
        tuple(storey_plans),
        tuple(stairs),
        tuple(lifts),
        length,
        Y_NORTH_FACADE,
        rooms_per_storey,
        seed,
    )
