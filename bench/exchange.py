"""Costs of the exchange formats on a real model: what registration pays, what exports pay.

    PYTHONPATH=. python bench/exchange.py [--ifc ../shared/ifc/Office_A_20110811.ifc] [--repeat 5]

Prints medians (seconds unless stated) of: checking one point class against
the shipped Brick vocabulary (µs), loading that vocabulary, loading the Brick
ontology with rdflib (what the vocabulary file saves registration), building
the Brick graph, SHACL validation, the COBie workbook, one storey's DXF and a
BCF archive of 25 work orders; and the ratio of ontology load to vocabulary
load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from twin.buildings.ingest import ingest
from twin.demo.simulator import template_rows
from twin.devices.registry import bind
from twin.devices.workorders import Note, WorkOrder
from twin.exchange import bcf, brick, cobie
from twin.housing.plans import plan_storeys
from twin.housing.plans.dxf import storey_dxf

DEFAULT_IFC = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "ifc" / "Office_A_20110811.ifc"
)


def median_s(run, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ifc", type=Path, default=DEFAULT_IFC)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    building = ingest([args.ifc]).building
    devices = bind("bench", building, template_rows(building)).devices
    now = datetime.now(UTC)
    orders = [
        WorkOrder(uuid.uuid4().hex, "bench", f"order {i}", "open", now, now,
                  global_id=building.equipment[i % len(building.equipment)].global_id,
                  notes=(Note(now, "bench", "created"),))
        for i in range(25)
    ]  # fmt: skip
    results: dict[str, float] = {}
    results["check_point_class_us"] = (
        1e6
        * median_s(
            lambda: [brick.check_point_class("Zone_Air_Temperature_Sensor") for _ in range(1000)],
            args.repeat,
        )
        / 1000
    )
    results["vocabulary_load_s"] = median_s(
        lambda: (brick.vocabulary.cache_clear(), brick.vocabulary()), args.repeat
    )
    results["ontology_load_s"] = median_s(
        lambda: (brick._ontology.cache_clear(), brick._ontology(brick.BRICK_VERSION)), 1
    )
    graph = brick.brick_graph(building, devices, building_id="bench")
    results["brick_graph_s"] = median_s(
        lambda: brick.brick_graph(building, devices, building_id="bench"), args.repeat
    )
    results["shacl_validate_s"] = median_s(lambda: brick.validate_brick(graph), 1)
    results["cobie_xlsx_s"] = median_s(
        lambda: cobie.cobie_xlsx(building, devices=devices), args.repeat
    )
    storey = plan_storeys(building)[0]
    results["storey_dxf_s"] = median_s(lambda: storey_dxf(building, storey), args.repeat)
    results["bcf_25_orders_s"] = median_s(
        lambda: bcf.read_bcf(
            bcf.work_orders_bcf(orders, building, project_name="bench", project_id="p")
        ),
        args.repeat,
    )
    print(f"{args.ifc.name}: {len(building.spaces)} rooms, {len(devices)} devices, "
          f"{len(graph)} triples")  # fmt: skip
    for name, value in results.items():
        print(f"  {name:24s} {value:10.4f}")
    ratio = results["ontology_load_s"] / results["vocabulary_load_s"]
    print(f"  ontology load / vocabulary load: {ratio:.0f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
