import pytest

from spatial.navgraph import build_nav_graph, nav_stats, shaft_links
from spatial.records import OUTSIDE
from tests.spatial.samples import MODELS
from tests.spatial.small_buildings import l_corridor_building, room, two_storey_building

#: Rooms the models themselves leave disconnected, and why. Every other room
#: that has a door or an opening must be reachable from outside.
KNOWN_DISCONNECTED = {
    # "124 ELEV": a lift shaft on Level 1 only, no door, no IfcTransportElement.
    "Office_A_20110811.ifc": {"124"},
    # "A205 Utility": no door in the model; "R301 Roof": the roof, no door.
    "Duplex_A_20110907.ifc": {"A205", "R301"},
    # One roof space, no doors in this MEP model.
    "Duplex_Electrical_20121207.ifc": {"R301"},
    # No IfcDoor at all in this model.
    "b03_heating_with_building_blenderBIM.ifc": {
        "UF_Living1",
        "UF_Living2",
        "UF_Living3",
        "GF_Living",
        "Basement_Stock",
    },
}


def test_portal_edges_carry_walking_lengths():
    graph = build_nav_graph(l_corridor_building())
    edge = graph.edges["D_EAST", "D_NORTH"]
    assert edge["room"] == "CORR" and edge["length_m"] > 16.0
    assert graph.edges["D_OUT", OUTSIDE]["kind"] == "exit"


def test_stair_and_lift_join_the_storeys():
    graph = build_nav_graph(two_storey_building())
    assert graph.edges["STAIR@L1", "STAIR@L2"]["kind"] == "stair"
    lift = graph.edges["LIFT@L1", "LIFT@L2"]
    assert lift["kind"] == "lift" and lift["time_s"] > 30
    assert nav_stats(graph, [s.global_id for s in two_storey_building().spaces]).components == 1


def test_lift_shaft_modelled_as_rooms_becomes_a_lift():
    from dataclasses import replace

    building = two_storey_building(lift=False)
    from shapely.geometry import box

    shafts = (
        room("SH1", "L1", box(17, 3.2, 19, 5.2), 0.0, "Elevator"),
        room("SH2", "L2", box(17, 3.2, 19, 5.2), 3.0, "Elevator"),
    )
    building = replace(building, spaces=building.spaces + shafts)
    links = shaft_links(building)
    assert [(link.kind, link.storey_ids) for link in links] == [("lift", ("L1", "L2"))]


def test_touching_rooms_open_into_each_other_but_walled_ones_do_not():
    from dataclasses import replace

    from shapely.geometry import box

    building = l_corridor_building()
    extra = (room("NOOK", "L1", box(2, 2, 4, 4), 0.0), room("CELL", "L1", box(4.2, 2.2, 6, 4), 0.0))
    graph = build_nav_graph(replace(building, spaces=building.spaces + extra))
    stats = nav_stats(graph, ["NOOK", "CELL"])
    assert stats.unreachable_space_ids == ("CELL",)  # NOOK touches the corridor, CELL is walled


@pytest.mark.samples
@pytest.mark.parametrize("model", MODELS)
def test_every_room_with_a_door_is_reachable_from_outside(model, ingested):
    result = ingested(model)
    building = result.building
    stats = nav_stats(result.graph, [s.global_id for s in building.spaces])
    names = {s.global_id: s.name for s in building.spaces}
    assert {names[s] for s in stats.unreachable_space_ids} == KNOWN_DISCONNECTED.get(model, set())
