import math

import pytest

from spatial.errors import AmbiguousPlaceError, NoRouteError, UnknownPlaceError
from spatial.navgraph import build_nav_graph
from spatial.routing import Constraints, Router, route
from tests.spatial.small_buildings import l_corridor_building, two_storey_building
from tests.spatial.walk_checks import stray_segments

#: Hand-computed walk D_EAST -> D_NORTH: 0.4 m from each door to the corridor's
#: walk area (shrunk 0.3 m), then (9.7, 1) -> corner (1.7, 1.7) -> (1, 9.7).
L_DOOR_TO_DOOR_M = 0.4 + math.dist((9.7, 1.0), (1.7, 1.7)) + math.dist((1.7, 1.7), (1.0, 9.7)) + 0.4


@pytest.fixture(scope="module")
def l_router():
    return Router.for_building(l_corridor_building())


@pytest.fixture(scope="module")
def two():
    return Router.for_building(two_storey_building())


def test_l_corridor_route_bends_at_the_corner(l_router):
    result = l_router.route("D_EAST", "D_NORTH")
    assert result.length_m == pytest.approx(L_DOOR_TO_DOOR_M, rel=0.01)
    xy = [p[:2] for p in result.polyline]
    assert any(math.dist(p, (1.7, 1.7)) < 1e-6 for p in xy)
    assert not stray_segments(l_router.building, result.polyline)


def test_l_corridor_room_to_room_stays_inside(l_router):
    result = route(l_router, "Office east", "NORTH")
    assert [s.global_id for s in result.steps] == ["EAST", "D_EAST", "CORR", "D_NORTH", "NORTH"]
    assert not stray_segments(l_router.building, result.polyline)
    start, end = result.polyline[0], result.polyline[-1]
    assert result.length_m >= math.dist(start, end)


def test_route_accepts_a_graph(l_router):
    assert route(build_nav_graph(l_corridor_building()), "outside", "EAST").length_m > 10


def test_two_storeys_by_stair_and_by_lift(two):
    by_stair = two.route("R1", "OFFICE")
    kinds = [s.kind for s in by_stair.steps]
    assert "stair" in kinds and "lift" not in kinds
    step_free = two.route("R1", "OFFICE", Constraints(no_stairs=True))
    assert "lift" in [s.kind for s in step_free.steps]
    assert "stair" not in [s.kind for s in step_free.steps]
    for r in (by_stair, step_free):
        assert not stray_segments(two.building, r.polyline)
        assert r.polyline[-1][2] == pytest.approx(3.0)


def test_faulty_lift_leaves_no_step_free_route(two):
    with pytest.raises(
        NoRouteError, match=r"no step-free route.*Level 1 and Level 2.*only by stairs"
    ):
        two.route("R1", "OFFICE", Constraints(no_stairs=True, out_of_service=frozenset({"LIFT"})))


def test_building_without_lift_says_no_step_free_route():
    router = Router.for_building(two_storey_building(lift=False))
    with pytest.raises(NoRouteError, match="no step-free route"):
        router.route("outside", "OFFICE", Constraints(no_stairs=True))


def test_restricted_room_forces_a_detour(two):
    direct = two.route("R1", "R2")
    assert "LAB" in [s.global_id for s in direct.steps]
    detour = two.route("R1", "R2", two.constraints(avoid=["Lab"]))
    assert "LAB" not in [s.global_id for s in detour.steps]
    assert "L1_CORR" in [s.global_id for s in detour.steps]
    assert detour.length_m > direct.length_m
    assert not stray_segments(two.building, detour.polyline)


def test_avoiding_a_room_type(two):
    assert "stair" in [
        s.kind for s in two.route("R1", "OFFICE", two.constraints(avoid=["lift"])).steps
    ]
    with pytest.raises(NoRouteError, match="avoids circulation"):
        two.route("R1", "OFFICE", two.constraints(avoid=["circulation"]))


def test_outside_is_not_a_shortcut(two):
    result = two.route("R1", "R2")
    assert "outside" not in [s.kind for s in result.steps]
    assert two.route("outside", "R1").steps[0].kind == "outside"
    assert [s.kind for s in two.route("R1", "outside").steps][-1] == "outside"


def test_unknown_reference_offers_close_matches(two):
    with pytest.raises(UnknownPlaceError) as info:
        two.route("Ofice", "R1")
    assert "office" in info.value.candidates


def test_ambiguous_reference_lists_the_places(two):
    with pytest.raises(AmbiguousPlaceError) as info:
        two.resolve("stair")  # the stair room of each storey
    assert len(info.value.candidates) == 2
    assert isinstance(info.value, UnknownPlaceError)


def test_room_with_no_door_is_reported():
    from dataclasses import replace

    from shapely.geometry import box

    from tests.spatial.small_buildings import room

    building = two_storey_building()
    building = replace(
        building, spaces=(*building.spaces, room("CLOSET", "L1", box(30, 30, 32, 32), 0.0))
    )
    with pytest.raises(NoRouteError, match="CLOSET has no door or opening"):
        Router.for_building(building).route("outside", "CLOSET")


# ---------------------------------------------------------------- real models
from tests.spatial.samples import MODELS, STAIR_MODELS  # noqa: E402
from tests.spatial.walk_checks import walkable_areas  # noqa: E402


def _reachable_rooms(router):
    from spatial.navgraph import nav_stats

    stats = nav_stats(router.graph, [s.global_id for s in router.building.spaces])
    return [s for s in router.building.spaces if s.global_id not in stats.unreachable_space_ids]


def _ends_of_building(router):
    """A reachable room on the lowest and one on the highest storey with reachable rooms."""
    rooms = _reachable_rooms(router)
    order = {s.global_id: i for i, s in enumerate(router.building.storeys)}
    low = min(rooms, key=lambda s: (order[s.storey_id], s.name))
    high = max(rooms, key=lambda s: (order[s.storey_id], s.name))
    return low, high


@pytest.mark.samples
@pytest.mark.parametrize("model", STAIR_MODELS)
def test_route_between_lowest_and_highest_storey_climbs(model, ingested):
    router = Router(ingested(model).graph)
    low, high = _ends_of_building(router)
    assert low.storey_id != high.storey_id
    result = router.route(low.global_id, high.global_id)
    assert {"stair", "lift", "ramp"} & {s.kind for s in result.steps}
    assert not stray_segments(router.building, result.polyline)
    try:
        step_free = router.route(low.global_id, high.global_id, Constraints(no_stairs=True))
    except NoRouteError as exc:
        assert "no step-free route" in str(exc)
    else:
        assert "lift" in {s.kind for s in step_free.steps}


@pytest.mark.samples
@pytest.mark.parametrize("model", MODELS)
def test_every_route_from_outside_stays_in_walkable_space(model, ingested):
    router = Router(ingested(model).graph)
    if "outside" not in router.graph:
        pytest.skip("no exterior door")
    areas = walkable_areas(router.building)
    for space in _reachable_rooms(router):
        result = router.route("outside", space.global_id)
        assert not stray_segments(router.building, result.polyline, areas), space.label
        assert result.length_m >= math.dist(result.polyline[0], result.polyline[-1]) - 1e-6
        assert result.time_s > 0


@pytest.mark.samples
def test_route_to_equipment_ends_at_its_centre(ingested):
    router = Router(ingested("Office_A_20110811.ifc").graph)
    item = next(e for e in router.building.equipment if e.space_id and e.centre)
    result = router.route("outside", item.global_id)
    assert result.polyline[-1] == pytest.approx(item.centre)
    assert result.steps[-1].kind == "equipment"
    # The last segment reaches from the floor to the equipment's centre.
    assert not stray_segments(router.building, result.polyline, skip_last=True)
