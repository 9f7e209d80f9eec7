"""Reading the plans back: SVG rooms and labels, demo building and compliance reports."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import Point, Polygon

from ifc_models.demo_building import generate_office_building
from spatial.records import Building, Storey
from spatial.room_types import RoomTypeRules
from twin.buildings.ingest import ingest

SVG_NS = "{http://www.w3.org/2000/svg}"
RING = re.compile(r"M([^Z]*)Z")


@dataclass(frozen=True)
class SvgRoom:
    global_id: str
    classes: tuple[str, ...]
    fill: str
    rings: tuple[Polygon, ...]

    def contains(self, x: float, y: float) -> bool:
        """Even-odd rule, as the path is filled: inside an odd number of rings."""
        point = Point(x, y)
        return sum(ring.contains(point) for ring in self.rings) % 2 == 1


@dataclass(frozen=True)
class SvgLabel:
    room_id: str
    anchor: tuple[float, float]
    baselines: tuple[tuple[float, float], ...]
    lines: tuple[str, ...]
    fits: bool


def parse_rings(d: str) -> tuple[Polygon, ...]:
    rings = []
    for body in RING.findall(d):
        points = [tuple(float(v) for v in pair.split(",")) for pair in body.split()]
        rings.append(Polygon(points))
    return tuple(rings)


def svg_rooms(svg: str) -> list[SvgRoom]:
    root = ET.fromstring(svg.encode("utf-8"))
    rooms = []
    for element in root.iter(f"{SVG_NS}path"):
        classes = tuple(element.get("class", "").split())
        if "room" in classes:
            rooms.append(
                SvgRoom(
                    element.get("id"), classes, element.get("fill"), parse_rings(element.get("d"))
                )
            )
    return rooms


def svg_labels(svg: str) -> list[SvgLabel]:
    root = ET.fromstring(svg.encode("utf-8"))
    labels = []
    for element in root.iter(f"{SVG_NS}text"):
        classes = element.get("class", "").split()
        if "label" not in classes:
            continue
        spans = list(element.iter(f"{SVG_NS}tspan"))
        labels.append(
            SvgLabel(
                element.get("data-room-id"),
                (float(element.get("x")), float(element.get("y"))),
                tuple((float(s.get("x")), float(s.get("y"))) for s in spans),
                tuple(s.text or "" for s in spans),
                "label-overflow" not in classes,
            )
        )
    return labels


def rooms_on(building: Building, storey: Storey) -> list:
    ids = {storey.global_id, *storey.aliases}
    return [s for s in building.spaces if s.storey_id in ids and s.footprint is not None]


def demo_building(folder: Path) -> tuple[Path, Building]:
    """The demo building the issue names: 3 storeys, 20 rooms each, seed 0."""
    path = folder / "office.ifc"
    generate_office_building(path, storeys=3, rooms_per_storey=20, seed=0)
    return path, ingest([path], cache_dir=folder / "cache").building


def made_up_report(building: Building) -> dict:
    """A compliance report built by hand: offices cycle within/over/vacant, the rest not_office."""
    rules = RoomTypeRules()
    rooms = []
    cycle = ("within", "over", "vacant")
    offices = 0
    for space in building.spaces:
        if space.footprint is None:
            continue
        if rules.classify(space) == "office":
            status = cycle[offices % 3]
            offices += 1
        else:
            status = "not_office"
        rooms.append(
            {
                "room": space.name,
                "global_id": space.global_id,
                "area_m2": round(space.footprint.area, 2),
                "occupants": {"within": 1, "over": 2, "vacant": 0, "not_office": 0}[status],
                "limit_m2": 9.0,
                "excess_m2": 3.4 if status == "over" else 0.0,
                "status": status,
            }
        )
    over = [r for r in rooms if r["status"] == "over"]
    return {
        "rooms": rooms,
        "summary": {
            "rooms_over": len(over),
            "persons_over": 2 * len(over),
            "vacant_rooms": sum(r["status"] == "vacant" for r in rooms),
            "area_over_m2": sum(r["excess_m2"] for r in over),
        },
        "standard": {"title": "党政机关办公用房建设标准 (2014)"},
    }
