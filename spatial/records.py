"""Plain, IFC-free records of a building: the shared vocabulary of every layer.

All lengths are in metres, areas in square metres, coordinates in the
building's world frame (X east-ish, Y north-ish as modelled, Z up), exactly as
the IFC reader produced them after converting units once at the boundary.
Every element is identified by its IFC GlobalId.

Records are frozen dataclasses; geometry is held as shapely objects (plan
footprints in the XY plane) and plain tuples (points, bounding boxes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from shapely.geometry import LineString, MultiPolygon, Polygon

Point3: TypeAlias = tuple[float, float, float]
Footprint: TypeAlias = Polygon | MultiPolygon

#: Node id of the outside world in the navigation graph.
OUTSIDE = "outside"

LinkKind = Literal["stair", "ramp", "lift"]
DoorLinkSource = Literal["space_boundary", "geometry", "none"]
OpeningSource = Literal["space_boundary", "geometry"]
LocationMethod = Literal["contained", "geometry", "nearest", "unlocated"]


@dataclass(frozen=True, slots=True)
class Storey:
    """A building storey.

    ``elevation_m`` is the storey's floor level in world Z (metres).
    ``aliases`` holds the GlobalIds of matching storeys from other files of a
    federated building, so elements of those files find their storey here.
    """

    global_id: str
    name: str
    elevation_m: float
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Space:
    """A room (IfcSpace).

    ``name`` is the room number (IfcSpace.Name), ``long_name`` the room name.
    ``footprint`` is the plan outline of the space body projected to XY, holes
    kept (``None`` when the space has no body geometry). ``model_areas`` maps a
    source such as ``"Qto_SpaceBaseQuantities.NetFloorArea"`` to the area the
    authoring tool wrote into the model, in m².
    """

    global_id: str
    name: str
    long_name: str
    storey_id: str
    object_type: str = ""
    footprint: Footprint | None = None
    floor_z_m: float | None = None
    height_m: float | None = None
    model_areas: Mapping[str, float] = field(default_factory=dict)
    zones: tuple[str, ...] = ()
    properties: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def footprint_area_m2(self) -> float | None:
        """Area of the plan footprint in m², or ``None`` without geometry."""
        return None if self.footprint is None else float(self.footprint.area)

    @property
    def label(self) -> str:
        """Human label: ``"0312 局长办公室"`` style, number first."""
        return " ".join(p for p in (self.name, self.long_name) if p) or self.global_id


@dataclass(frozen=True, slots=True)
class Door:
    """A door and the spaces it connects.

    ``centre`` is the centre of the door's bounding box (world, metres);
    ``opening`` its plan outline. ``space_ids`` lists the one or two spaces
    the door leads into; ``is_exterior`` marks a door whose other side is
    outside the building.
    """

    global_id: str
    name: str
    storey_id: str
    centre: Point3
    width_m: float | None = None
    height_m: float | None = None
    opening: Polygon | None = None
    space_ids: tuple[str, ...] = ()
    link_source: DoorLinkSource = "none"
    is_exterior: bool = False


@dataclass(frozen=True, slots=True)
class OpenConnection:
    """Two rooms that open into each other without a door.

    A kitchen open to the living room, an open office running into its
    corridor: the model separates them only by a virtual space boundary (or
    not at all). ``space_ids`` are the two rooms (sorted), ``storey_id``
    their storey, ``plan`` the shared edge in world XY metres and
    ``midpoint`` its middle at floor level (world metres). ``element_id`` is
    the GlobalId of the IfcVirtualElement that marks the boundary, if the
    model has one; ``source`` says whether the model's virtual space
    boundaries or the footprints' geometry found the connection.
    """

    space_ids: tuple[str, str]
    storey_id: str
    midpoint: Point3
    plan: LineString | None = None
    element_id: str = ""
    source: OpeningSource = "space_boundary"

    @property
    def node_id(self) -> str:
        """The navigation-graph node of this opening: the virtual element's
        GlobalId, else ``"open:<space a>|<space b>"``."""
        return self.element_id or f"open:{self.space_ids[0]}|{self.space_ids[1]}"


@dataclass(frozen=True, slots=True)
class VerticalLink:
    """A stair, ramp or lift that joins storeys.

    ``storey_ids`` are the storeys it serves, bottom to top; ``footprint`` its
    plan outline; ``z_min_m``/``z_max_m`` its vertical extent.
    """

    global_id: str
    kind: LinkKind
    name: str
    storey_ids: tuple[str, ...]
    footprint: Footprint | None = None
    z_min_m: float | None = None
    z_max_m: float | None = None
    ifc_class: str = ""


@dataclass(frozen=True, slots=True)
class Equipment:
    """A piece of equipment (an IfcDistributionElement subtype).

    ``space_id`` is the room it is in (``None`` when unlocated, see
    ``location``). ``centre`` and ``bbox_min``/``bbox_max`` are world metres,
    ``None`` when the element has no geometry.
    """

    global_id: str
    ifc_class: str
    name: str
    tag: str = ""
    predefined_type: str = ""
    type_name: str = ""
    storey_id: str | None = None
    space_id: str | None = None
    location: LocationMethod = "unlocated"
    centre: Point3 | None = None
    bbox_min: Point3 | None = None
    bbox_max: Point3 | None = None
    properties: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    classifications: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True, slots=True)
class Zone:
    """A named group of spaces (IfcZone)."""

    global_id: str
    name: str
    space_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file of a building: its name, SHA-256, schema and unit."""

    name: str
    sha256: str
    schema: str
    length_unit: str
    length_scale_m: float


@dataclass(frozen=True, slots=True)
class Building:
    """A building as the twin knows it: storeys, rooms, doors, links, equipment.

    ``openings`` are the doorless connections between rooms (virtual space
    boundaries). ``warnings`` lists what the reader could not read (elements without
    geometry, broken references); nothing in it stopped the read.
    """

    name: str
    global_id: str
    sources: tuple[SourceFile, ...]
    storeys: tuple[Storey, ...]
    spaces: tuple[Space, ...]
    doors: tuple[Door, ...] = ()
    openings: tuple[OpenConnection, ...] = ()
    links: tuple[VerticalLink, ...] = ()
    equipment: tuple[Equipment, ...] = ()
    zones: tuple[Zone, ...] = ()
    warnings: tuple[str, ...] = ()
    true_north_deg: float | None = None
    #: Spaces by GlobalId, built once: routing looks rooms up on every query.
    _space_index: Mapping[str, Space] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_space_index", {s.global_id: s for s in self.spaces})

    @property
    def schema(self) -> str:
        """The schema of the first (host) file, e.g. ``"IFC2X3"``."""
        return self.sources[0].schema if self.sources else ""

    def storey(self, storey_id: str) -> Storey:
        """The storey with this GlobalId (own or alias)."""
        for storey in self.storeys:
            if storey.global_id == storey_id or storey_id in storey.aliases:
                return storey
        raise KeyError(storey_id)

    def space(self, global_id: str) -> Space:
        """The space with this GlobalId (``KeyError`` when there is none)."""
        return self._space_index[global_id]

    @property
    def stairs(self) -> tuple[VerticalLink, ...]:
        return tuple(link for link in self.links if link.kind in ("stair", "ramp"))

    @property
    def lifts(self) -> tuple[VerticalLink, ...]:
        return tuple(link for link in self.links if link.kind == "lift")
