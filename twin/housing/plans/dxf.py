"""Storey plans as DXF for CAD and CAFM users (ezdxf), beside the SVG/PDF/PNG plans.

Everything is drawn in the building's **world** frame, in metres (``$INSUNITS``
= metres), so a CAD user measures true lengths and areas:

- each room is **one closed LWPOLYLINE** on the layer ``ROOM-<TYPE>-<STATUS>``
  (room type, compliance status or ``NO_DATA``), coloured like the SVG plan in
  the chosen colour mode, with the room's GlobalId and number as XDATA
  (application :data:`XDATA_APP`). A room around a column (a footprint with
  holes) is traced as one keyhole outline: a cut from the outer ring to each
  hole and back, so the polyline's area is the usable area, holes excluded;
- room labels (number, name, usable area, department) as MTEXT on
  ``ROOM-LABEL``, in a text style whose font has CJK glyphs (Noto Sans CJK SC,
  the same font as the PDF plans), so Chinese names survive;
- doors on ``DOOR``: the opening outline, the leaf and its quarter swing;
- the walls between rooms, derived from the rooms as on the SVG plan, on
  ``WALL-DERIVED``.

The exporter returns bytes and writes nothing to disk.
"""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from spatial.areas import usable_area
from spatial.records import Building, Storey
from twin.housing.plans.colours import NO_DATA, swatch
from twin.housing.plans.errors import EmptyStoreyError, RenderBackendError
from twin.housing.plans.layout import (
    PaperTransform,
    derive_walls,
    door_swing,
    label_anchor,
    label_polygon,
    storey_doors,
    storey_spaces,
)
from twin.housing.plans.options import PlanOptions
from twin.housing.plans.svg import room_key, room_label_lines

#: DXF release written (R2013: UTF-8 text, true colours, XDATA).
DXF_VERSION = "R2013"
#: XDATA application name carrying each room's GlobalId and number.
XDATA_APP = "BIM_TWIN"
#: Text style of the labels and the CJK font it names (file and family).
TEXT_STYLE = "TWIN_CJK"
CJK_FONT_FILE = "NotoSansCJK-Regular.ttc"
CJK_FONT_FAMILY = "Noto Sans CJK SC"
#: Label text height, m (about 9 pt at 1:100).
LABEL_HEIGHT_M = 0.25
#: Layers other than the room layers.
LABEL_LAYER = "ROOM-LABEL"
DOOR_LAYER = "DOOR"
WALL_LAYER = "WALL-DERIVED"
#: ACI colours of those layers (7 = black/white, 8 = grey).
LABEL_ACI = 7
DOOR_ACI = 7
WALL_ACI = 8
#: Drawing a door with the paper helpers at 1:1000 gives metres (Y is flipped back).
_WORLD = PaperTransform(1000, (0.0, 0.0), (0.0, 0.0))


def room_layer(room_type: str, status: str | None) -> str:
    """``ROOM-OFFICE-OVER``: the layer of a room by its type and compliance status."""
    return f"ROOM-{room_type}-{status or NO_DATA}".upper()


def keyhole_ring(polygon: Polygon) -> list[tuple[float, float]]:
    """One closed ring tracing ``polygon`` with its holes: its shoelace area is the
    polygon's area.

    Each hole is joined to the nearest vertex of the outline by a cut walked
    there and back, so the cut's edges cancel and the hole, walked the other
    way round, is subtracted. Without holes this is the exterior ring.
    """
    from shapely.geometry.polygon import orient

    shape = orient(polygon, sign=1.0)  # exterior counter-clockwise, holes clockwise
    outer = [tuple(map(float, p)) for p in np.asarray(shape.exterior.coords)[:-1]]
    inserts: dict[int, list[list[tuple[float, float]]]] = {}
    corners = np.asarray(outer)
    for hole in shape.interiors:
        ring = np.asarray(hole.coords)[:-1]
        distances = np.hypot(
            corners[:, None, 0] - ring[None, :, 0], corners[:, None, 1] - ring[None, :, 1]
        )
        at, start = np.unravel_index(int(np.argmin(distances)), distances.shape)
        walked = np.roll(ring, -int(start), axis=0)
        loop = [tuple(map(float, p)) for p in walked] + [tuple(map(float, walked[0]))]
        inserts.setdefault(int(at), []).append(loop)
    points: list[tuple[float, float]] = []
    for index, corner in enumerate(outer):
        points.append(corner)
        for loop in inserts.get(index, []):
            points.extend(loop)
            points.append(corner)
    return points


def _parts(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon)]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _ezdxf() -> Any:
    try:
        import ezdxf
    except ImportError as exc:
        raise RenderBackendError(f"DXF plans need ezdxf (pip install ezdxf): {exc}") from exc
    return ezdxf


def storey_dxf(building: Building, storey: Storey, options: PlanOptions | None = None) -> bytes:
    """The plan of one storey as a DXF drawing (UTF-8 bytes), in world metres.

    ``building``, ``storey`` and ``options`` as for
    :func:`twin.housing.plans.svg.storey_svg`: the colour mode gives the rooms'
    colours (layers always sort rooms by type and compliance status); paper
    and date do not apply to a drawing in world metres.

    Raises
    ------
    EmptyStoreyError
        When the storey has no room with a footprint.
    RenderBackendError
        When ezdxf is missing.
    """
    options = options or PlanOptions()
    colour, inputs = options.colour, options.inputs
    ezdxf = _ezdxf()
    from ezdxf import colors, units

    spaces = storey_spaces(building, storey)
    if not spaces:
        raise EmptyStoreyError(f"storey {storey.name!r} has no room with a plan footprint")
    types = options.types_of(building)

    doc = ezdxf.new(DXF_VERSION, setup=False)
    doc.units = units.M
    doc.header["$MEASUREMENT"] = 1
    doc.appids.add(XDATA_APP)
    style = doc.styles.add(TEXT_STYLE, font=CJK_FONT_FILE)
    style.set_extended_font_data(family=CJK_FONT_FAMILY)
    for name, aci in ((LABEL_LAYER, LABEL_ACI), (DOOR_LAYER, DOOR_ACI), (WALL_LAYER, WALL_ACI)):
        doc.layers.add(name, color=aci)
    msp = doc.modelspace()

    for space in spaces:
        gid = space.global_id
        room_type = types.get(gid, "other")
        layer = room_layer(room_type, inputs.statuses.get(gid))
        if layer not in doc.layers:
            doc.layers.add(layer).rgb = _rgb(swatch("type", room_type).fill)
        fill = _rgb(swatch(colour, room_key(space, colour, inputs, room_type)).fill)
        for part in _parts(space.footprint):
            outline = msp.add_lwpolyline(
                keyhole_ring(part),
                close=True,
                dxfattribs={"layer": layer, "true_color": colors.rgb2int(fill)},
            )
            outline.set_xdata(XDATA_APP, [(1000, gid), (1000, space.name or "")])
        lines = room_label_lines(space, usable_area(space).area_m2, colour, inputs)[0]
        x, y = label_anchor(label_polygon(space.footprint))
        label = msp.add_mtext(
            "\\P".join(lines),
            dxfattribs={"layer": LABEL_LAYER, "style": TEXT_STYLE, "char_height": LABEL_HEIGHT_M},
        )
        label.set_location((x, y), attachment_point=5)  # middle centre
        label.set_xdata(XDATA_APP, [(1000, gid), (1000, space.name or "")])

    doors = storey_doors(building, storey)
    for door in doors:
        swing = door_swing(door, spaces, _WORLD)
        if swing is None:
            continue
        for part in _parts(door.opening):
            msp.add_lwpolyline(
                [tuple(map(float, p)) for p in np.asarray(part.exterior.coords)[:-1]],
                close=True,
                dxfattribs={"layer": DOOR_LAYER},
            )
        hinge, closed, opened = ((p[0], -p[1]) for p in (swing.hinge, swing.closed, swing.open))
        msp.add_line(hinge, opened, dxfattribs={"layer": DOOR_LAYER})
        start, end = (
            math.degrees(math.atan2(p[1] - hinge[1], p[0] - hinge[0])) for p in (closed, opened)
        )
        if (end - start) % 360.0 > 180.0:
            start, end = end, start
        msp.add_arc(hinge, swing.radius_mm, start, end, dxfattribs={"layer": DOOR_LAYER})

    openings = [d.opening for d in doors if d.opening is not None]
    walls = derive_walls([s.footprint for s in spaces], openings)
    for part in _parts(walls):
        for ring in (part.exterior, *part.interiors):
            msp.add_lwpolyline(
                [tuple(map(float, p)) for p in np.asarray(ring.coords)[:-1]],
                close=True,
                dxfattribs={"layer": WALL_LAYER},
            )

    out = io.StringIO()
    doc.write(out)
    return out.getvalue().encode("utf-8")
