import random

import pytest

from spatial.errors import RoutingError
from spatial.navgraph import nav_stats
from spatial.rounds import plan_round
from spatial.routing import Router
from tests.spatial.small_buildings import two_storey_building


def test_round_visits_each_target_once_and_beats_the_given_order():
    router = Router.for_building(two_storey_building())
    targets = ["OFFICE", "R1", "L2_STAIR", "R2", "LAB"]
    plan = plan_round(router, "outside", targets)
    assert sorted(p.global_id for p in plan.order) == sorted(targets)
    assert plan.time_s <= plan.naive_time_s + 1e-9
    assert plan.legs[0].origin.global_id == "outside"
    for leg, place in zip(plan.legs, plan.order, strict=True):
        assert leg.destination == place


def test_round_rejects_duplicates():
    router = Router.for_building(two_storey_building())
    with pytest.raises(RoutingError, match="twice"):
        plan_round(router, "outside", ["R1", "R1"])


@pytest.mark.samples
def test_round_on_office_a(ingested):
    router = Router(ingested("Office_A_20110811.ifc").graph)
    stats = nav_stats(router.graph, [s.global_id for s in router.building.spaces])
    rooms = [
        s.global_id
        for s in router.building.spaces
        if s.global_id not in stats.unreachable_space_ids
    ]
    targets = random.Random(7).sample(rooms, 20)
    plan = plan_round(router, "outside", targets)
    assert sorted(p.global_id for p in plan.order) == sorted(targets)
    assert len(plan.legs) == len(targets)
    assert plan.time_s <= plan.naive_time_s + 1e-9
    assert plan.length_m == pytest.approx(sum(leg.length_m for leg in plan.legs))
