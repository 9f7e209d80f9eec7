"""Floor plans as SVG text: one storey per sheet, and a cover sheet with the summary.

Units on paper are millimetres: the SVG's user unit is 1 mm (``viewBox`` in
mm, ``width``/``height`` in ``mm``), so the file prints at its true scale.

Each room is one ``<path>`` whose ``id`` is the space's GlobalId, with
``class="room room-<key>"`` (``room-over``, ``room-office`` ...),
``data-room`` (its number) and a ``fill`` attribute; other tools can restyle
rooms with CSS by id or class (CSS overrides the fill attribute). Text is real
``<text>`` (searchable, selectable) in a CJK-capable font family.

Functions here return strings and never touch the file system.

Over 400 lines: the storey sheet, the cover sheet, legends and the title block
share one drawing vocabulary (styles, fonts, paper frame).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from spatial.areas import usable_area
from spatial.records import Building, Space, Storey
from twin.housing.plans.colours import (
    MODE_TITLES,
    NO_DATA,
    PALETTES,
    Swatch,
    occupancy_class,
    swatch,
)
from twin.housing.plans.inputs import PlanInputs
from twin.housing.plans.layout import (
    DoorSwing,
    StoreyLayout,
    layout_storey,
    nice_length_m,
    plan_storeys,
    sheet,
    storey_spaces,
    text_width_mm,
)
from twin.housing.plans.options import PlanOptions, check_colour

log = logging.getLogger(__name__)

#: Font families, CJK-capable first: cairo (PDF/PNG) uses the first family,
#: browsers the first one installed. Noto Sans CJK SC ships in Debian's
#: ``fonts-noto-cjk``; the others are the usual Chinese system fonts.
FONT_FAMILY = (
    "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, "
    "WenQuanYi Micro Hei, sans-serif"
)
#: Stroke widths on paper, mm.
ROOM_STROKE_MM = 0.18
DOOR_STROKE_MM = 0.15
WALL_FILL = "#3c3c3c"
#: Colours of text: ordinary, and the excess area in over-standard rooms.
TEXT_COLOUR = "#1a1a1a"
EXCESS_COLOUR = "#a01010"
#: Panel text sizes, mm.
PANEL_TITLE_MM = 5.0
PANEL_TEXT_MM = 2.6
PANEL_SMALL_MM = 2.0
LEGEND_ROW_MM = 5.2
#: The scale bar aims at this length on paper, mm.
SCALE_BAR_TARGET_MM = 60.0
#: Digits of coordinates on paper (0.01 mm).
COORD_DIGITS = 2
#: Default title of the standard in compliance plans.
DEFAULT_STANDARD = "党政机关办公用房建设标准 (2014)"


def room_key(space: Space, colour: str, inputs: PlanInputs, room_type: str) -> str:
    """The palette key of ``space`` in colour mode ``colour``.

    Compliance: the report's status; a room the report leaves out is
    ``not_office`` when its type is not an office (the checker skips such
    rooms) and ``no_data`` otherwise.
    """
    gid = space.global_id
    if check_colour(colour) == "type":
        return room_type
    if colour == "compliance":
        if gid in inputs.statuses:
            return inputs.statuses[gid]
        return NO_DATA if room_type == "office" else "not_office"
    if colour == "occupancy":
        if gid in inputs.occupants:
            return occupancy_class(inputs.occupants[gid])
        if inputs.statuses.get(gid) == "vacant":
            return "0"
        return NO_DATA
    return inputs.live.get(gid, NO_DATA)  # live


def room_label_lines(
    space: Space, area_m2: float | None, colour: str, inputs: PlanInputs
) -> tuple[tuple[str, ...], ...]:
    """Label variants of a room, fullest first, each starting with the room number.

    The full label reads: number, name, usable area (``12.3 m²``), the excess
    in over-standard rooms (``+3.2 m²``, compliance colours), persons
    (occupancy colours), department. Smaller rooms drop the department, then
    the name, then the area, keeping the excess longest.
    """
    gid = space.global_id
    number = space.name or space.global_id
    name = (space.long_name,) if space.long_name else ()
    area = (f"{area_m2:.1f} m²",) if area_m2 is not None else ()
    excess: tuple[str, ...] = ()
    if colour == "compliance" and inputs.statuses.get(gid) == "over":
        excess = (f"+{inputs.excess_m2.get(gid, 0.0):.1f} m²",)
    persons: tuple[str, ...] = ()
    if colour == "occupancy" and gid in inputs.occupants:
        persons = (f"{inputs.occupants[gid]} 人",)
    department = (inputs.departments[gid],) if inputs.departments.get(gid) else ()
    variants = (
        (number, *name, *area, *excess, *persons, *department),
        (number, *name, *area, *excess, *persons),
        (number, *area, *excess, *persons),
        (number, *excess, *persons),
        (number,),
    )
    return tuple(dict.fromkeys(variants))


def storey_svg(building: Building, storey: Storey, options: PlanOptions | None = None) -> str:
    """The plan of one storey as an SVG document (text).

    Parameters
    ----------
    building
        The building (world coordinates in metres).
    storey
        The storey to draw (see :func:`twin.housing.plans.layout.find_storey`).
    options
        Colour mode, inputs, paper (the drawing is in mm), date, room types
        (:class:`~twin.housing.plans.options.PlanOptions`; default: room types
        on A3, today).

    Raises
    ------
    EmptyStoreyError
        When the storey has no room with a footprint.

    Examples
    --------
    >>> svg = storey_svg(building, find_storey(building, "F01"), PlanOptions())  # doctest: +SKIP
    """
    options = options or PlanOptions()
    colour, inputs = options.colour, options.inputs
    types = options.types_of(building)
    lines = {
        s.global_id: room_label_lines(s, usable_area(s).area_m2, colour, inputs)
        for s in storey_spaces(building, storey)
    }
    layout = layout_storey(building, storey, lines, paper=options.paper)
    keys = {
        r.space.global_id: room_key(r.space, colour, inputs, types[r.space.global_id])
        for r in layout.rooms
    }
    return _storey_document(layout, colour, inputs, keys, options.day)


def _storey_document(
    layout: StoreyLayout,
    colour: str,
    inputs: PlanInputs,
    keys: Mapping[str, str],
    on_date: date,
) -> str:
    s = layout.sheet
    out = [_header(s.width_mm, s.height_mm, f"{layout.building.name} — {layout.storey.name}")]
    out.append(
        f'<g id="plan" data-storey={quoteattr(layout.storey.name)} '
        f"data-storey-id={quoteattr(layout.storey.global_id)} "
        f'data-scale="{layout.transform.scale}" '
        # World (m) → paper (mm): what a client needs to draw on the plan.
        f'data-world-origin="{_f(layout.transform.world_origin[0])} '
        f'{_f(layout.transform.world_origin[1])}" '
        f'data-paper-origin="{_f(layout.transform.paper_origin[0])} '
        f'{_f(layout.transform.paper_origin[1])}" '
        f'data-mm-per-m="{layout.transform.mm_per_m:g}">'
    )
    out.append('<g id="rooms">')
    for room in layout.rooms:
        entry = swatch(colour, keys[room.space.global_id])
        tip = f"{room.space.label}"
        if room.area_m2 is not None:
            tip += f" {room.area_m2:.2f} m²"
        out.append(
            f"<path id={quoteattr(room.space.global_id)} "
            f'class="room room-{entry.key}" data-room={quoteattr(room.space.name)} '
            f'data-status="{entry.key}" fill="{entry.fill}" fill-rule="evenodd" '
            f'stroke="#555555" stroke-width="{ROOM_STROKE_MM}" d="{path_data(room.outline)}">'
            f"<title>{escape(tip)}</title></path>"
        )
    out.append("</g>")
    if not layout.walls.is_empty:
        out.append(
            f'<g id="walls" data-derived="{str(layout.walls_from_rooms).lower()}">'
            f'<path class="walls" fill="{WALL_FILL}" fill-rule="evenodd" '
            f'd="{path_data(layout.walls)}"/></g>'
        )
    out.append(f'<g id="doors" fill="none" stroke="#222222" stroke-width="{DOOR_STROKE_MM}">')
    for swing in layout.doors:
        out.append(_door(swing))
    out.append("</g>")
    out.append(f'<g id="labels" fill="{TEXT_COLOUR}" text-anchor="middle">')
    for room in layout.rooms:
        out.append(_label(room.space, room.label, inputs, colour))
    out.append("</g></g>")
    out.append(_panel(layout, colour, inputs, keys, on_date))
    out.append("</svg>\n")
    return "\n".join(out)


def _header(width_mm: float, height_mm: float, title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'width="{width_mm:g}mm" height="{height_mm:g}mm" viewBox="0 0 {width_mm:g} {height_mm:g}" '
        f"font-family={quoteattr(FONT_FAMILY)}>\n<title>{escape(title)}</title>\n"
        f'<rect id="sheet" x="0" y="0" width="{width_mm:g}" height="{height_mm:g}" fill="#ffffff"/>'
    )


def _f(value: float) -> str:
    text = f"{value:.{COORD_DIGITS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def path_data(geom: BaseGeometry) -> str:
    """SVG path data of a (multi)polygon in paper mm: one closed ring per ``M … Z``, holes kept."""
    polygons: Iterable[Polygon]
    if isinstance(geom, Polygon):
        polygons = [geom]
    elif isinstance(geom, MultiPolygon):
        polygons = geom.geoms
    else:
        polygons = [g for g in getattr(geom, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
        polygons = [p for g in polygons for p in getattr(g, "geoms", [g])]
    rings = []
    for polygon in polygons:
        if polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            coords = list(ring.coords)[:-1]
            if len(coords) < 3:
                continue
            points = " ".join(f"{_f(x)},{_f(y)}" for x, y in coords)
            rings.append(f"M{points}Z")
    return " ".join(rings)


def _door(swing: DoorSwing) -> str:
    hx, hy = swing.hinge
    cx, cy = swing.closed
    ox, oy = swing.open
    cross = (cx - hx) * (oy - hy) - (cy - hy) * (ox - hx)
    sweep = 1 if cross > 0 else 0
    r = _f(swing.radius_mm)
    return (
        f'<g class="door" data-global-id={quoteattr(swing.door.global_id)}>'
        f'<path class="door-opening" fill="#ffffff" d="{path_data(swing.opening)}"/>'
        f'<path class="door-leaf" d="M{_f(hx)},{_f(hy)} L{_f(ox)},{_f(oy)}"/>'
        f'<path class="door-swing" stroke-dasharray="0.6,0.4" '
        f'd="M{_f(cx)},{_f(cy)} A{r},{r} 0 0 {sweep} {_f(ox)},{_f(oy)}"/></g>'
    )


def _label(space: Space, label, inputs: PlanInputs, colour: str) -> str:  # type: ignore[no-untyped-def]
    ax, ay = label.anchor
    parts = [
        f'<text class="label{"" if label.fits else " label-overflow"}" '
        f"data-room-id={quoteattr(space.global_id)} "
        f'x="{_f(ax)}" y="{_f(ay)}" font-size="{_f(label.font_mm)}">'
    ]
    for index, (line, (bx, by)) in enumerate(zip(label.lines, label.baselines, strict=True)):
        attrs = f'x="{_f(bx)}" y="{_f(by)}"'
        if index == 0:
            attrs += ' font-weight="bold"'
        if line.startswith("+") and line.endswith("m²"):
            attrs += f' fill="{EXCESS_COLOUR}" font-weight="bold" class="excess"'
        parts.append(f"<tspan {attrs}>{escape(line)}</tspan>")
    parts.append("</text>")
    return "".join(parts)


def _text(x: float, y: float, text: str, size: float, **attrs: str) -> str:
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
    return f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}"{extra}>{escape(text)}</text>'


def _fit_size(text: str, size: float, width: float) -> float:
    """``size`` shrunk so that ``text`` fits ``width`` mm."""
    needed = text_width_mm(text, size)
    return size if needed <= width else size * width / needed


def _panel(
    layout: StoreyLayout, colour: str, inputs: PlanInputs, keys: Mapping[str, str], on_date: date
) -> str:
    x, y, w, h = layout.sheet.panel
    out = ['<g id="panel" fill="#1a1a1a">']
    out.append(_text(x, y + 6, "楼层平面图 Floor plan", PANEL_TEXT_MM + 0.6, font_weight="bold"))
    name = layout.storey.name
    out.append(
        _text(x, y + 14, name, _fit_size(name, PANEL_TITLE_MM + 2, w - 26), font_weight="bold")
    )
    out.append(_north_arrow(x + w - 11, y + 10, layout.building.true_north_deg))
    counts = Counter(keys.values())
    legend_bottom = _legend(out, x, y + 26, w, colour, counts)
    out.append(_scale_bar(x, legend_bottom + 8, layout.transform.scale, layout.transform.mm_per_m))
    out.append(_title_block(layout, colour, inputs, counts, on_date, x, y, w, h))
    out.append("</g>")
    return "\n".join(out)


def _north_arrow(cx: float, cy: float, true_north_deg: float | None) -> str:
    """North arrow centred at (cx, cy); true north is ``true_north_deg`` counter-clockwise
    from the plan's up (+Y), which is clockwise-negative in SVG's Y-down frame."""
    angle = -(true_north_deg or 0.0)
    caption = "真北 true north" if true_north_deg is not None else "项目北 project north"
    degrees = "" if true_north_deg is None else f"{true_north_deg:g}"
    tip, left, right, notch = (
        f"{_f(cx)},{_f(cy - 7)}",
        f"{_f(cx - 3)},{_f(cy + 5)}",
        f"{_f(cx + 3)},{_f(cy + 5)}",
        f"{_f(cx)},{_f(cy + 3)}",
    )
    return (
        f'<g id="north-arrow" data-true-north-deg="{degrees}">'
        f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="8" fill="none" '
        f'stroke="#1a1a1a" stroke-width="0.25"/>'
        f'<g transform="rotate({_f(angle)} {_f(cx)} {_f(cy)})">'
        f'<path d="M{tip} L{right} L{notch} Z" fill="#1a1a1a"/>'
        f'<path d="M{tip} L{left} L{notch} Z" '
        f'fill="#ffffff" stroke="#1a1a1a" stroke-width="0.2"/>'
        + _text(cx, cy - 8.8, "N", PANEL_TEXT_MM, text_anchor="middle", font_weight="bold")
        + "</g>"
        + _text(cx, cy + 11.5, caption, PANEL_SMALL_MM - 0.3, text_anchor="middle")
        + "</g>"
    )


def _legend(
    out: list[str], x: float, y: float, w: float, colour: str, counts: Mapping[str, int]
) -> float:
    """Append the legend at (x, y); return its bottom (mm)."""
    out.append('<g id="legend">')
    out.append(_text(x, y, f"图例 {MODE_TITLES[colour]}", PANEL_TEXT_MM, font_weight="bold"))
    row = y + 2.5
    for entry in PALETTES[colour]:
        if entry.key == NO_DATA and not counts.get(NO_DATA):
            continue
        out.append(
            f'<g class="legend-entry" data-key="{entry.key}">'
            f'<rect x="{_f(x)}" y="{_f(row)}" width="9" height="3.8" fill="{entry.fill}" '
            f'stroke="#555555" stroke-width="0.18"/>'
            + _text(x + 11, row + 3.0, entry.label, PANEL_TEXT_MM)
            + _text(
                x + w, row + 3.0, str(counts.get(entry.key, 0)), PANEL_TEXT_MM, text_anchor="end"
            )
            + "</g>"
        )
        row += LEGEND_ROW_MM
    out.append(_text(x + w, y, "间 rooms", PANEL_SMALL_MM, text_anchor="end"))
    out.append("</g>")
    return row


def _scale_bar(x: float, y: float, scale: int, mm_per_m: float) -> str:
    length_m = nice_length_m(SCALE_BAR_TARGET_MM / mm_per_m)
    segments = 4
    seg_mm = length_m * mm_per_m / segments
    out = [f'<g id="scale-bar" data-scale="{scale}" data-length-m="{length_m:g}">']
    out.append(_text(x, y, f"比例 Scale 1:{scale}", PANEL_TEXT_MM, font_weight="bold"))
    top = y + 2.5
    for i in range(segments):
        fill = "#1a1a1a" if i % 2 == 0 else "#ffffff"
        out.append(
            f'<rect x="{_f(x + i * seg_mm)}" y="{_f(top)}" width="{_f(seg_mm)}" height="2" '
            f'fill="{fill}" stroke="#1a1a1a" stroke-width="0.2"/>'
        )
    for i in (0, segments // 2, segments):
        value = length_m * i / segments
        text = f"{value:g} m" if i == segments else f"{value:g}"
        out.append(_text(x + i * seg_mm, top + 5.5, text, PANEL_SMALL_MM, text_anchor="middle"))
    out.append("</g>")
    return "".join(out)


def _title_block(
    layout: StoreyLayout,
    colour: str,
    inputs: PlanInputs,
    counts: Mapping[str, int],
    on_date: date,
    x: float,
    y: float,
    w: float,
    h: float,
) -> str:
    standard = inputs.standard or (DEFAULT_STANDARD if colour == "compliance" else "—")
    storey = layout.storey
    rows = [
        ("建筑 Building", layout.building.name),
        ("楼层 Storey", f"{storey.name}  (标高 {storey.elevation_m:+.2f} m)"),
        ("比例 Scale", f"1:{layout.transform.scale}  ({layout.sheet.name} 横向 landscape)"),
        ("日期 Date", on_date.isoformat()),
        ("着色 Colours", MODE_TITLES[colour]),
        ("标准 Standard", standard),
    ]
    if colour == "compliance":
        gids = [r.space.global_id for r in layout.rooms]
        excess = sum(
            inputs.excess_m2.get(gid, 0.0) for gid in gids if inputs.statuses.get(gid) == "over"
        )
        rows.append(
            (
                "本层 This storey",
                f"超标 {counts.get('over', 0)} 间 +{excess:.1f} m²，"
                f"空置 {counts.get('vacant', 0)} 间",
            )
        )
    row_h = 6.0
    height = row_h * len(rows) + 8
    top = y + h - height
    out = [
        f'<g id="title-block"><rect x="{_f(x)}" y="{_f(top)}" width="{_f(w)}" '
        f'height="{_f(height)}" fill="none" stroke="#1a1a1a" stroke-width="0.35"/>'
    ]
    label_w = 25.0
    for i, (label, value) in enumerate(rows):
        line_y = top + 5 + i * row_h
        out.append(_text(x + 1.5, line_y, label, PANEL_SMALL_MM))
        size = _fit_size(value, PANEL_TEXT_MM, w - label_w - 2)
        out.append(_text(x + label_w, line_y, value, size))
        out.append(
            f'<line x1="{_f(x)}" y1="{_f(line_y + 1.8)}" x2="{_f(x + w)}" y2="{_f(line_y + 1.8)}" '
            f'stroke="#999999" stroke-width="0.15"/>'
        )
    note = "墙体按房间轮廓推得 walls drawn from room outlines" if layout.walls_from_rooms else ""
    out.append(
        _text(
            x + 1.5, top + height - 1.8, f"twin plan  {note}", PANEL_SMALL_MM - 0.4, fill="#666666"
        )
    )
    out.append("</g>")
    return "".join(out)


def cover_svg(
    building: Building,
    storeys: Sequence[Storey] | None = None,
    options: PlanOptions | None = None,
) -> str:
    """The cover sheet of a plan set: building, date, standard, and the summary.

    In compliance colours the summary is the report's (rooms over, persons
    over, vacant rooms, area over the standard) and a table per storey; in
    other modes the rooms per legend entry per storey. ``options`` as for
    :func:`storey_svg`.
    """
    options = options or PlanOptions()
    colour, inputs = options.colour, options.inputs
    storeys = tuple(storeys) if storeys is not None else plan_storeys(building)
    types = options.types_of(building)
    target = sheet(options.paper)
    day = options.day
    W, H = target.width_mm, target.height_mm
    x0 = 25.0
    out = [_header(W, H, f"{building.name} — 平面图 floor plans")]
    out.append('<g id="cover" fill="#1a1a1a">')
    out.append(_text(x0, 35, "办公用房平面图", 12, font_weight="bold"))
    out.append(_text(x0, 45, "Office floor plans", 6.5))
    out.append(
        _text(x0, 62, building.name, _fit_size(building.name, 8, W - 2 * x0), font_weight="bold")
    )
    standard = inputs.standard or (DEFAULT_STANDARD if colour == "compliance" else "—")
    meta = [
        ("日期 Date", day.isoformat()),
        ("着色 Colours", MODE_TITLES[colour]),
        ("标准 Standard", standard),
        ("楼层 Storeys", f"{len(storeys)}（每层一页 one page per storey）"),
    ]
    for i, (label, value) in enumerate(meta):
        out.append(_text(x0, 74 + i * 6.5, label, 3.2, fill="#555555"))
        out.append(_text(x0 + 32, 74 + i * 6.5, value, _fit_size(value, 3.6, W - x0 - 60)))

    palette = [e for e in PALETTES[colour] if e.key != NO_DATA]
    per_storey: list[tuple[Storey, Counter[str], float]] = []
    for storey in storeys:
        spaces = storey_spaces(building, storey)
        keys = Counter(room_key(s, colour, inputs, types[s.global_id]) for s in spaces)
        excess = sum(
            inputs.excess_m2.get(s.global_id, 0.0)
            for s in spaces
            if inputs.statuses.get(s.global_id) == "over"
        )
        per_storey.append((storey, keys, excess))
    totals: Counter[str] = Counter()
    for _, keys, _ in per_storey:
        totals.update(keys)

    top = 112.0
    if colour == "compliance":
        summary = inputs.summary
        figures = [
            ("超标房间", "rooms over", summary.get("rooms_over", totals.get("over", 0))),
            ("超标人员", "persons over", summary.get("persons_over", "—")),
            ("空置房间", "vacant rooms", summary.get("vacant_rooms", totals.get("vacant", 0))),
            (
                "超标面积",
                "area over standard",
                f"{float(summary.get('area_over_m2', sum(e for _, _, e in per_storey))):.1f} m²",
            ),
        ]
        out.append('<g id="compliance-summary">')
        box_w = (W - 2 * x0 - 3 * 6) / 4
        for i, (zh, en, value) in enumerate(figures):
            bx = x0 + i * (box_w + 6)
            fill = swatch("compliance", "over" if i in (0, 1, 3) else "vacant").fill
            out.append(
                f'<rect x="{_f(bx)}" y="{_f(top)}" width="{_f(box_w)}" height="30" rx="2" '
                f'fill="{fill}" stroke="#555555" stroke-width="0.3"/>'
            )
            out.append(_text(bx + 5, top + 9, f"{zh} {en}", 3.4))
            out.append(
                _text(
                    bx + 5,
                    top + 24,
                    str(value),
                    10,
                    font_weight="bold",
                    data_figure=en.replace(" ", "_"),
                )
            )
        out.append("</g>")
        top += 44
    # per-storey table
    columns = [("楼层 Storey", 40.0), ("房间 Rooms", 24.0)] + [
        (e.label_zh, max(20.0, text_width_mm(e.label_zh, 3.0) + 6)) for e in palette
    ]
    if colour == "compliance":
        columns.append(("超标面积 m²", 30.0))
    out.append('<g id="storey-table">')
    row_h = 7.0
    cx = x0
    for title, width in columns:
        out.append(_text(cx, top, title, 3.0, font_weight="bold"))
        cx += width
    table_w = cx - x0
    out.append(
        f'<line x1="{_f(x0)}" y1="{_f(top + 2)}" x2="{_f(x0 + table_w)}" y2="{_f(top + 2)}" '
        f'stroke="#1a1a1a" stroke-width="0.3"/>'
    )
    rows: list[list[str]] = []
    for storey, keys, excess in per_storey:
        row = [storey.name, str(sum(keys.values()))] + [str(keys.get(e.key, 0)) for e in palette]
        if colour == "compliance":
            row.append(f"{excess:.1f}")
        rows.append(row)
    total_row = ["合计 Total", str(sum(totals.values()))] + [
        str(totals.get(e.key, 0)) for e in palette
    ]
    if colour == "compliance":
        total_row.append(f"{sum(e for _, _, e in per_storey):.1f}")
    rows.append(total_row)
    max_rows = int((H - 20 - top) / row_h) - 1
    if len(rows) > max_rows:
        rows = [*rows[: max_rows - 1], total_row]
    for i, row in enumerate(rows):
        ry = top + (i + 1) * row_h
        cx = x0
        bold = {"font_weight": "bold"} if row is total_row else {}
        for (_, width), value in zip(columns, row, strict=True):
            out.append(_text(cx, ry, value, _fit_size(value, 3.0, width - 2), **bold))
            cx += width
    out.append("</g>")
    # legend swatches next to the table headers
    out.append('<g id="cover-legend">')
    lx = x0 + 64.0
    for entry, (_, width) in zip(palette, columns[2:], strict=False):
        out.append(
            f'<rect x="{_f(lx)}" y="{_f(top - 7.5)}" width="6" height="3" fill="{entry.fill}" '
            f'stroke="#555555" stroke-width="0.15"/>'
        )
        lx += width
    out.append("</g>")
    out.append(
        _text(
            W - x0,
            H - 12,
            "twin plan — generated from the IFC model",
            2.4,
            text_anchor="end",
            fill="#666666",
        )
    )
    out.append("</g>\n</svg>\n")
    return "\n".join(out)


def legend_entries(colour: str) -> tuple[Swatch, ...]:
    """The legend of a colour mode (every swatch, ``no_data`` last)."""
    return PALETTES[check_colour(colour)]


__all__ = [
    "FONT_FAMILY",
    "cover_svg",
    "legend_entries",
    "path_data",
    "room_key",
    "room_label_lines",
    "storey_svg",
]
