"""Read queries over registered buildings: what the API and the viewer ask.

:class:`BuildingQueries` answers per building id: the building list and
summary, storeys, rooms (filtered), a room's detail with its equipment,
devices and occupants, any element by GlobalId, search, routes and rounds.
Indexes (router, room types, equipment per room) are built once per loaded
version of a building (:class:`BuildingView`) and dropped when the building is
replaced.

Personal data (occupants' names and person ids) is returned only when the
caller passes ``personal=True``; otherwise a room shows counts and
departments. The caller (the API) decides from the key's role.

Over 400 lines: one method per question the API asks of a building, each short;
records live in :mod:`twin.buildings.results`, routes in :mod:`twin.navigation`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from shapely.geometry import MultiPolygon, Polygon

from spatial.areas import usable_area
from spatial.records import Building, Equipment, Space
from spatial.usage import GROUP_BY, group_usage, room_usage, vacant_rooms
from twin import today_utc
from twin.buildings.errors import (
    BadQueryError,
    BuildingNotReadyError,
    QueryError,
    UnknownElementError,
    UnknownStoreyError,
)
from twin.buildings.ingest import IngestResult, ingest_summary
from twin.buildings.registry import UnknownBuildingError
from twin.buildings.results import (
    AREA_DIGITS,
    COORD_DIGITS,
    BuildingListing,
    BuildingState,
    BuildingSummary,
    DeviceStatus,
    ElementInfo,
    ElementKind,
    EquipmentInfo,
    Occupant,
    RoomOccupancy,
    Scene,
    SearchHit,
    SpaceDetail,
    SpaceInfo,
    StoreyInfo,
    UsageReport,
)
from twin.housing.allocations.occupancy import occupancy_on
from twin.housing.allocations.store import AllocationStore
from twin.navigation.navigator import Navigator
from twin.service import Twin

__all__ = [
    "BadQueryError",
    "BuildingNotReadyError",
    "BuildingQueries",
    "BuildingView",
    "QueryError",
    "UnknownElementError",
    "UnknownStoreyError",
]

log = logging.getLogger(__name__)

#: Largest number of search hits returned.
MAX_SEARCH_HITS = 200


@dataclass(frozen=True)
class Element:
    """An element found by GlobalId: its kind and record."""

    kind: ElementKind
    record: Any


class BuildingView:
    """One loaded version of a building with the indexes queries need."""

    def __init__(self, building_id: str, result: IngestResult) -> None:
        self.building_id = building_id
        self.result = result
        self._scene: Scene | None = None
        building = result.building
        self.building: Building = building
        self.router = result.router()
        self.room_types: dict[str, str] = dict(self.router.room_types)
        self.storey_names = {s.global_id: s.name for s in building.storeys}
        for storey in building.storeys:
            for alias in storey.aliases:
                self.storey_names[alias] = storey.name
        self.spaces = {s.global_id: s for s in building.spaces}
        self.equipment_by_space: dict[str, list[Equipment]] = defaultdict(list)
        for item in building.equipment:
            if item.space_id:
                self.equipment_by_space[item.space_id].append(item)
        self.elements: dict[str, Element] = {}
        for storey in building.storeys:
            self.elements[storey.global_id] = Element("storey", storey)
        for space in building.spaces:
            self.elements[space.global_id] = Element("space", space)
        for door in building.doors:
            self.elements[door.global_id] = Element("door", door)
        for link in building.links:
            self.elements[link.global_id] = Element(link.kind, link)
        for item in building.equipment:
            self.elements[item.global_id] = Element("equipment", item)
        for zone in building.zones:
            self.elements[zone.global_id] = Element("zone", zone)

    def scene(self) -> Scene:
        """The GLB and its SHA-256, hashed once per loaded version."""
        if self._scene is None:
            glb = self.result.glb
            if glb is None:
                raise UnknownElementError(f"building {self.building_id!r} has no 3D scene")
            self._scene = Scene(glb, hashlib.sha256(glb).hexdigest())
        return self._scene

    def element(self, global_id: str) -> Element:
        try:
            return self.elements[global_id]
        except KeyError:
            raise UnknownElementError(
                f"no element {global_id!r} in building {self.building_id!r}"
            ) from None


class BuildingQueries:
    """Read queries over the twin's registered buildings."""

    def __init__(self, twin: Twin) -> None:
        self.twin = twin
        self._views: dict[str, tuple[int, BuildingView]] = {}
        self._failed: dict[str, str] = {}
        self._stores: dict[str, AllocationStore] = {}
        self._navigators: dict[str, Navigator] = {}
        self._lock = threading.Lock()

    # ----------------------------------------------------------- buildings
    def preload(self) -> None:
        """Load every registered building (the service's start-up, in the background)."""
        for building_id in self.twin.buildings.ids():
            with contextlib.suppress(QueryError, UnknownBuildingError):
                self.view(building_id)

    def state(self, building_id: str) -> BuildingState:
        if building_id in self._failed:
            return "failed"
        return "ready" if self.twin.buildings.is_loaded(building_id) else "loading"

    def view(self, building_id: str) -> BuildingView:
        """The building's current version with its indexes (loaded on first use).

        Raises
        ------
        UnknownBuildingError
        BuildingNotReadyError
            When the registered files cannot be read.
        """
        registry = self.twin.buildings
        try:
            result = registry.load(building_id)
        except UnknownBuildingError:
            raise
        except Exception as exc:  # an unreadable registered model must not break the service
            self._failed[building_id] = str(exc)
            log.error("building %s cannot be loaded: %s", building_id, exc)
            raise BuildingNotReadyError(f"building {building_id!r} cannot be loaded") from None
        self._failed.pop(building_id, None)
        version = registry.version.get(building_id, 0)
        with self._lock:
            cached = self._views.get(building_id)
            if cached is not None and cached[0] == version and cached[1].result is result:
                return cached[1]
        built = BuildingView(building_id, result)
        with self._lock:
            self._views[building_id] = (version, built)
        return built

    def buildings(self, allowed: frozenset[str] | None = None) -> list[BuildingListing]:
        """Registered buildings (only ``allowed`` ones when given), with load state."""
        out = []
        for building_id in self.twin.buildings.ids():
            if allowed and building_id not in allowed:
                continue
            entry = self.twin.buildings.entry(building_id)
            state = self.state(building_id)
            if state != "ready":
                out.append(BuildingListing(building_id, tuple(entry.names), state))
                continue
            building = self.twin.buildings.load(building_id).building
            out.append(
                BuildingListing(
                    building_id,
                    tuple(entry.names),
                    state,
                    name=building.name,
                    storeys=len(building.storeys),
                    spaces=len(building.spaces),
                )
            )
        return out

    def summary(self, building_id: str) -> BuildingSummary:
        """The ``twin ingest --json`` summary of the building, with its id."""
        view = self.view(building_id)
        read = ingest_summary(view.result)
        return BuildingSummary(
            **{f.name: getattr(read, f.name) for f in fields(read)},
            id=building_id,
            files=tuple(self.twin.buildings.entry(building_id).names),
            devices=len(self.twin.devices.devices(building_id)),
        )

    def scene(self, building_id: str) -> Scene:
        """The building's GLB scene (one node per element named by GlobalId) and its hash.

        Raises
        ------
        UnknownElementError
            When the building was read without a 3D scene.
        """
        return self.view(building_id).scene()

    def storeys(self, building_id: str) -> list[StoreyInfo]:
        """Storeys, bottom to top as modelled, with their number of rooms."""
        view = self.view(building_id)
        counts: dict[str, int] = defaultdict(int)
        for space in view.building.spaces:
            counts[space.storey_id] += 1
        return [
            StoreyInfo(
                s.global_id, s.name, round(s.elevation_m, COORD_DIGITS), counts.get(s.global_id, 0)
            )
            for s in view.building.storeys
        ]

    def spaces(
        self,
        building_id: str,
        *,
        storey: str | None = None,
        room_type: str | None = None,
        name: str | None = None,
    ) -> list[SpaceInfo]:
        """Rooms, filtered by storey (GlobalId or name), room type and a name fragment.

        Raises
        ------
        UnknownStoreyError
        """
        view = self.view(building_id)
        storey_ids: set[str] | None = None
        if storey:
            storey_ids = {gid for gid, n in view.storey_names.items() if storey in (gid, n)}
            if not storey_ids:
                names = tuple(s.name for s in view.building.storeys)
                raise UnknownStoreyError(storey, names, building=building_id)
        needle = name.casefold() if name else None
        out = []
        for space in view.building.spaces:
            if storey_ids is not None and space.storey_id not in storey_ids:
                continue
            if room_type and view.room_types.get(space.global_id) != room_type:
                continue
            if needle and needle not in space.label.casefold():
                continue
            out.append(_space_info(view, space))
        return out

    def space_detail(
        self, building_id: str, global_id: str, *, personal: bool, on_date: date | None = None
    ) -> SpaceDetail:
        """A room: area, type, outline, equipment, devices with live status, occupants.

        ``occupants`` lists names and person ids only with ``personal``; the
        count and departments are always given. ``on_date`` defaults to today (UTC).
        """
        view = self.view(building_id)
        space = view.spaces.get(global_id)
        if space is None:
            raise UnknownElementError(f"no room {global_id!r} in building {building_id!r}")
        devices = [
            d for d in self.twin.devices.devices(building_id) if d.space_id == space.global_id
        ]
        # Snapshot only this room's devices: a building may have thousands.
        day = on_date or today_utc()
        records = self.allocations(building_id).valid_on(day, room_global_id=global_id)
        occupants = tuple(
            Occupant(a.person_id, a.name, a.department, a.rank, a.valid_from, a.valid_to)
            for a in records
        )
        info = _space_info(view, space)
        return SpaceDetail(
            **{f.name: getattr(info, f.name) for f in fields(info)},
            zones=tuple(space.zones),
            height_m=_round(space.height_m),
            floor_z_m=_round(space.floor_z_m),
            footprint=_rings(space.footprint),
            model_areas={k: round(v, AREA_DIGITS) for k, v in space.model_areas.items()},
            equipment=tuple(
                _equipment_info(item, view) for item in view.equipment_by_space[global_id]
            ),
            devices=tuple(
                DeviceStatus(d.device_id, d.global_id, self.twin.devices.state(d.device_id).status)
                for d in devices
            ),
            occupancy=RoomOccupancy(
                date=day,
                count=len({a.person_id for a in records}),
                departments=tuple(sorted({a.department for a in records})),
                occupants=occupants if personal else None,
            ),
        )

    def element(self, building_id: str, global_id: str) -> ElementInfo:
        """Any element by GlobalId: kind, name, storey, properties, and its devices."""
        view = self.view(building_id)
        found = view.element(global_id)
        record = found.record
        storey: str | None = None
        properties: dict[str, Any] = {}
        equipment: EquipmentInfo | None = None
        if found.kind == "space":
            storey = view.storey_names.get(record.storey_id)
            properties = _jsonable(record.properties)
        elif found.kind == "door":
            storey = view.storey_names.get(record.storey_id)
            properties = {
                "width_m": _round(record.width_m),
                "spaces": list(record.space_ids),
                "exterior": record.is_exterior,
            }
        elif found.kind in ("stair", "ramp", "lift"):
            properties = {"storeys": [view.storey_names.get(s) for s in record.storey_ids]}
        elif found.kind == "equipment":
            equipment = _equipment_info(record, view)
            storey = equipment.storey
            properties = _jsonable(record.properties)
        elif found.kind == "zone":
            properties = {"spaces": list(record.space_ids)}
        elif found.kind == "storey":
            properties = {"elevation_m": round(record.elevation_m, COORD_DIGITS)}
        return ElementInfo(
            global_id=global_id,
            kind=found.kind,
            name=getattr(record, "name", ""),
            storey=storey,
            space_id=equipment.space_id if equipment else None,
            ifc_class=getattr(record, "ifc_class", "") or None,
            properties=properties,
            devices=tuple(
                DeviceStatus(d.device_id, d.global_id, self.twin.devices.state(d.device_id).status)
                for d in self.twin.devices.devices(building_id)
                if d.global_id == global_id
            ),
            tag=equipment.tag if equipment else None,
            centre=equipment.centre if equipment else None,
        )

    def search(self, building_id: str, text: str, *, limit: int = 50) -> list[SearchHit]:
        """Rooms, equipment, doors and storeys whose number, name, tag or GlobalId
        contains ``text`` (case-insensitive); exact matches first."""
        view = self.view(building_id)
        needle = text.strip().casefold()
        if not needle:
            return []
        hits: list[tuple[int, SearchHit]] = []
        for global_id, found in view.elements.items():
            record = found.record
            words = [global_id, getattr(record, "name", ""), getattr(record, "long_name", "")]
            words.append(getattr(record, "tag", ""))
            folded = [w.casefold() for w in words if w]
            if not any(needle in w for w in folded):
                continue
            rank = 0 if needle in folded else 1
            storey_id = getattr(record, "storey_id", None)
            storey = view.storey_names.get(storey_id) if storey_id else None
            hits.append((rank, SearchHit(found.kind, global_id, _label(record), storey)))
        hits.sort(key=lambda h: (h[0], h[1].kind != "space", h[1].name))
        return [h for _, h in hits[: min(limit, MAX_SEARCH_HITS)]]

    # -------------------------------------------------------------- routes
    def navigator(self, building_id: str) -> Navigator:
        """Routes and rounds over the building's current version, with the twin's
        alarms, work orders and faulty lifts (:mod:`twin.navigation`)."""
        view = self.view(building_id)
        with self._lock:
            found = self._navigators.get(building_id)
            if found is None or found.router is not view.router:
                found = Navigator(view.router, building_id=building_id, devices=self.twin.devices)
                self._navigators[building_id] = found
        return found

    # --------------------------------------------------------------- usage
    def allocations(self, building_id: str) -> AllocationStore:
        """The building's allocation store (on the twin's database), made once."""
        with self._lock:
            store = self._stores.get(building_id)
            if store is None:
                store = self._stores[building_id] = AllocationStore(
                    self.twin.engine, building_id=building_id
                )
            return store

    def usage(self, building_id: str, *, by: str, on_date: date | None = None) -> UsageReport:
        """Rooms and usable area grouped ``by`` storey, type, zone, department or
        building, with occupancy from the building's allocations on the date
        (today, UTC)."""
        if by not in GROUP_BY:
            raise BadQueryError(f"by={by!r}: use one of {', '.join(GROUP_BY)}")
        view = self.view(building_id)
        day = on_date or today_utc()
        occupancy = occupancy_on(self.allocations(building_id).all(), day)
        rooms = room_usage(view.building, room_types=view.room_types, occupancy=occupancy)
        return UsageReport(
            building=view.building.name,
            by=by,
            total=group_usage(rooms, "building")[0] if rooms else None,
            groups=group_usage(rooms, by),  # type: ignore[arg-type]
            rooms=rooms,
            vacant=vacant_rooms(rooms) if occupancy else (),
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, COORD_DIGITS)


def _rings(
    footprint: Polygon | MultiPolygon | None,
) -> tuple[tuple[tuple[float, float], ...], ...] | None:
    """Exterior rings of the footprint as ``((x, y), ...)`` (world metres)."""
    if footprint is None:
        return None
    polygons = footprint.geoms if isinstance(footprint, MultiPolygon) else [footprint]
    return tuple(
        tuple((round(x, COORD_DIGITS), round(y, COORD_DIGITS)) for x, y, *_ in p.exterior.coords)
        for p in polygons
    )


def _space_info(view: BuildingView, space: Space) -> SpaceInfo:
    area = usable_area(space)
    return SpaceInfo(
        global_id=space.global_id,
        name=space.name,
        long_name=space.long_name,
        storey_id=space.storey_id,
        storey=view.storey_names.get(space.storey_id, ""),
        room_type=view.room_types.get(space.global_id, "other"),
        area_m2=None if area.area_m2 is None else round(area.area_m2, AREA_DIGITS),
        area_source=area.source,
    )


def _label(record: Any) -> str:
    if isinstance(record, Space):
        return record.label
    if isinstance(record, Equipment):
        return " ".join(p for p in (record.tag, record.name) if p) or record.global_id
    return str(getattr(record, "name", "") or getattr(record, "global_id", ""))


def _equipment_info(item: Equipment, view: BuildingView) -> EquipmentInfo:
    centre = None
    if item.centre is not None:
        x, y, z = (round(float(v), COORD_DIGITS) for v in item.centre)
        centre = (x, y, z)
    return EquipmentInfo(
        global_id=item.global_id,
        ifc_class=item.ifc_class,
        name=item.name,
        tag=item.tag,
        storey=view.storey_names.get(item.storey_id) if item.storey_id else None,
        space_id=item.space_id,
        centre=centre,
    )


def _jsonable(value: Any) -> Any:
    """Property values as JSON types (IFC values may be tuples, sets or objects)."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    return str(value)
