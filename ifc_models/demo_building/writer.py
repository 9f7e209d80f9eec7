"""Write a :class:`~ifc_models.demo_building.layout.BuildingPlan` as IFC.

The project, units, representation contexts, spatial structure, type objects
and classification are authored with ``ifcopenshell.api``. The thousands of
rooms, walls, doors, openings and devices, and their relationships, are
created with ``file.create_entity``: the API's per-call bookkeeping
(re-localising placements, owner-history records) would dominate the run time
of a 2,000-room building, and these entities are simple and fully specified
here.

Units and frame: the plan is in integer millimetres; every length written is
``mm / 1000`` in a metre file and ``mm`` in a millimetre file. Areas are
always m² and volumes m³ (SI units of the project). Storey placements sit at
their elevation; all element placements are relative to their storey (or, for
equipment, to their room, which sits at the storey origin), so plan
coordinates are world X/Y.

Geometry is simple swept solids only (``IfcExtrudedAreaSolid`` of rectangle
or polyline profiles) so ``ifcopenshell.geom`` meshes it fast and exactly.
"""

from __future__ import annotations

import pathlib
from collections import defaultdict

import ifcopenshell
import ifcopenshell.api.aggregate
import ifcopenshell.api.classification
import ifcopenshell.api.context
import ifcopenshell.api.owner
import ifcopenshell.api.root
import ifcopenshell.api.spatial
import ifcopenshell.api.type
import ifcopenshell.api.unit

from ifc_models.demo_building import ids
from ifc_models.demo_building.classes import equipment_classes
from ifc_models.demo_building.layout import (
    CLEAR_HEIGHT_MM,
    EQUIPMENT_KINDS,
    OUTSIDE,
    SLAB_MM,
    STAIR_RISE_MM,
    STAIR_RISERS,
    STAIR_TREAD_MM,
    STAIR_WIDTH_MM,
    WALL_HEIGHT_MM,
    BuildingPlan,
    Rect,
    RoomPlan,
)

#: Fixed header and owner-history values: the same arguments must give the
#: same bytes, so nothing here may depend on the clock or the user.
TIMESTAMP = "2024-01-01T00:00:00"
CREATION_EPOCH = 1704067200  # 2024-01-01T00:00:00Z
AUTHOR = "bim-facility-twin demo generator"
ORGANIZATION = "bim-facility-twin"
BUILDING_NAME = "某市机关办公楼"
CLASSIFICATION_NAME = "DemoRoomTypes"

#: Chinese names of the room categories, used for the classification.
CATEGORY_NAMES = {
    "archive": "档案室",
    "corridor": "走廊",
    "it": "弱电间",
    "lift_lobby": "电梯厅",
    "lift_shaft": "电梯井",
    "lobby": "门厅",
    "meeting": "会议室",
    "office": "办公室",
    "open_office": "开放办公区",
    "plant": "空调机房",
    "reception": "接待室",
    "stair": "楼梯间",
    "tea": "茶水间",
    "toilet": "卫生间",
}

_DOOR_OPERATION = {
    "single": "SINGLE_SWING_LEFT",
    "double": "DOUBLE_DOOR_SINGLE_SWING",
    "lift": "DOUBLE_DOOR_SLIDING",
}


class _Writer:
    def __init__(self, plan: BuildingPlan, *, seed: int, schema: str, units: str) -> None:
        self.plan = plan
        self.seed = seed
        self.schema = schema
        self.is2x3 = schema == "IFC2X3"
        self.mm = units == "mm"
        self.f = ifcopenshell.file(schema=schema)
        self.mine: set[int] = set()
        self._solids: dict[tuple[float, float, float], ifcopenshell.entity_instance] = {}

    # --- small geometry helpers -------------------------------------------

    def L(self, mm: float) -> float:
        """A plan length in file units."""
        return float(mm) if self.mm else mm / 1000.0

    def root(self, ifc_class: str, role: str, **attrs) -> ifcopenshell.entity_instance:
        entity = self.f.create_entity(
            ifc_class, GlobalId=ids.guid_for(self.seed, role), OwnerHistory=self.owner, **attrs
        )
        self.mine.add(entity.id())
        return entity

    def claim(self, entity: ifcopenshell.entity_instance, role: str) -> None:
        """Give an API-created root its deterministic GlobalId."""
        entity.GlobalId = ids.guid_for(self.seed, role)
        self.mine.add(entity.id())

    def point(self, *coords: float) -> ifcopenshell.entity_instance:
        return self.f.create_entity("IfcCartesianPoint", Coordinates=tuple(map(float, coords)))

    def placement(self, rel_to, x_mm=0.0, y_mm=0.0, z_mm=0.0, along_x=True):
        """A local placement; ``along_x=False`` turns local X to world Y."""
        if along_x:
            axis = self.f.create_entity(
                "IfcAxis2Placement3D", Location=self.point(self.L(x_mm), self.L(y_mm), self.L(z_mm))
            )
        else:
            axis = self.f.create_entity(
                "IfcAxis2Placement3D",
                Location=self.point(self.L(x_mm), self.L(y_mm), self.L(z_mm)),
                Axis=self.dir_z,
                RefDirection=self.dir_y,
            )
        return self.f.create_entity(
            "IfcLocalPlacement", PlacementRelTo=rel_to, RelativePlacement=axis
        )

    def shape(self, items, rep_type="SweptSolid"):
        rep = self.f.create_entity(
            "IfcShapeRepresentation",
            ContextOfItems=self.body,
            RepresentationIdentifier="Body",
            RepresentationType=rep_type,
            Items=items,
        )
        return self.f.create_entity("IfcProductDefinitionShape", Representations=[rep])

    def box(self, dx_mm, dy_mm, dz_mm):
        """A box centred on the local origin in plan, from z=0 up."""
        key = (dx_mm, dy_mm, dz_mm)
        solid = self._solids.get(key)
        if solid is None:
            profile = self.f.create_entity(
                "IfcRectangleProfileDef",
                ProfileType="AREA",
                Position=self.origin2,
                XDim=self.L(dx_mm),
                YDim=self.L(dy_mm),
            )
            # Representation items may be shared between products; the
            # representations themselves may not.
            solid = self.f.create_entity(
                "IfcExtrudedAreaSolid",
                SweptArea=profile,
                Position=self.origin3,
                ExtrudedDirection=self.dir_z,
                Depth=self.L(dz_mm),
            )
            self._solids[key] = solid
        return self.shape([solid])

    def polyline(self, pts) -> ifcopenshell.entity_instance:
        points = [self.f.create_entity("IfcCartesianPoint", (self.L(x), self.L(y))) for x, y in pts]
        return self.f.create_entity("IfcPolyline", Points=[*points, points[0]])

    def prism(self, outline, height_mm, holes=()):
        if holes:
            profile = self.f.create_entity(
                "IfcArbitraryProfileDefWithVoids",
                ProfileType="AREA",
                OuterCurve=self.polyline(outline),
                InnerCurves=[self.polyline(h) for h in holes],
            )
        else:
            profile = self.f.create_entity(
                "IfcArbitraryClosedProfileDef",
                ProfileType="AREA",
                OuterCurve=self.polyline(outline),
            )
        solid = self.f.create_entity(
            "IfcExtrudedAreaSolid",
            SweptArea=profile,
            Position=self.origin3,
            ExtrudedDirection=self.dir_z,
            Depth=self.L(height_mm),
        )
        return self.shape([solid])

    def rect_shape(self, rect: Rect, height_mm, along_x: bool):
        """Box of a wall/door rectangle, for a placement at its centre."""
        length, thick = (rect.width, rect.depth) if along_x else (rect.depth, rect.width)
        return self.box(length, thick, height_mm)

    def rel(self, ifc_class: str, role: str, **attrs) -> ifcopenshell.entity_instance:
        return self.root(ifc_class, f"rel:{role}", **attrs)

    # --- the model ----------------------------------------------------------

    def setup(self) -> None:
        f = self.f
        header = f.header
        header.file_name.name = "demo_office_building.ifc"
        header.file_name.time_stamp = TIMESTAMP
        header.file_name.author = (AUTHOR,)
        header.file_name.organization = (ORGANIZATION,)
        header.file_name.preprocessor_version = "IfcOpenShell"
        header.file_name.originating_system = "bim-facility-twin demo_building"
        header.file_name.authorization = "none"
        header.file_description.description = ("ViewDefinition [CoordinationView]",)

        person = ifcopenshell.api.owner.add_person(
            f, identification="demo", family_name="Generator", given_name="Demo"
        )
        org = ifcopenshell.api.owner.add_organisation(f, identification="BFT", name=ORGANIZATION)
        user = ifcopenshell.api.owner.add_person_and_organisation(
            f, person=person, organisation=org
        )
        app = ifcopenshell.api.owner.add_application(
            f,
            application_developer=org,
            version="0.1.0",
            application_full_name="bim-facility-twin demo building generator",
            application_identifier="bim-facility-twin",
        )
        self.owner = f.create_entity(
            "IfcOwnerHistory",
            OwningUser=user,
            OwningApplication=app,
            State="READWRITE",
            ChangeAction="NOCHANGE",
            CreationDate=CREATION_EPOCH,
        )
        self.project = ifcopenshell.api.root.create_entity(
            f, ifc_class="IfcProject", name=BUILDING_NAME
        )
        self.claim(self.project, "project")
        length = ifcopenshell.api.unit.add_si_unit(
            f, unit_type="LENGTHUNIT", prefix="MILLI" if self.mm else None
        )
        area = ifcopenshell.api.unit.add_si_unit(f, unit_type="AREAUNIT")
        volume = ifcopenshell.api.unit.add_si_unit(f, unit_type="VOLUMEUNIT")
        angle = ifcopenshell.api.unit.add_si_unit(f, unit_type="PLANEANGLEUNIT")
        ifcopenshell.api.unit.assign_unit(f, units=[length, area, volume, angle])
        model = ifcopenshell.api.context.add_context(f, context_type="Model")
        self.body = ifcopenshell.api.context.add_context(
            f,
            context_type="Model",
            context_identifier="Body",
            target_view="MODEL_VIEW",
            parent=model,
        )
        self.dir_x = f.create_entity("IfcDirection", (1.0, 0.0, 0.0))
        self.dir_y = f.create_entity("IfcDirection", (0.0, 1.0, 0.0))
        self.dir_z = f.create_entity("IfcDirection", (0.0, 0.0, 1.0))
        self.origin3 = f.create_entity("IfcAxis2Placement3D", Location=self.point(0.0, 0.0, 0.0))
        self.origin2 = f.create_entity("IfcAxis2Placement2D", Location=self.point(0.0, 0.0))

        site = ifcopenshell.api.root.create_entity(f, ifc_class="IfcSite", name="Site")
        self.claim(site, "site")
        building = ifcopenshell.api.root.create_entity(
            f, ifc_class="IfcBuilding", name=BUILDING_NAME
        )
        self.claim(building, "building")
        self.building = building
        self.storeys = []
        for sp in self.plan.storeys:
            storey = ifcopenshell.api.root.create_entity(
                f, ifc_class="IfcBuildingStorey", name=sp.name
            )
            self.claim(storey, ids.storey_role(sp.index))
            storey.LongName = sp.long_name
            storey.Elevation = self.L(sp.elevation_mm)
            storey.CompositionType = "ELEMENT"
            self.storeys.append(storey)
        # Aggregation through the API, before placements exist, so it has no
        # placements to re-localise.
        for role, parts, whole in (
            ("site", [site], self.project),
            ("building", [building], site),
            ("storeys", self.storeys, building),
        ):
            rel = ifcopenshell.api.aggregate.assign_object(f, products=parts, relating_object=whole)
            self.claim(rel, f"rel:aggregate:{role}")
        site.CompositionType = "ELEMENT"
        building.CompositionType = "ELEMENT"
        site.ObjectPlacement = self.placement(None)
        building.ObjectPlacement = self.placement(site.ObjectPlacement)
        for sp, storey in zip(self.plan.storeys, self.storeys, strict=True):
            storey.ObjectPlacement = self.placement(building.ObjectPlacement, 0, 0, sp.elevation_mm)

    def types(self) -> None:
        f = self.f
        self.type_members: dict[str, list] = defaultdict(list)
        self.type_objects = {}
        for kind, cls in equipment_classes(self.schema).items():
            t = ifcopenshell.api.root.create_entity(
                f,
                ifc_class=cls.type_class,
                predefined_type=cls.user_type or cls.predefined_type,
                name=f"{EQUIPMENT_KINDS[kind].prefix} {EQUIPMENT_KINDS[kind].long_name}",
            )
            self.claim(t, f"type:{kind}")
            self.type_objects[kind] = t
        for kind, name in (
            ("single", "单扇平开门"),
            ("double", "双扇平开门"),
            ("lift", "电梯层门"),
        ):
            if self.is2x3:
                t = ifcopenshell.api.root.create_entity(f, ifc_class="IfcDoorStyle", name=name)
            else:
                t = ifcopenshell.api.root.create_entity(
                    f, ifc_class="IfcDoorType", predefined_type="DOOR", name=name
                )
                t.OperationType = _DOOR_OPERATION[kind]
            self.claim(t, f"type:door:{kind}")
            self.type_objects[f"door:{kind}"] = t
        t = ifcopenshell.api.root.create_entity(
            f, ifc_class="IfcTransportElementType", predefined_type="ELEVATOR", name="乘客电梯"
        )
        self.claim(t, "type:lift")
        self.type_objects["lift"] = t

    def storey_content(self) -> None:
        self.spaces: dict[tuple[int, str], ifcopenshell.entity_instance] = {}
        self.by_category: dict[str, list] = defaultdict(list)
        self.boundaries: list[tuple] = []  # (storey, role key, space, element, external)
        self.storey_elements: dict[int, list] = defaultdict(list)
        eq_classes = equipment_classes(self.schema)
        for sp, storey in zip(self.plan.storeys, self.storeys, strict=True):
            i = sp.index
            splace = storey.ObjectPlacement
            spaces = []
            for room in sp.rooms:
                space = self._space(i, room, splace)
                spaces.append(space)
                self.spaces[(i, room.role)] = space
                self.by_category[room.category].append(space)
            self.rel(
                "IfcRelAggregates",
                f"aggregate:spaces:{i}",
                RelatingObject=storey,
                RelatedObjects=spaces,
            )
            walls = {}
            for wp in sp.walls:
                cx, cy = wp.box.centre
                attrs = {} if self.is2x3 else {"PredefinedType": _wall_type(wp)}
                wall = self.root(
                    "IfcWall",
                    f"wall:{i}:{wp.key}",
                    Name=f"W{i:02d}-{wp.key}",
                    ObjectPlacement=self.placement(splace, cx, cy, 0, wp.along_x),
                    Representation=self.rect_shape(wp.box, WALL_HEIGHT_MM, wp.along_x),
                    **attrs,
                )
                walls[wp.key] = wall
                self.storey_elements[i].append(wall)
                for side in wp.sides:
                    if side != OUTSIDE:
                        self.boundaries.append(
                            (i, f"wall:{wp.key}:{side}", self.spaces[(i, side)], wall, wp.exterior)
                        )
            for dp in sp.doors:
                cx, cy = dp.box.centre
                opening_attrs = {} if self.is2x3 else {"PredefinedType": "OPENING"}
                opening = self.root(
                    "IfcOpeningElement",
                    f"opening:{i}:{dp.key}",
                    Name=f"O-{dp.name}",
                    ObjectPlacement=self.placement(splace, cx, cy, 0, dp.along_x),
                    Representation=self.rect_shape(dp.box, dp.height_mm, dp.along_x),
                    **opening_attrs,
                )
                self.rel(
                    "IfcRelVoidsElement",
                    f"voids:{i}:{dp.key}",
                    RelatingBuildingElement=walls[dp.wall],
                    RelatedOpeningElement=opening,
                )
                door_attrs = {}
                if not self.is2x3:
                    door_attrs = {
                        "PredefinedType": "DOOR",
                        "OperationType": _DOOR_OPERATION[dp.kind],
                    }
                door = self.root(
                    "IfcDoor",
                    ids.door_role(i, dp.key),
                    Name=dp.name,
                    ObjectPlacement=self.placement(splace, cx, cy, 0, dp.along_x),
                    Representation=self.rect_shape(dp.box, dp.height_mm, dp.along_x),
                    OverallHeight=self.L(dp.height_mm),
                    OverallWidth=self.L(dp.width_mm),
                    **door_attrs,
                )
                self.rel(
                    "IfcRelFillsElement",
                    f"fills:{i}:{dp.key}",
                    RelatingOpeningElement=opening,
                    RelatedBuildingElement=door,
                )
                self.type_members[f"door:{dp.kind}"].append(door)
                self.storey_elements[i].append(door)
                exterior = OUTSIDE in dp.sides
                for side in dp.sides:
                    if side != OUTSIDE:
                        self.boundaries.append(
                            (i, f"door:{dp.key}:{side}", self.spaces[(i, side)], door, exterior)
                        )
            self.storey_elements[i].append(self._slab(i, sp, splace))
            # Devices, contained in their rooms.
            in_room: dict[str, list] = defaultdict(list)
            for ep in sp.equipment:
                cls = eq_classes[ep.kind]
                attrs = {}
                if not self.is2x3:
                    attrs["PredefinedType"] = cls.predefined_type
                    if cls.user_type:
                        attrs["ObjectType"] = cls.user_type
                dx, dy, dz = ep.size_mm
                space = self.spaces[(i, ep.room)]
                element = self.root(
                    cls.occurrence,
                    ids.equipment_role(ep.tag),
                    Name=ep.tag,
                    Description=EQUIPMENT_KINDS[ep.kind].long_name,
                    Tag=ep.tag,
                    ObjectPlacement=self.placement(
                        space.ObjectPlacement, ep.centre[0], ep.centre[1], ep.z_mm
                    ),
                    Representation=self.box(dx, dy, dz),
                    **attrs,
                )
                in_room[ep.room].append(element)
                self.type_members[ep.kind].append(element)
            for role, elements in in_room.items():
                self.rel(
                    "IfcRelContainedInSpatialStructure",
                    f"contains:{i}:{role}",
                    RelatedElements=elements,
                    RelatingStructure=self.spaces[(i, role)],
                )

    def _space(self, i: int, room: RoomPlan, splace) -> ifcopenshell.entity_instance:
        if self.is2x3:
            attrs = {"InteriorOrExteriorSpace": "INTERNAL"}
        else:
            attrs = {"PredefinedType": "INTERNAL"}
        space = self.root(
            "IfcSpace",
            ids.space_role(i, room.role),
            Name=room.number,
            LongName=room.long_name,
            ObjectType=room.category,
            CompositionType="ELEMENT",
            ObjectPlacement=self.placement(splace),
            Representation=self.prism(room.outline, CLEAR_HEIGHT_MM),
            **attrs,
        )
        f = self.f
        net = room.area_mm2 / 1_000_000
        gross = room.gross_area_mm2 / 1_000_000
        height_m = CLEAR_HEIGHT_MM / 1000
        quantities = [
            f.create_entity(
                "IfcQuantityLength", Name="Height", LengthValue=self.L(CLEAR_HEIGHT_MM)
            ),
            f.create_entity("IfcQuantityArea", Name="GrossFloorArea", AreaValue=gross),
            f.create_entity("IfcQuantityArea", Name="NetFloorArea", AreaValue=net),
            f.create_entity("IfcQuantityVolume", Name="NetVolume", VolumeValue=net * height_m),
        ]
        qto = self.root(
            "IfcElementQuantity",
            f"qto:{i}:{room.role}",
            Name="Qto_SpaceBaseQuantities",
            Quantities=quantities,
        )
        self.rel(
            "IfcRelDefinesByProperties",
            f"qto:{i}:{room.role}",
            RelatedObjects=[space],
            RelatingPropertyDefinition=qto,
        )
        return space

    def _slab(self, i: int, sp, splace) -> ifcopenshell.entity_instance:
        plan = self.plan
        outline = Rect(-100, -100, plan.length_mm + 100, plan.depth_mm + 100).corners()
        holes = []
        if i > 1:
            # Stairs and lift shafts pass through every floor above the ground.
            for role in ("stair_w", "stair_e", "shaft_1", "shaft_2"):
                holes.append(sp.room(role).anchor.corners())
        return self.root(
            "IfcSlab",
            f"slab:{i}",
            Name=f"楼板 {sp.name}",
            PredefinedType="FLOOR",
            ObjectPlacement=self.placement(splace, 0, 0, -SLAB_MM),
            Representation=self.prism(outline, SLAB_MM, holes),
        )

    def vertical(self) -> None:
        f = self.f
        # A straight flight: a stepped profile in the (run, rise) plane,
        # extruded across the stair's width.
        pts = [(0.0, 0.0)]
        for k in range(STAIR_RISERS):
            pts.append((k * STAIR_TREAD_MM, (k + 1) * STAIR_RISE_MM))
            pts.append(((k + 1) * STAIR_TREAD_MM, (k + 1) * STAIR_RISE_MM))
        pts.append((STAIR_RISERS * STAIR_TREAD_MM, 0.0))
        for st in self.plan.stairs:
            storey = self.storeys[st.lower - 1]
            position = f.create_entity(
                "IfcAxis2Placement3D",
                Location=self.point(self.L(st.origin[0]), self.L(st.origin[1]), 0.0),
                Axis=self.dir_x,
                RefDirection=self.dir_y,
            )
            profile = f.create_entity(
                "IfcArbitraryClosedProfileDef", ProfileType="AREA", OuterCurve=self.polyline(pts)
            )
            solid = f.create_entity(
                "IfcExtrudedAreaSolid",
                SweptArea=profile,
                Position=position,
                ExtrudedDirection=self.dir_z,
                Depth=self.L(STAIR_WIDTH_MM),
            )
            attrs = {"ShapeType" if self.is2x3 else "PredefinedType": "STRAIGHT_RUN_STAIR"}
            stair = self.root(
                "IfcStair",
                ids.stair_role(st.key),
                Name=st.name,
                ObjectPlacement=self.placement(storey.ObjectPlacement),
                Representation=self.shape([solid]),
                **attrs,
            )
            self.storey_elements[st.lower].append(stair)
        ground = self.storeys[0]
        lifts = []
        for lp in self.plan.lifts:
            cx, cy = lp.car.centre
            attrs = {"OperationType" if self.is2x3 else "PredefinedType": "ELEVATOR"}
            lift = self.root(
                "IfcTransportElement",
                ids.lift_role(lp.name),
                Name=lp.name,
                Tag=lp.name,
                ObjectPlacement=self.placement(ground.ObjectPlacement, cx, cy, 0),
                Representation=self.box(lp.car.width, lp.car.depth, lp.height_mm),
                **attrs,
            )
            lifts.append(lift)
            self.type_members["lift"].append(lift)
        self.storey_elements[1].extend(lifts)
        for sp, storey in zip(self.plan.storeys[1:], self.storeys[1:], strict=True):
            # A lift serves every storey: referenced there, contained in one.
            rel = ifcopenshell.api.spatial.reference_structure(
                f, products=lifts, relating_structure=storey
            )
            self.claim(rel, f"rel:references:{sp.index}")

    def relationships(self, space_boundaries: bool) -> None:
        for i, storey in enumerate(self.storeys, start=1):
            self.rel(
                "IfcRelContainedInSpatialStructure",
                f"contains:{i}",
                RelatedElements=self.storey_elements[i],
                RelatingStructure=storey,
            )
        for key, members in self.type_members.items():
            if members:
                rel = ifcopenshell.api.type.assign_type(
                    self.f, related_objects=members, relating_type=self.type_objects[key]
                )
                self.claim(rel, f"rel:type:{key}")
        self._classify()
        if space_boundaries:
            for i, key, space, element, external in self.boundaries:
                self.rel(
                    "IfcRelSpaceBoundary",
                    f"boundary:{i}:{key}",
                    RelatingSpace=space,
                    RelatedBuildingElement=element,
                    PhysicalOrVirtualBoundary="PHYSICAL",
                    InternalOrExternalBoundary="EXTERNAL" if external else "INTERNAL",
                )

    def _classify(self) -> None:
        f = self.f
        if self.is2x3:
            # IFC2X3 cannot associate an IfcClassification itself with the
            # project; the references point at it instead.
            classification = f.create_entity(
                "IfcClassification",
                Source="bim-facility-twin",
                Edition="1",
                Name=CLASSIFICATION_NAME,
            )
        else:
            classification = ifcopenshell.api.classification.add_classification(
                f, classification=CLASSIFICATION_NAME
            )
            classification.Source = "bim-facility-twin"
            classification.Edition = "1"
        for category in sorted(self.by_category):
            ifcopenshell.api.classification.add_reference(
                f,
                products=self.by_category[category],
                identification=category,
                name=CATEGORY_NAMES.get(category, category),
                classification=classification,
            )

    def finish(self) -> None:
        """Deterministic ids and one owner history for what the API created."""
        f = self.f
        extra_histories = [h for h in f.by_type("IfcOwnerHistory") if h != self.owner]
        n = 0
        for entity in f.by_type("IfcRoot"):
            entity.OwnerHistory = self.owner
            if entity.id() not in self.mine:
                n += 1
                entity.GlobalId = ids.guid_for(self.seed, f"auto:{entity.is_a()}:{n}")
        for history in extra_histories:
            f.remove(history)
        # The API collects related objects in sets, whose order varies from
        # run to run; entity ids do not, so sort by them for stable bytes.
        for entity in [*f.by_type("IfcRelationship"), *f.by_type("IfcUnitAssignment")]:
            for index, value in enumerate(entity):
                if (
                    isinstance(value, tuple)
                    and value
                    and isinstance(value[0], ifcopenshell.entity_instance)
                ):
                    entity[index] = sorted(value, key=lambda e: e.id())


def _wall_type(wp) -> str:
    return "SOLIDWALL" if wp.exterior else "PARTITIONING"


def write_ifc(
    plan: BuildingPlan,
    out_path: pathlib.Path,
    *,
    seed: int,
    schema: str,
    units: str,
    space_boundaries: bool,
) -> None:
    """Write ``plan`` to ``out_path`` as an IFC file (STEP physical file)."""
    writer = _Writer(plan, seed=seed, schema=schema, units=units)
    writer.setup()
    writer.types()
    writer.storey_content()
    writer.vertical()
    writer.relationships(space_boundaries)
    writer.finish()
    writer.f.write(str(out_path))
