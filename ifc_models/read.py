"""Read one building from one or more IFC files into :mod:`spatial.records`.

Two passes over the geometry, so that navigation never waits for the viewer:

1. :meth:`BuildingReader.read_building` meshes only what the graph needs —
   spaces, the openings doors fill, stairs, ramps, lifts, and equipment that
   no room contains — and returns the :class:`~spatial.records.Building`.
2. :meth:`BuildingReader.scene_meshes` meshes every other product for the
   3D scene (walls, slabs, door leaves, furniture, equipment bodies).

Several files make one building (architecture + MEP): the first file that has
spaces is the host; the storeys of the others are matched to the host's by
name, else by elevation within :data:`STOREY_MATCH_M`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import ifcopenshell
import ifcopenshell.util.element
import ifcopenshell.util.placement
import numpy as np
import shapely

from ifc_models.errors import NoBuildingError
from ifc_models.geometry import iter_meshes
from ifc_models.source import OpenedModel, open_model
from ifc_models.structure import (
    StructureLookups,
    classification_codes,
    model_areas,
    placement_origin,
    plain_properties,
    referenced_storeys,
    spatial_parent,
    storey_of,
    true_north_deg,
)
from spatial.doors import rooms_at_door
from spatial.footprint import footprint_of, plan_outline
from spatial.locate import SpaceIndex, storey_for_height
from spatial.mesh import ElementMesh
from spatial.openings import BoundarySegment, pair_virtual_boundaries
from spatial.records import (
    Building,
    Door,
    Equipment,
    LinkKind,
    OpenConnection,
    SourceFile,
    Space,
    Storey,
    VerticalLink,
    Zone,
)

log = logging.getLogger(__name__)

#: Storeys of two files within this height (metres) are the same storey.
STOREY_MATCH_M = 0.2
#: A vertical link serves a storey whose floor lies within its height range
#: widened by this much (metres): a flight's last riser stops a tread short.
LINK_STOREY_TOLERANCE_M = 0.3
#: Distribution elements that are network, not equipment: left out by default.
NETWORK_CLASSES = ("IfcFlowSegment", "IfcFlowFitting")
#: Classes of vertical links and the kind each one is.
LINK_CLASSES: dict[str, LinkKind] = {
    "IfcStair": "stair",
    "IfcStairFlight": "stair",
    "IfcRamp": "ramp",
    "IfcRampFlight": "ramp",
    "IfcTransportElement": "lift",
}

Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def is_equipment(element: ifcopenshell.entity_instance, include_network: bool = False) -> bool:
    """Whether an element counts as equipment: every IfcDistributionElement
    except pipe/duct/cable segments and fittings (unless asked for)."""
    if not element.is_a("IfcDistributionElement"):
        return False
    return include_network or not any(element.is_a(cls) for cls in NETWORK_CLASSES)


@dataclass
class _FileState:
    """What one file contributes, before federation."""

    opened: OpenedModel
    lookups: StructureLookups = field(default_factory=StructureLookups)
    storey_map: dict[str, str] = field(default_factory=dict)  # own storey gid -> host gid
    space_map: dict[str, str] = field(default_factory=dict)  # own space gid -> kept gid


class BuildingReader:
    """Reads one building from IFC files.

    Parameters
    ----------
    paths
        One or more IFC (or ``.ifczip``) files of the same building.
    include_network
        Also treat pipe/duct/cable segments and fittings as equipment.
    progress
        Called as ``progress(stage, done, total)`` while reading.

    Raises
    ------
    ifc_models.errors.IfcModelError
        When a file cannot be read (missing, not IFC, truncated, unsupported
        schema, no length unit) or no file holds a storey.

    Examples
    --------
    >>> reader = BuildingReader([Path("Office_A_20110811.ifc")])  # doctest: +SKIP
    >>> building = reader.read_building()  # doctest: +SKIP
    >>> len(building.spaces)  # doctest: +SKIP
    99
    """

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        include_network: bool = False,
        progress: Progress | None = None,
    ) -> None:
        self._progress = progress or _no_progress
        self._include_network = include_network
        self._files: list[_FileState] = []
        for number, path in enumerate(paths):
            self._progress("open", number, len(paths))
            self._files.append(_FileState(open_model(Path(path))))
        self._progress("open", len(paths), len(paths))
        if not any(state.opened.model.by_type("IfcBuildingStorey") for state in self._files):
            raise NoBuildingError(
                f"{', '.join(str(p) for p in paths)}: no IfcBuildingStorey in any file"
            )
        hosts = [s for s in self._files if s.opened.model.by_type("IfcSpace")]
        self._host = hosts[0] if hosts else self._files[0]
        self._space_meshes: list[ElementMesh] = []
        self._space_storeys: dict[str, str] = {}
        self._warnings: list[str] = []

    @property
    def sources(self) -> tuple[SourceFile, ...]:
        return tuple(
            SourceFile(
                name=s.opened.path.name,
                sha256=s.opened.sha256,
                schema=s.opened.schema,
                length_unit=s.opened.length_unit,
                length_scale_m=s.opened.length_scale_m,
            )
            for s in self._files
        )

    # ------------------------------------------------------------------ pass 1
    def read_building(self) -> Building:
        """Read storeys, spaces, doors, vertical links and equipment (pass 1)."""
        ordered = [self._host] + [s for s in self._files if s is not self._host]
        meshes = self._mesh_navigation_elements(ordered)
        storeys = self._federate_storeys(ordered, meshes)
        spaces = self._read_spaces(ordered, meshes, storeys)
        index = SpaceIndex(spaces)
        doors = self._read_doors(ordered, meshes, index)
        openings = self._read_openings(ordered)
        links = self._read_links(ordered, meshes, storeys)
        equipment = self._read_equipment(ordered, meshes, storeys, index)
        zones = self._read_zones(ordered)
        host_model = self._host.opened.model
        buildings = host_model.by_type("IfcBuilding")
        if len(buildings) > 1:
            self._warn(
                f"{len(buildings)} IfcBuilding in {self._host.opened.path.name}; read as one"
            )
        head = buildings[0] if buildings else host_model.by_type("IfcProject")[0]
        name = head.Name or getattr(head, "LongName", None) or self._host.opened.path.stem
        return Building(
            name=str(name),
            global_id=head.GlobalId,
            sources=self.sources,
            storeys=tuple(sorted(storeys.values(), key=lambda s: s.elevation_m)),
            spaces=tuple(spaces),
            doors=tuple(doors),
            openings=tuple(openings),
            links=tuple(links),
            equipment=tuple(equipment),
            zones=tuple(zones),
            warnings=tuple(self._warnings),
            true_north_deg=true_north_deg(host_model),
        )

    def _warn(self, message: str) -> None:
        log.warning(message)
        self._warnings.append(message)

    def _mesh_navigation_elements(self, ordered: list[_FileState]) -> dict[str, ElementMesh]:
        wanted: list[tuple[_FileState, list[ifcopenshell.entity_instance]]] = []
        for state in ordered:
            model = state.opened.model
            elements = list(model.by_type("IfcSpace"))
            for door in model.by_type("IfcDoor"):
                opening = _opening_of(door)
                elements.append(opening if opening is not None else door)
            for cls in LINK_CLASSES:
                elements.extend(model.by_type(cls))
            elements.extend(
                element
                for element in model.by_type("IfcDistributionElement")
                if is_equipment(element, self._include_network) and not _contained_in_space(element)
            )
            wanted.append((state, elements))
        total = sum(len(elements) for _, elements in wanted)
        meshes: dict[str, ElementMesh] = {}
        offset = 0
        for state, elements in wanted:
            for mesh in iter_meshes(
                state.opened.model,
                elements,
                on_progress=lambda done, base=offset: self._progress(
                    "geometry", base + done, total
                ),
            ):
                meshes[mesh.global_id] = mesh
            offset += len(elements)
        self._space_meshes = [m for m in meshes.values() if m.ifc_class == "IfcSpace"]
        return meshes

    def _federate_storeys(
        self, ordered: list[_FileState], meshes: dict[str, ElementMesh]
    ) -> dict[str, Storey]:
        result: dict[str, Storey] = {}
        for state in ordered:
            for storey_id, name, elevation in _storey_elevations(state.opened, meshes):
                match = None if state is self._host else _match_storey(name, elevation, result)
                if match is None:
                    if state is not self._host:
                        self._warn(
                            f"{state.opened.path.name}: storey {name!r} at {elevation:.2f} m "
                            "matches no storey of the host model; kept as its own storey"
                        )
                    result[storey_id] = Storey(storey_id, name, elevation)
                    state.storey_map[storey_id] = storey_id
                else:
                    host = result[match]
                    result[match] = replace(host, aliases=(*host.aliases, storey_id))
                    state.storey_map[storey_id] = match
        return result

    def _read_spaces(
        self,
        ordered: list[_FileState],
        meshes: dict[str, ElementMesh],
        storeys: dict[str, Storey],
    ) -> list[Space]:
        spaces: list[Space] = []
        by_storey_name: dict[tuple[str, str], str] = {}
        missing_geometry = 0
        for state in ordered:
            for element in state.opened.model.by_type("IfcSpace"):
                storey = state.lookups.storey_of(element)
                if storey is None or storey.GlobalId not in state.storey_map:
                    self._warn(
                        f"space {element.GlobalId} {element.Name!r} is on no storey; skipped"
                    )
                    continue
                storey_id = state.storey_map[storey.GlobalId]
                key = (storey_id, (element.Name or "").strip().casefold())
                if state is not self._host and key[1] and key in by_storey_name:
                    # The same room again in a linked model: one room, the host's.
                    state.space_map[element.GlobalId] = by_storey_name[key]
                    continue
                mesh = meshes.get(element.GlobalId)
                footprint = footprint_of(mesh) if mesh is not None else None
                if footprint is None:
                    missing_geometry += 1
                properties = plain_properties(element)
                low, high = mesh.bounds if mesh is not None else (None, None)
                spaces.append(
                    Space(
                        global_id=element.GlobalId,
                        name=str(element.Name or ""),
                        long_name=str(element.LongName or ""),
                        storey_id=storey_id,
                        object_type=str(
                            element.ObjectType
                            or ifcopenshell.util.element.get_predefined_type(element)
                            or ""
                        ),
                        footprint=footprint,
                        floor_z_m=None if low is None else low[2],
                        height_m=None if low is None or high is None else high[2] - low[2],
                        model_areas=model_areas(properties, state.opened.area_scale_m2),
                        properties=properties,
                    )
                )
                state.space_map[element.GlobalId] = element.GlobalId
                self._space_storeys[element.GlobalId] = storey_id
                by_storey_name[key] = element.GlobalId
        if missing_geometry:
            self._warn(f"{missing_geometry} space(s) without body geometry: no footprint")
        return spaces

    def _read_doors(
        self,
        ordered: list[_FileState],
        meshes: dict[str, ElementMesh],
        index: SpaceIndex,
    ) -> list[Door]:
        doors: list[Door] = []
        for state in ordered:
            model = state.opened.model
            boundaries = _door_boundaries(model, state.space_map)
            scale = state.opened.length_scale_m
            for element in model.by_type("IfcDoor"):
                storey = state.lookups.storey_of(element)
                storey_id = state.storey_map.get(storey.GlobalId) if storey is not None else None
                opening = _opening_of(element)
                mesh = meshes.get(opening.GlobalId if opening is not None else element.GlobalId)
                if storey_id is None:
                    self._warn(f"door {element.GlobalId} is on no storey; skipped")
                    continue
                outline = plan_outline(mesh) if mesh is not None else None
                if mesh is not None:
                    centre = mesh.centre
                else:
                    origin = state.lookups.placement_origin(element) or (0.0, 0.0, 0.0)
                    centre = (origin[0] * scale, origin[1] * scale, origin[2] * scale)
                    self._warn(f"door {element.GlobalId} has no geometry; placed at its origin")
                from_boundaries, external = boundaries.get(element.GlobalId, ((), False))
                space_ids = list(from_boundaries)
                source = "space_boundary" if space_ids else "none"
                if len(space_ids) < 2 and outline is not None:
                    for space_id in rooms_at_door(index, storey_id, outline):
                        if space_id not in space_ids and len(space_ids) < 2:
                            space_ids.append(space_id)
                            source = "geometry" if source == "none" else source
                doors.append(
                    Door(
                        global_id=element.GlobalId,
                        name=str(element.Name or ""),
                        storey_id=storey_id,
                        centre=centre,
                        width_m=_scaled(getattr(element, "OverallWidth", None), scale),
                        height_m=_scaled(getattr(element, "OverallHeight", None), scale),
                        opening=outline,
                        space_ids=tuple(space_ids),
                        link_source=source,
                        is_exterior=len(space_ids) == 1
                        and (external or _door_is_external(element) is not False),
                    )
                )
        return doors

    def _read_openings(self, ordered: list[_FileState]) -> list[OpenConnection]:
        """Doorless connections between rooms, from virtual space boundaries."""
        segments: list[BoundarySegment] = []
        unreadable = 0
        for state in ordered:
            for rel in state.opened.model.by_type("IfcRelSpaceBoundary"):
                if not _is_virtual_boundary(rel):
                    continue
                space = rel.RelatingSpace
                if space is None or not space.is_a("IfcSpace"):
                    continue
                space_id = state.space_map.get(space.GlobalId)
                storey_id = self._space_storeys.get(space_id or "")
                if space_id is None or storey_id is None:
                    continue
                points = _boundary_points(rel, state.opened.length_scale_m)
                if points is None:
                    unreadable += 1
                    continue
                plan = shapely.convex_hull(shapely.multipoints(points[:, :2]))
                if plan.geom_type == "Polygon":
                    plan = plan.exterior
                if plan.geom_type not in ("LineString", "LinearRing") or plan.length == 0:
                    continue  # a floor or ceiling boundary: no passage in plan
                element = rel.RelatedBuildingElement
                segments.append(
                    BoundarySegment(
                        space_id=space_id,
                        storey_id=storey_id,
                        plan=shapely.LineString(plan.coords),
                        floor_z_m=float(points[:, 2].min()),
                        element_id=element.GlobalId if element is not None else "",
                    )
                )
        if unreadable:
            self._warn(f"{unreadable} virtual space boundaries without readable geometry")
        return pair_virtual_boundaries(segments)

    def _read_links(
        self,
        ordered: list[_FileState],
        meshes: dict[str, ElementMesh],
        storeys: dict[str, Storey],
    ) -> list[VerticalLink]:
        levels = sorted(
            ((s.global_id, s.elevation_m) for s in storeys.values()), key=lambda p: p[1]
        )
        links: list[VerticalLink] = []
        for state in ordered:
            model = state.opened.model
            for cls, kind in LINK_CLASSES.items():
                for element in model.by_type(cls, include_subtypes=False):
                    parent = ifcopenshell.util.element.get_aggregate(element)
                    if cls.endswith("Flight") and parent is not None and parent.is_a(cls[:-6]):
                        continue  # a flight of a stair or ramp: read with its parent
                    parts = [element, *ifcopenshell.util.element.get_parts(element)]
                    part_meshes = [meshes[p.GlobalId] for p in parts if p.GlobalId in meshes]
                    footprints = [f for f in map(footprint_of, part_meshes) if f is not None]
                    z_low = min((m.bounds[0][2] for m in part_meshes), default=None)
                    z_high = max((m.bounds[1][2] for m in part_meshes), default=None)
                    served = {
                        state.storey_map[s.GlobalId]
                        for s in [storey_of(element), *referenced_storeys(element)]
                        if s is not None and s.GlobalId in state.storey_map
                    }
                    if z_low is not None and z_high is not None:
                        served.update(
                            storey_id
                            for storey_id, elevation in levels
                            if z_low - LINK_STOREY_TOLERANCE_M
                            <= elevation
                            <= z_high + LINK_STOREY_TOLERANCE_M
                        )
                    if not part_meshes:
                        self._warn(f"{cls} {element.GlobalId} has no geometry")
                    footprint = shapely.union_all(footprints) if footprints else None
                    links.append(
                        VerticalLink(
                            global_id=element.GlobalId,
                            kind=_link_kind(element, kind),
                            name=str(element.Name or ""),
                            storey_ids=tuple(
                                storey_id for storey_id, _ in levels if storey_id in served
                            ),
                            footprint=footprint,
                            z_min_m=z_low,
                            z_max_m=z_high,
                            ifc_class=element.is_a(),
                        )
                    )
        return links

    def _read_equipment(
        self,
        ordered: list[_FileState],
        meshes: dict[str, ElementMesh],
        storeys: dict[str, Storey],
        index: SpaceIndex,
    ) -> list[Equipment]:
        levels = [(s.global_id, s.elevation_m) for s in storeys.values()]
        records: list[Equipment] = []
        to_locate: dict[str, list[int]] = defaultdict(list)
        for state in ordered:
            model = state.opened.model
            scale = state.opened.length_scale_m
            for element in model.by_type("IfcDistributionElement"):
                if not is_equipment(element, self._include_network):
                    continue
                mesh = meshes.get(element.GlobalId)
                if mesh is not None:
                    centre = mesh.centre
                    bbox_min, bbox_max = mesh.bounds
                else:
                    origin = state.lookups.placement_origin(element)
                    centre = None if origin is None else tuple(v * scale for v in origin)  # type: ignore[assignment]
                    bbox_min = bbox_max = None
                container = spatial_parent(element)
                space_id = None
                if container is not None and container.is_a("IfcSpace"):
                    space_id = state.space_map.get(container.GlobalId)
                storey = state.lookups.storey_of(element)
                storey_id = state.storey_map.get(storey.GlobalId) if storey is not None else None
                if storey_id is None and centre is not None:
                    storey_id = storey_for_height(levels, centre[2])
                element_type = ifcopenshell.util.element.get_type(element)
                record = Equipment(
                    global_id=element.GlobalId,
                    ifc_class=element.is_a(),
                    name=str(element.Name or ""),
                    tag=str(getattr(element, "Tag", None) or ""),
                    predefined_type=str(
                        ifcopenshell.util.element.get_predefined_type(element) or ""
                    ),
                    type_name=str(element_type.Name or "") if element_type is not None else "",
                    storey_id=storey_id,
                    space_id=space_id,
                    location="contained" if space_id else "unlocated",
                    centre=centre,
                    bbox_min=bbox_min,
                    bbox_max=bbox_max,
                    properties=plain_properties(element),
                    classifications=classification_codes(element),
                    source=state.opened.path.name,
                )
                if space_id is None and centre is not None and storey_id is not None:
                    to_locate[storey_id].append(len(records))
                records.append(record)
        for storey_id, positions in to_locate.items():
            points = np.array([records[i].centre[:2] for i in positions])  # type: ignore[index]
            for position, found in zip(positions, index.locate(storey_id, points), strict=True):
                if found.space_id is not None:
                    records[position] = replace(
                        records[position], space_id=found.space_id, location=found.method
                    )
        return records

    def _read_zones(self, ordered: list[_FileState]) -> list[Zone]:
        zones = []
        for state in ordered:
            for zone in state.opened.model.by_type("IfcZone"):
                members = [
                    state.space_map[obj.GlobalId]
                    for rel in zone.IsGroupedBy or ()
                    for obj in rel.RelatedObjects
                    if obj.is_a("IfcSpace") and obj.GlobalId in state.space_map
                ]
                zones.append(
                    Zone(zone.GlobalId, str(zone.Name or ""), tuple(dict.fromkeys(members)))
                )
        return zones

    # ------------------------------------------------------------------ pass 2
    def scene_meshes(self) -> Iterator[tuple[str | None, ElementMesh]]:
        """Meshes for the 3D scene, each with its (host) storey GlobalId.

        Spaces come from pass 1 (call :meth:`read_building` first); every
        other product with a body is meshed now, except the openings doors
        fill, which are voids, not things.
        """
        states = [self._host] + [s for s in self._files if s is not self._host]
        for number, state in enumerate(states):
            model = state.opened.model
            by_id = {}
            for element in model.by_type("IfcProduct"):
                if element.is_a("IfcSpatialStructureElement") and not element.is_a("IfcSpace"):
                    continue
                if element.is_a("IfcOpeningElement") or element.is_a("IfcVirtualElement"):
                    continue
                if element.is_a("IfcSpace"):
                    continue
                if getattr(element, "Representation", None) is None:
                    continue
                by_id[element.GlobalId] = element
            total = len(by_id)
            for mesh in iter_meshes(
                model,
                list(by_id.values()),
                on_progress=lambda done, n=number, t=total: self._progress(
                    f"scene {n + 1}", done, t
                ),
            ):
                storey = state.lookups.storey_of(by_id[mesh.global_id])
                yield (state.storey_map.get(storey.GlobalId) if storey is not None else None), mesh
        for mesh in self._space_meshes:
            yield self._space_storeys.get(mesh.global_id), mesh


def _opening_of(door: ifcopenshell.entity_instance) -> ifcopenshell.entity_instance | None:
    for rel in getattr(door, "FillsVoids", None) or ():
        return rel.RelatingOpeningElement
    return None


def _contained_in_space(element: ifcopenshell.entity_instance) -> bool:
    container = spatial_parent(element)
    return container is not None and container.is_a("IfcSpace")


def _scaled(value: float | None, scale: float) -> float | None:
    return None if value is None else float(value) * scale


def _door_is_external(door: ifcopenshell.entity_instance) -> bool | None:
    value = plain_properties(door).get("Pset_DoorCommon", {}).get("IsExternal")
    return value if isinstance(value, bool) else None


def _link_kind(element: ifcopenshell.entity_instance, default: LinkKind) -> LinkKind:
    if default != "lift":
        return default
    predefined = str(ifcopenshell.util.element.get_predefined_type(element) or "").upper()
    if predefined in ("ESCALATOR", "MOVINGWALKWAY"):
        return "stair" if predefined == "ESCALATOR" else "ramp"
    return "lift"


def _is_virtual_boundary(rel: ifcopenshell.entity_instance) -> bool:
    element = rel.RelatedBuildingElement
    return rel.PhysicalOrVirtualBoundary == "VIRTUAL" or (
        element is not None and element.is_a("IfcVirtualElement")
    )


def _boundary_points(rel: ifcopenshell.entity_instance, scale: float) -> np.ndarray | None:
    """World points (metres, (n, 3)) of a space boundary's surface, or ``None``.

    Reads the two forms our models use: a swept polyline
    (IfcSurfaceOfLinearExtrusion, Revit) and a plane bounded by polylines
    (IfcCurveBoundedPlane, ArchiCAD); both are given in the relating space's
    object frame.
    """
    geometry = rel.ConnectionGeometry
    surface = getattr(geometry, "SurfaceOnRelatingElement", None)
    space = rel.RelatingSpace
    if surface is None or getattr(space, "ObjectPlacement", None) is None:
        return None
    local: list[list[float]] = []
    if surface.is_a("IfcSurfaceOfLinearExtrusion"):
        curve = getattr(surface.SweptCurve, "Curve", None)
        position = surface.Position
        local = _polyline_points(curve)
    elif surface.is_a("IfcCurveBoundedPlane"):
        position = surface.BasisSurface.Position
        boundary = surface.OuterBoundary
        for segment in getattr(boundary, "Segments", None) or ():
            local.extend(_polyline_points(segment.ParentCurve))
        if not getattr(boundary, "Segments", None):
            local = _polyline_points(boundary)
    else:
        return None
    if not local:
        return None
    frame = np.asarray(ifcopenshell.util.placement.get_local_placement(space.ObjectPlacement))
    if position is not None:
        frame = frame @ np.asarray(ifcopenshell.util.placement.get_axis2placement(position))
    # 2D polyline points lie in the surface's XY plane: z = 0 there.
    homogeneous = np.array([[*(p + [0.0] * (3 - len(p)))[:3], 1.0] for p in local])
    world = (frame @ homogeneous.T).T[:, :3]
    return world * scale


def _polyline_points(curve: ifcopenshell.entity_instance | None) -> list[list[float]]:
    if curve is None or not curve.is_a("IfcPolyline"):
        return []
    return [list(map(float, point.Coordinates)) for point in curve.Points]


def _door_boundaries(
    model: ifcopenshell.file, space_map: dict[str, str]
) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Door GlobalId -> (spaces it bounds, whether a boundary says external)."""
    found: dict[str, dict[str, None]] = defaultdict(dict)
    external: dict[str, bool] = defaultdict(bool)
    for rel in model.by_type("IfcRelSpaceBoundary"):
        element = rel.RelatedBuildingElement
        if element is None:
            continue
        if element.is_a("IfcOpeningElement"):
            fillings = [f.RelatedBuildingElement for f in element.HasFillings or ()]
            element = next((f for f in fillings if f.is_a("IfcDoor")), None)
        if element is None or not element.is_a("IfcDoor"):
            continue
        space = rel.RelatingSpace
        if space is None:
            continue
        if space.is_a("IfcSpace") and space.GlobalId in space_map:
            found[element.GlobalId][space_map[space.GlobalId]] = None
        elif not space.is_a("IfcSpace"):
            external[element.GlobalId] = True  # IfcExternalSpatialElement: outside
        if getattr(rel, "InternalOrExternalBoundary", None) in ("EXTERNAL", "EXTERNAL_EARTH"):
            external[element.GlobalId] = True
    return {door: (tuple(spaces)[:2], external[door]) for door, spaces in found.items()} | {
        door: ((), True) for door in external if door not in found
    }


def _storey_elevations(
    opened: OpenedModel, meshes: dict[str, ElementMesh]
) -> list[tuple[str, str, float]]:
    """``(global_id, name, elevation_m)`` of each storey of one file.

    The world Z of the storey's placement is its level where storeys are
    placed at distinct heights (what Revit, ArchiCAD and BlenderBIM write).
    Where every storey sits at the same placement, the ``Elevation``
    attribute is taken; a storey with neither takes its level from the lowest
    floor of its spaces.
    """
    model = opened.model
    scale = opened.length_scale_m
    storeys = model.by_type("IfcBuildingStorey")
    placed = {s.GlobalId: placement_origin(s) for s in storeys}
    heights = {round(origin[2] * scale, 3) for origin in placed.values() if origin is not None}
    distinct = len(heights) == len(storeys) or len(storeys) == 1
    result = []
    for storey in storeys:
        origin = placed[storey.GlobalId]
        elevation: float | None = None
        if origin is not None and distinct:
            elevation = origin[2] * scale
        elif storey.Elevation is not None:
            elevation = storey.Elevation * scale + (
                origin[2] * scale if origin is not None else 0.0
            )
        else:
            floors = [
                meshes[space.GlobalId].bounds[0][2]
                for space in model.by_type("IfcSpace")
                if storey_of(space) == storey and space.GlobalId in meshes
            ]
            elevation = min(floors) if floors else (origin[2] * scale if origin else 0.0)
        result.append((storey.GlobalId, str(storey.Name or ""), float(elevation)))
    return result


def _match_storey(name: str, elevation: float, host: dict[str, Storey]) -> str | None:
    key = name.strip().casefold()
    for storey in host.values():
        if key and storey.name.strip().casefold() == key:
            return storey.global_id
    closest = min(host.values(), key=lambda s: abs(s.elevation_m - elevation), default=None)
    if closest is not None and abs(closest.elevation_m - elevation) <= STOREY_MATCH_M:
        return closest.global_id
    return None
