"""Route and round benchmark on a large building.

    PYTHONPATH=. python bench/route.py [--storeys 20] [--rooms 100] [--queries 2000]
    PYTHONPATH=. python bench/route.py --ifc building.ifc   # a real (or generated) model

Without ``--ifc`` the building is synthetic, built from spatial records: per
storey a 2.4 m corridor in five segments joined by openings, rooms of 4 x 5 m
on both sides, a stair room at the west end and a lift room at the east end.
(``ifc_models.demo_building.generate_office_building`` replaces it once merged.)
Prints the graph build time, route query p50/p99 (unconstrained and step-free)
and the round time for 25 targets, with the targets and ratios.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from shapely.geometry import box

from spatial.navgraph import build_nav_graph
from spatial.records import Building, Door, OpenConnection, Space, Storey, VerticalLink
from spatial.rounds import plan_round
from spatial.routing import Constraints, Router

STOREY_HEIGHT_M = 3.6
ROOM_W_M, ROOM_D_M, CORRIDOR_W_M, WALL_M = 4.0, 5.0, 2.4, 0.2
SEGMENTS = 5
TARGETS = {"p50_ms": 1.0, "p99_ms": 5.0, "round_ms": 100.0}


def synthetic_office(storeys: int, rooms_per_storey: int) -> Building:
    """A grid office: see the module docstring. Coordinates in metres."""
    per_side = rooms_per_storey // 2
    length = per_side * ROOM_W_M
    levels = tuple(Storey(f"S{k}", f"Level {k + 1}", k * STOREY_HEIGHT_M) for k in range(storeys))
    spaces: list[Space] = []
    doors: list[Door] = []
    openings: list[OpenConnection] = []
    for level in levels:
        s, z = level.global_id, level.elevation_m

        def add(gid: str, name: str, outline, z=z, s=s) -> None:
            spaces.append(Space(gid, gid.split("-")[-1], name, s, footprint=outline, floor_z_m=z))

        def door(gid: str, x: float, y: float, rooms: tuple[str, ...], z=z, s=s) -> None:
            doors.append(
                Door(
                    gid,
                    gid,
                    s,
                    (x, y, z),
                    0.9,
                    2.1,
                    box(x - 0.45, y - 0.1, x + 0.45, y + 0.1),
                    rooms,
                    "geometry",
                )
            )

        seg_len = length / SEGMENTS
        for k in range(SEGMENTS):
            add(f"{s}-C{k}", "Corridor", box(k * seg_len, 0, (k + 1) * seg_len, CORRIDOR_W_M))
            if k:
                openings.append(
                    OpenConnection(
                        (f"{s}-C{k - 1}", f"{s}-C{k}"), s, (k * seg_len, CORRIDOR_W_M / 2, z)
                    )
                )
        for i in range(per_side):
            x0 = i * ROOM_W_M
            seg = f"{s}-C{min(int(x0 // seg_len), SEGMENTS - 1)}"
            north, south = f"{s}-N{i}", f"{s}-S{i}"
            add(
                north,
                "Office",
                box(
                    x0 + WALL_M / 2,
                    CORRIDOR_W_M + WALL_M,
                    x0 + ROOM_W_M - WALL_M / 2,
                    CORRIDOR_W_M + WALL_M + ROOM_D_M,
                ),
            )
            add(
                south,
                "Office",
                box(x0 + WALL_M / 2, -WALL_M - ROOM_D_M, x0 + ROOM_W_M - WALL_M / 2, -WALL_M),
            )
            door(f"{s}-DN{i}", x0 + ROOM_W_M / 2, CORRIDOR_W_M + WALL_M / 2, (seg, north))
            door(f"{s}-DS{i}", x0 + ROOM_W_M / 2, -WALL_M / 2, (seg, south))
        add(f"{s}-STAIR", "Stair", box(-WALL_M - 4, 0, -WALL_M, CORRIDOR_W_M + 3))
        doors.append(
            Door(
                f"{s}-DST",
                "",
                s,
                (-WALL_M / 2, 1.2, z),
                0.9,
                2.1,
                box(-WALL_M, 0.75, 0, 1.65),
                (f"{s}-C0", f"{s}-STAIR"),
                "geometry",
                is_exterior=False,
            )
        )
        add(f"{s}-LIFT", "Lift lobby", box(length + WALL_M, 0, length + WALL_M + 3, CORRIDOR_W_M))
        doors.append(
            Door(
                f"{s}-DL",
                "",
                s,
                (length + WALL_M / 2, 1.2, z),
                0.9,
                2.1,
                box(length, 0.75, length + WALL_M, 1.65),
                (f"{s}-C{SEGMENTS - 1}", f"{s}-LIFT"),
                "geometry",
            )
        )
    first = levels[0].global_id
    doors.append(
        Door(
            "ENTRANCE",
            "Entrance",
            first,
            (length / 2, -WALL_M / 2 - ROOM_D_M - WALL_M, 0.0),
            1.8,
            2.1,
            box(length / 2 - 0.9, -2 * WALL_M - ROOM_D_M, length / 2 + 0.9, -WALL_M - ROOM_D_M),
            (f"{first}-S{per_side // 2}",),
            "geometry",
            True,
        )
    )
    ids = tuple(level.global_id for level in levels)
    links = (
        VerticalLink(
            "STAIR",
            "stair",
            "Stair",
            ids,
            box(-WALL_M - 3.5, 0.5, -WALL_M - 0.5, CORRIDOR_W_M + 2.5),
        ),
        VerticalLink(
            "LIFT",
            "lift",
            "Lift",
            ids,
            box(length + WALL_M + 1, 0.3, length + WALL_M + 2.8, CORRIDOR_W_M - 0.3),
        ),
    )
    return Building(
        "Synthetic office", "SYN", (), levels, tuple(spaces), tuple(doors), tuple(openings), links
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storeys", type=int, default=20)
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--ifc", type=Path, nargs="*")
    args = parser.parse_args()
    if args.ifc:
        from twin.buildings.ingest import ingest

        building = ingest(args.ifc).building
    else:
        building = synthetic_office(args.storeys, args.rooms)
    start = time.perf_counter()
    graph = build_nav_graph(building)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    router = Router(graph)
    compile_s = time.perf_counter() - start
    rooms = [s.global_id for s in building.spaces]
    rng = random.Random(1)
    rows = []
    for label, constraints in (
        ("route", Constraints()),
        ("route --no-stairs", Constraints(no_stairs=True)),
    ):
        times = []
        for _ in range(args.queries):
            a, b = rng.sample(rooms, 2)
            t = time.perf_counter()
            router.route(a, b, constraints)
            times.append((time.perf_counter() - t) * 1e3)
        rows.append((f"{label} p50", statistics.median(times), TARGETS["p50_ms"]))
        rows.append((f"{label} p99", percentile(times, 0.99), TARGETS["p99_ms"]))
    rounds = []
    for _ in range(10):
        targets = rng.sample(rooms, 25)
        t = time.perf_counter()
        plan = plan_round(router, "outside", targets)
        rounds.append((time.perf_counter() - t) * 1e3)
    rows.append(
        ("round, 25 targets (median of 10)", statistics.median(rounds), TARGETS["round_ms"])
    )
    print(
        f"{building.name}: {len(building.storeys)} storeys, {len(building.spaces)} rooms, "
        f"{len(building.doors)} doors; graph {graph.number_of_nodes()} nodes, "
        f"{graph.number_of_edges()} edges"
    )
    print(f"graph build {build_s:.2f} s, router compile {compile_s * 1e3:.0f} ms")
    print(f"last round: {plan.length_m:.0f} m vs {plan.naive_length_m:.0f} m in the given order")
    print(f"{'measure':<36}{'ms':>9}{'target':>9}{'ratio':>8}")
    for name, value, target in rows:
        print(f"{name:<36}{value:>9.3f}{target:>9.1f}{value / target:>8.2f}")


if __name__ == "__main__":
    main()
