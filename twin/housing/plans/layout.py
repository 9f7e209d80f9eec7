"""Plan geometry of one storey on paper: transform, scale, walls, doors, label places.

Two frames meet here. The **world** frame is the building's, in metres, X
east-ish and Y north-ish as modelled. The **paper** frame is the SVG's user
space, in millimetres, origin at the sheet's top-left corner and Y pointing
down, so world Y is flipped. :class:`PaperTransform` maps one to the other at
a round scale (1:100, 1:200, 1:500 ...) chosen so the storey fits the drawing
area of the sheet.

Everything here is pure geometry (shapely); no text is rendered and no file is
touched. Text widths are estimated from character classes, which is enough to
keep labels inside their rooms.

Over 400 lines: the paper transform, walls from gaps, doors and label placement
all work in the same two frames and share their helpers.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from spatial.areas import usable_area
from spatial.records import Building, Door, Space, Storey
from twin.housing.plans.errors import EmptyStoreyError, PlanInputError, UnknownStoreyError

log = logging.getLogger(__name__)

#: Landscape sheet sizes (width, height) in mm.
PAPER_SIZES_MM: Mapping[str, tuple[float, float]] = {
    "A4": (297.0, 210.0),
    "A3": (420.0, 297.0),
    "A2": (594.0, 420.0),
    "A1": (841.0, 594.0),
}
#: The default sheet: A3 landscape, what housing offices print.
DEFAULT_PAPER = "A3"
#: Blank border around the sheet, mm.
MARGIN_MM = 10.0
#: Width of the right-hand panel (north arrow, legend, scale bar, title block), mm.
PANEL_WIDTH_MM = 92.0
#: Gap between the drawing and the panel, mm.
PANEL_GAP_MM = 6.0
#: Scales the plans are drawn at (the denominator of 1:N), smallest first.
ROUND_SCALES = (20, 50, 100, 150, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000)
#: Rooms are grown by this much (m) to find the walls between them: gaps up to
#: twice this are filled, and the outer walls are drawn this thick.
WALL_BAND_M = 0.15
#: Largest and smallest label font size on paper, mm (3.2 mm ≈ 9 pt; 1.4 mm ≈ 4 pt).
MAX_FONT_MM = 3.2
MIN_FONT_MM = 1.4
#: Step between tried font sizes, mm.
FONT_STEP_MM = 0.2
#: Line height as a multiple of the font size.
LINE_HEIGHT_EM = 1.2
#: Estimated advance of one character, in ems: CJK ideographs are square, the
#: rest (digits, Latin, punctuation) about 0.6 em in Noto Sans, rounded up.
CJK_ADVANCE_EM = 1.0
LATIN_ADVANCE_EM = 0.62
#: Clear space kept between a label and its room's outline, mm.
LABEL_CLEARANCE_MM = 0.6
#: Precision of the pole of inaccessibility (label anchor), mm on paper.
POLYLABEL_TOLERANCE_MM = 0.25
#: Characters at or above this code point count as CJK (CJK radicals onward).
CJK_FIRST_CODEPOINT = 0x2E80


@dataclass(frozen=True, slots=True)
class PaperTransform:
    """World (m, Y up) → paper (mm, Y down) at 1:``scale``.

    ``world_origin`` (world X, world Y) lands on ``paper_origin`` (mm); world
    Y grows up the sheet.
    """

    scale: int
    world_origin: tuple[float, float]
    paper_origin: tuple[float, float]

    @property
    def mm_per_m(self) -> float:
        """Paper millimetres per world metre (10 at 1:100)."""
        return 1000.0 / self.scale

    def to_paper(self, x: float, y: float) -> tuple[float, float]:
        """A world point (m) on paper (mm)."""
        k = self.mm_per_m
        return (
            self.paper_origin[0] + (x - self.world_origin[0]) * k,
            self.paper_origin[1] - (y - self.world_origin[1]) * k,
        )

    def to_world(self, px: float, py: float) -> tuple[float, float]:
        """A paper point (mm) in the world (m): the inverse of :meth:`to_paper`."""
        k = self.mm_per_m
        return (
            self.world_origin[0] + (px - self.paper_origin[0]) / k,
            self.world_origin[1] - (py - self.paper_origin[1]) / k,
        )

    def geometry(self, geom: BaseGeometry) -> BaseGeometry:
        """A world geometry (m) on paper (mm), vectorised over its coordinates."""
        k = self.mm_per_m
        offset = np.array([self.paper_origin[0], self.paper_origin[1]])
        origin = np.array([self.world_origin[0], self.world_origin[1]])
        flip = np.array([k, -k])
        return shapely.transform(geom, lambda xy: offset + (xy - origin) * flip)


@dataclass(frozen=True, slots=True)
class Sheet:
    """A landscape sheet and its areas, all in mm on paper.

    ``drawing`` and ``panel`` are ``(x, y, width, height)`` boxes.
    """

    name: str
    width_mm: float
    height_mm: float

    @property
    def drawing(self) -> tuple[float, float, float, float]:
        """The box the storey is drawn in."""
        width = self.width_mm - 2 * MARGIN_MM - PANEL_WIDTH_MM - PANEL_GAP_MM
        return (MARGIN_MM, MARGIN_MM, width, self.height_mm - 2 * MARGIN_MM)

    @property
    def panel(self) -> tuple[float, float, float, float]:
        """The right-hand box for the north arrow, legend, scale bar and title block."""
        x = self.width_mm - MARGIN_MM - PANEL_WIDTH_MM
        return (x, MARGIN_MM, PANEL_WIDTH_MM, self.height_mm - 2 * MARGIN_MM)


def sheet(name: str = DEFAULT_PAPER) -> Sheet:
    """The landscape sheet called ``name`` (``"A3"``, ``"A4"`` ...).

    Raises
    ------
    PlanInputError
        For a sheet size the plans do not know.
    """
    try:
        width, height = PAPER_SIZES_MM[name.upper()]
    except KeyError:
        known = ", ".join(PAPER_SIZES_MM)
        raise PlanInputError(f"unknown paper size {name!r}; known: {known}") from None
    return Sheet(name.upper(), width, height)


@dataclass(frozen=True, slots=True)
class RoomLabel:
    """A room's label on paper.

    ``anchor`` (mm) is the point the label is centred on, always inside the
    room; ``lines`` are the text lines kept, ``baselines`` their baseline
    points (mm), ``font_mm`` the font size. ``fits`` is false when even the
    room number at the smallest font overflows the room (it is drawn anyway).
    """

    anchor: tuple[float, float]
    lines: tuple[str, ...]
    baselines: tuple[tuple[float, float], ...]
    font_mm: float
    fits: bool


@dataclass(frozen=True, slots=True)
class PlanRoom:
    """A room on the plan: its space, area, paper outline (mm) and label."""

    space: Space
    area_m2: float | None
    outline: Polygon | MultiPolygon
    label: RoomLabel


@dataclass(frozen=True, slots=True)
class DoorSwing:
    """A door on paper (mm): its opening outline and a quarter swing arc.

    The leaf turns about ``hinge`` from ``closed`` (across the opening) to
    ``open`` (perpendicular to the wall), radius ``radius_mm``.
    """

    door: Door
    opening: Polygon
    hinge: tuple[float, float]
    closed: tuple[float, float]
    open: tuple[float, float]
    radius_mm: float


@dataclass(frozen=True, slots=True)
class StoreyLayout:
    """One storey laid out on a sheet: rooms, walls and doors in paper mm."""

    building: Building
    storey: Storey
    sheet: Sheet
    transform: PaperTransform
    rooms: tuple[PlanRoom, ...]
    walls: BaseGeometry
    doors: tuple[DoorSwing, ...]
    walls_from_rooms: bool


def plan_storeys(building: Building) -> tuple[Storey, ...]:
    """The storeys with at least one room footprint, in building order (what gets a plan)."""
    with_rooms = {s.storey_id for s in building.spaces if s.footprint is not None}
    return tuple(
        storey
        for storey in building.storeys
        if storey.global_id in with_rooms or with_rooms.intersection(storey.aliases)
    )


def find_storey(building: Building, ref: str) -> Storey:
    """The storey whose name or GlobalId is ``ref`` (names compared case-folded).

    Raises
    ------
    UnknownStoreyError
        Listing the storey names of the building.
    """
    for storey in building.storeys:
        if ref in (storey.global_id, *storey.aliases) or storey.name.casefold() == ref.casefold():
            return storey
    raise UnknownStoreyError(ref, tuple(s.name for s in building.storeys))


def storey_spaces(building: Building, storey: Storey) -> tuple[Space, ...]:
    """The rooms of ``storey`` that have a footprint, sorted by room number."""
    ids = {storey.global_id, *storey.aliases}
    spaces = [s for s in building.spaces if s.storey_id in ids and s.footprint is not None]
    return tuple(sorted(spaces, key=lambda s: (s.name, s.global_id)))


def choose_scale(width_m: float, height_m: float, box_mm: tuple[float, float]) -> int:
    """The largest round scale (smallest 1:N) at which ``width_m × height_m`` fits ``box_mm``.

    Raises
    ------
    PlanInputError
        When the extent does not fit even at the smallest scale.
    """
    for scale in ROUND_SCALES:
        k = 1000.0 / scale
        if width_m * k <= box_mm[0] and height_m * k <= box_mm[1]:
            return scale
    raise PlanInputError(f"a {width_m:.0f} m × {height_m:.0f} m storey does not fit the sheet")


def text_width_mm(text: str, font_mm: float) -> float:
    """Estimated advance width of ``text`` at ``font_mm`` (mm)."""
    ems = sum(CJK_ADVANCE_EM if ord(ch) >= CJK_FIRST_CODEPOINT else LATIN_ADVANCE_EM for ch in text)
    return ems * font_mm


def layout_storey(
    building: Building,
    storey: Storey,
    label_lines: Mapping[str, Sequence[Sequence[str]]],
    *,
    paper: str = DEFAULT_PAPER,
) -> StoreyLayout:
    """Lay ``storey`` out on a sheet.

    Parameters
    ----------
    building
        The building; rooms and doors of ``storey`` are drawn.
    storey
        The storey to draw.
    label_lines
        ``{space GlobalId: candidates}``: label variants, fullest first, each
        a sequence of lines starting with the room number; the first variant
        that fits the room is drawn (see :func:`place_label`). Rooms left out
        are labelled with their number.
    paper
        Sheet size, landscape (default A3).

    Raises
    ------
    EmptyStoreyError
        When no room of the storey has a footprint.
    """
    target = sheet(paper)
    spaces = storey_spaces(building, storey)
    if not spaces:
        raise EmptyStoreyError(f"storey {storey.name!r} has no room with a plan footprint")
    footprints = [s.footprint for s in spaces]
    min_x, min_y, max_x, max_y = shapely.unary_union(footprints).bounds
    pad = 2 * WALL_BAND_M
    min_x, min_y, max_x, max_y = min_x - pad, min_y - pad, max_x + pad, max_y + pad
    dx, dy, dw, dh = target.drawing
    scale = choose_scale(max_x - min_x, max_y - min_y, (dw, dh))
    k = 1000.0 / scale
    # centre the storey in the drawing box
    left = dx + (dw - (max_x - min_x) * k) / 2
    top = dy + (dh - (max_y - min_y) * k) / 2
    transform = PaperTransform(scale, (min_x, max_y), (left, top))

    doors = storey_doors(building, storey)
    openings = [d.opening for d in doors if d.opening is not None]
    walls_world = derive_walls(footprints, openings)
    rooms = []
    for space in spaces:
        outline = transform.geometry(space.footprint)
        lines = label_lines.get(space.global_id, ((space.name or space.global_id,),))
        rooms.append(
            PlanRoom(space, usable_area(space).area_m2, outline, place_label(outline, lines))
        )
    # an opening spans the model's real wall, which may be thicker than the drawn band
    reach = shapely.unary_union(footprints).buffer(WALL_BAND_M, join_style="mitre")
    swings = tuple(
        swing
        for swing in (
            door_swing(d, spaces, transform, clip=reach) for d in doors if d.opening is not None
        )
        if swing is not None
    )
    log.debug("storey %s at 1:%d, %d rooms, %d doors", storey.name, scale, len(rooms), len(swings))
    return StoreyLayout(
        building,
        storey,
        target,
        transform,
        tuple(rooms),
        transform.geometry(walls_world),
        swings,
        walls_from_rooms=True,
    )


def storey_doors(building: Building, storey: Storey) -> tuple[Door, ...]:
    """The doors of ``storey`` (own GlobalId or an alias of a federated file)."""
    ids = {storey.global_id, *storey.aliases}
    return tuple(d for d in building.doors if d.storey_id in ids)


def derive_walls(
    footprints: Sequence[BaseGeometry], openings: Sequence[Polygon], band_m: float = WALL_BAND_M
) -> BaseGeometry:
    """Walls (world, m) as the band between rooms, with the door openings cut out.

    The building records hold rooms, not walls: growing every room by
    ``band_m`` fills the gaps between neighbouring rooms (the walls) and draws
    the outer walls ``band_m`` thick.
    """
    rooms = shapely.unary_union(footprints)
    grown = shapely.unary_union(
        [shapely.buffer(f, band_m, join_style="mitre", mitre_limit=2.0) for f in footprints]
    )
    walls = grown.difference(rooms)
    if openings:
        walls = walls.difference(shapely.unary_union(openings).buffer(band_m / 10))
    return walls


def door_swing(
    door: Door,
    spaces: Sequence[Space],
    transform: PaperTransform,
    *,
    clip: BaseGeometry | None = None,
) -> DoorSwing | None:
    """The opening and quarter swing of ``door`` on paper, or ``None`` for a degenerate opening.

    The leaf is hinged on one jamb and opens into the first room it leads to
    (``door.space_ids[0]``) when that room lies on one side of the wall, else
    into whichever room of the storey does. The drawn opening is clipped to
    ``clip`` (world) when given: the rooms grown by the drawn wall band.
    """
    opening = door.opening
    if opening is None:
        return None
    rect = opening.minimum_rotated_rectangle
    if rect.geom_type != "Polygon":
        return None
    corners = np.asarray(rect.exterior.coords)[:4]
    edges = np.roll(corners, -1, axis=0) - corners
    lengths = np.hypot(edges[:, 0], edges[:, 1])
    long_index = int(np.argmax(lengths))
    width = float(lengths[long_index])
    if width <= 0:
        return None
    thickness = float(lengths[(long_index + 1) % 4])
    along = edges[long_index] / width
    normal = np.array([-along[1], along[0]])
    centre = np.asarray(rect.centroid.coords[0])
    leaf = min(width, door.width_m) if door.width_m else width
    by_id = {s.global_id: s for s in spaces}
    preferred = [by_id[i] for i in door.space_ids if i in by_id] + list(spaces)
    for space in preferred:
        footprint = space.footprint
        if footprint is None:
            continue
        ahead = Point(*(centre + normal * (thickness / 2 + leaf / 2)))
        behind = Point(*(centre - normal * (thickness / 2 + leaf / 2)))
        if footprint.contains(ahead):
            break
        if footprint.contains(behind):
            normal = -normal
            break
    hinge = centre - along * leaf / 2 + normal * thickness / 2
    closed = hinge + along * leaf
    opened = hinge + normal * leaf
    drawn = opening
    if clip is not None:
        clipped = opening.intersection(clip)
        if isinstance(clipped, Polygon) and not clipped.is_empty:
            drawn = clipped
    return DoorSwing(
        door,
        transform.geometry(drawn),
        transform.to_paper(*hinge),
        transform.to_paper(*closed),
        transform.to_paper(*opened),
        leaf * transform.mm_per_m,
    )


def label_polygon(outline: Polygon | MultiPolygon) -> Polygon:
    """The part of a room outline its label goes in: the largest valid polygon."""
    geom: BaseGeometry = outline if outline.is_valid else shapely.make_valid(outline)
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon)]
    if not parts:
        parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon)]
    return max(parts, key=lambda p: p.area)


def label_anchor(polygon: Polygon) -> tuple[float, float]:
    """The point farthest from the outline (pole of inaccessibility), inside ``polygon``."""
    point = polylabel(polygon, tolerance=POLYLABEL_TOLERANCE_MM)
    if not polygon.contains(point):
        point = polygon.representative_point()
    return (float(point.x), float(point.y))


def place_label(outline: Polygon | MultiPolygon, candidates: Sequence[Sequence[str]]) -> RoomLabel:
    """Fit a label into the room ``outline`` (paper mm), centred on its anchor.

    ``candidates`` are label variants, fullest first. The first variant that
    fits at some font size from :data:`MAX_FONT_MM` down to
    :data:`MIN_FONT_MM` (keeping :data:`LABEL_CLEARANCE_MM` from the outline)
    is drawn at the largest size that fits. When none fits, the first line
    of the last variant (the room number) is drawn at the smallest size with
    its baseline on the anchor, so the label still points into its room
    (``fits`` false).

    Raises
    ------
    PlanInputError
        When there is no candidate or a candidate has no line.
    """
    if not candidates or not all(candidates):
        raise PlanInputError("a room label needs at least one line")
    polygon = label_polygon(outline)
    anchor = label_anchor(polygon)
    room = polygon.buffer(-LABEL_CLEARANCE_MM)
    sizes = np.arange(MAX_FONT_MM, MIN_FONT_MM - 1e-9, -FONT_STEP_MM)
    for lines in candidates:
        kept = tuple(lines)
        for font in sizes:
            if room.contains(_block(anchor, kept, float(font))):
                baselines = _baselines(anchor, kept, float(font))
                return RoomLabel(anchor, kept, baselines, float(font), True)
    return RoomLabel(anchor, (candidates[-1][0],), (anchor,), MIN_FONT_MM, False)


def _block(anchor: tuple[float, float], lines: Sequence[str], font: float) -> Polygon:
    width = max(text_width_mm(line, font) for line in lines)
    height = len(lines) * font * LINE_HEIGHT_EM
    x, y = anchor
    return box(x - width / 2, y - height / 2, x + width / 2, y + height / 2)


def _baselines(
    anchor: tuple[float, float], lines: Sequence[str], font: float
) -> tuple[tuple[float, float], ...]:
    """Baselines of lines centred on ``anchor``: cap height ≈ 0.72 em below each line top."""
    step = font * LINE_HEIGHT_EM
    top = anchor[1] - len(lines) * step / 2
    return tuple((anchor[0], top + i * step + (step + font * 0.72) / 2) for i in range(len(lines)))


def nice_length_m(target_m: float) -> float:
    """A round length (1, 2, 5 × 10ⁿ m) at most ``target_m``, for the scale bar."""
    exponent = math.floor(math.log10(target_m))
    for step in (5, 2, 1):
        value = step * 10**exponent
        if value <= target_m:
            return float(value)
    return float(10**exponent)
