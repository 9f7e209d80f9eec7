"""Which lifts the devices put out of service.

The router (:mod:`spatial.routing`) takes the out-of-service links as a
constraint; this module works out which lifts a faulty device stands for.
:class:`twin.navigation.navigator.Navigator` applies it to every route and round.
"""

from __future__ import annotations

from collections.abc import Collection

import shapely

from spatial.records import Building

#: Metres around a lift's footprint within which a lift controller counts as that lift's.
LIFT_CONTROLLER_REACH_M = 2.0


def lifts_out_of_service(building: Building, faulty_global_ids: Collection[str]) -> set[str]:
    """GlobalIds of the building's lifts that a faulty element stands for.

    A fault counts for a lift when the device is bound to the lift itself
    (``IfcTransportElement``), or to equipment (a lift controller) on or within
    :data:`LIFT_CONTROLLER_REACH_M` of the lift's footprint.
    """
    if not faulty_global_ids:
        return set()
    out = {lift.global_id for lift in building.lifts if lift.global_id in faulty_global_ids}
    centres = [
        e for e in building.equipment if e.global_id in faulty_global_ids and e.centre is not None
    ]
    if not centres:
        # Every route asks: no faulty equipment, no footprint to buffer.
        return out
    for lift in building.lifts:
        if lift.footprint is None or lift.global_id in out:
            continue
        reach = lift.footprint.buffer(LIFT_CONTROLLER_REACH_M)
        if any(reach.contains(shapely.Point(e.centre[0], e.centre[1])) for e in centres):  # type: ignore[index]
            out.add(lift.global_id)
    return out
