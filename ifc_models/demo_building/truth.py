"""The known answers of a generated building: the ``.truth.json`` sidecar.

Built from the same plan and the same role-based GlobalIds as the IFC file,
so tests of the reader, the navigation graph and the compliance checks can
compare against values that hold by construction. Everything is in metres and
m², whatever the file's length unit. Lists are in plan order (storey, then
room number); keys are sorted when written, so the file is byte-stable.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any

from ifc_models.demo_building import ids
from ifc_models.demo_building.classes import equipment_classes
from ifc_models.demo_building.layout import OUTSIDE, BuildingPlan


def truth_path(ifc_path: pathlib.Path) -> pathlib.Path:
    """``OUT.ifc`` -> ``OUT.truth.json`` (same folder, same stem)."""
    return ifc_path.with_name(ifc_path.stem + ".truth.json")


def build_truth(
    plan: BuildingPlan, *, seed: int, schema: str, units: str, space_boundaries: bool
) -> dict[str, Any]:
    """The truth dictionary of ``plan`` as written with these options."""
    gid = ids.guid_for
    classes = equipment_classes(schema)
    storeys, spaces, doors, equipment = [], [], [], []
    for sp in plan.storeys:
        storey_id = gid(seed, ids.storey_role(sp.index))
        storeys.append(
            {"global_id": storey_id, "name": sp.name, "elevation_m": sp.elevation_mm / 1000}
        )

        def space_id(role: str, index: int = sp.index) -> str:
            return OUTSIDE if role == OUTSIDE else gid(seed, ids.space_role(index, role))

        for room in sp.rooms:
            spaces.append(
                {
                    "global_id": space_id(room.role),
                    "name": room.number,
                    "long_name": room.long_name,
                    "category": room.category,
                    "storey": storey_id,
                    "usable_area_m2": round(room.area_m2, 6),
                    "rank": room.rank,
                    "seats": room.seats,
                }
            )
        for door in sp.doors:
            doors.append(
                {
                    "global_id": gid(seed, ids.door_role(sp.index, door.key)),
                    "name": door.name,
                    "storey": storey_id,
                    "spaces": [space_id(side) for side in door.sides],
                    "width_m": door.width_mm / 1000,
                    "exterior": OUTSIDE in door.sides,
                }
            )
        for device in sp.equipment:
            equipment.append(
                {
                    "global_id": gid(seed, ids.equipment_role(device.tag)),
                    "tag": device.tag,
                    "kind": device.kind,
                    "ifc_class": classes[device.kind].occurrence,
                    "storey": storey_id,
                    "space": space_id(device.room),
                }
            )
    storey_ids = [s["global_id"] for s in storeys]
    stairs = [
        {
            "global_id": gid(seed, ids.stair_role(st.key)),
            "name": st.name,
            "storeys": storey_ids[st.lower - 1 : st.lower + 1],
            "spaces": [
                gid(seed, ids.space_role(st.lower, st.room)),
                gid(seed, ids.space_role(st.lower + 1, st.room)),
            ],
        }
        for st in plan.stairs
    ]
    lifts = [
        {
            "global_id": gid(seed, ids.lift_role(lift.name)),
            "name": lift.name,
            "storeys": storey_ids,
            "spaces": [gid(seed, ids.space_role(sp.index, lift.room)) for sp in plan.storeys],
        }
        for lift in plan.lifts
    ]
    return {
        "generator": {
            "storeys": len(plan.storeys),
            "rooms_per_storey": plan.rooms_per_storey,
            "seed": seed,
            "schema": schema,
            "units": units,
            "space_boundaries": space_boundaries,
        },
        "building": {
            "global_id": gid(seed, "building"),
            "length_m": plan.length_mm / 1000,
            "depth_m": plan.depth_mm / 1000,
        },
        "storeys": storeys,
        "spaces": spaces,
        "doors": doors,
        "equipment": equipment,
        "stairs": stairs,
        "lifts": lifts,
    }


def write_truth(truth: dict[str, Any], path: pathlib.Path) -> None:
    """Write ``truth`` as UTF-8 JSON with sorted keys (byte-stable)."""
    text = json.dumps(truth, sort_keys=True, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
