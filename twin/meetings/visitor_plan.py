"""A visitor's route as one printable page: the room's floor plan with the route on it.

The plan is the housing plans' storey plan (:func:`twin.housing.plans.storey_svg`,
A4 landscape, coloured by room type); on top of it go the route's polyline
on that storey, the meeting room outlined, and a box with the meeting and the
steps in order (doors, stairs or lifts, rooms). Returns PDF bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from spatial.records import Building
from twin.housing.plans import PlanOptions, find_storey, layout_storey, storey_svg, svg_to_pdf
from twin.housing.plans.layout import PaperTransform
from twin.meetings.records import Booking

PAPER = "A4"
ROUTE_COLOUR = "#d0021b"
ROUTE_STROKE_MM = 0.9
#: Polyline points within this height (m) of the room's floor are drawn on its plan.
SAME_FLOOR_M = 1.0
#: Steps listed in the box before "..." (the page must stay one page).
MAX_STEPS = 14
BOX_TEXT_MM = 2.8
BOX_LINE_MM = 4.0
STEP_WORDS = {
    "outside": "入口 Entrance",
    "door": "门 door",
    "room": "经过 through",
    "stair": "楼梯 stair",
    "lift": "电梯 lift",
    "ramp": "坡道 ramp",
    "opening": "开口 opening",
}


def route_runs(
    polyline: Sequence[Sequence[float]], floor_z_m: float, transform: PaperTransform
) -> list[list[tuple[float, float]]]:
    """Pieces of the route on one floor, as paper points (mm)."""
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for x, y, z in polyline:
        if abs(z - floor_z_m) <= SAME_FLOOR_M:
            current.append(transform.to_paper(x, y))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [r for r in runs if len(r) > 1]


def visitor_route_pdf(
    building: Building,
    booking: Booking,
    route: Mapping[str, Any],
    *,
    room_types: Mapping[str, str] | None = None,
    zone: ZoneInfo,
) -> bytes:
    """One PDF page: the booked room's storey plan with the visitor's route drawn on it."""
    space = next(s for s in building.spaces if s.global_id == booking.room)
    storey = find_storey(building, space.storey_id)
    svg = storey_svg(building, storey, PlanOptions(paper=PAPER, room_types=room_types))
    transform = layout_storey(building, storey, {}, paper=PAPER).transform
    floor = space.floor_z_m if space.floor_z_m is not None else storey.elevation_m
    overlay = ['<g id="visitor-route" fill="none">']
    if space.footprint is not None:
        outline = transform.geometry(space.footprint)
        rings = getattr(outline, "geoms", [outline])
        for ring in rings:
            points = " ".join(f"{x:.2f},{y:.2f}" for x, y in ring.exterior.coords)
            overlay.append(
                f'<polygon class="meeting-room" points="{points}" stroke="{ROUTE_COLOUR}" '
                f'stroke-width="{ROUTE_STROKE_MM * 1.5}"/>'
            )
    for run in route_runs(route["polyline"], floor, transform):
        points = " ".join(f"{x:.2f},{y:.2f}" for x, y in run)
        overlay.append(
            f'<polyline class="route" points="{points}" stroke="{ROUTE_COLOUR}" '
            f'stroke-width="{ROUTE_STROKE_MM}" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    overlay.append("</g>")
    overlay.append(_steps_box(booking, space.label, route, zone))
    body, _, _ = svg.rpartition("</svg>")
    return svg_to_pdf(body + "\n".join(overlay) + "\n</svg>\n")


def _steps_box(booking: Booking, room: str, route: Mapping[str, Any], zone: ZoneInfo) -> str:
    start = booking.start.astimezone(zone)
    end = booking.end.astimezone(zone)
    lines = [
        f"访客路线 Visitor route → {room}",
        f"{booking.title or '会议 Meeting'}  {start:%Y-%m-%d %H:%M}-{end:%H:%M}",
        f"步行 walk {route['length_m']:.0f} m, ~{route['time_s'] / 60:.0f} min",
    ]
    steps = [s for s in route["steps"] if s["kind"] != "room"] + [route["steps"][-1]]
    for number, step in enumerate(steps[:MAX_STEPS], start=1):
        word = "到达 arrive" if step is steps[-1] else STEP_WORDS.get(step["kind"], step["kind"])
        where = f" ({step['storey']})" if step.get("storey") else ""
        lines.append(f"{number}. {word} {step['name'] or step['global_id']}{where}")
    if len(steps) > MAX_STEPS:
        lines.append("…")
    x, y = 12.0, 12.0
    height = BOX_LINE_MM * len(lines) + 3
    out = [
        f'<g id="route-steps"><rect x="{x - 2}" y="{y - 2}" width="120" height="{height}" '
        f'fill="#ffffff" fill-opacity="0.92" stroke="{ROUTE_COLOUR}" stroke-width="0.3"/>'
    ]
    for index, text in enumerate(lines):
        weight = ' font-weight="bold"' if index == 0 else ""
        out.append(
            f'<text x="{x}" y="{y + BOX_LINE_MM * (index + 0.7):.2f}" '
            f'font-size="{BOX_TEXT_MM}"{weight}>{escape(text)}</text>'
        )
    out.append("</g>")
    return "\n".join(out)
