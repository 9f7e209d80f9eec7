"""Floor plans of registered buildings, as the running service draws them.

The same plans as ``twin plan`` (:mod:`twin.housing.plans`), coloured from the
service's own data: compliance and occupancy from the building's stored
allocations, live status from its devices (the worst status in each room, for
a facility manager's print-out of open alarms). Plans carry departments and
counts, never names, so they need no personal-data permission.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

from twin.buildings.queries import BuildingQueries
from twin.housing.compliance import compliance_report
from twin.housing.operations import Housing
from twin.housing.plans import (
    PlanInputError,
    PlanInputs,
    PlanOptions,
    find_storey,
    inputs_from_report,
    plans_pdf,
    storey_png,
    storey_svg,
)
from twin.housing.plans.dxf import storey_dxf

PlanFormat = Literal["svg", "png", "pdf", "dxf"]
PlanColour = Literal["type", "compliance", "occupancy", "live"]

#: ``storey`` value that asks for every storey (PDF only).
ALL_STOREYS = "all"
#: Worse first: the status a room shows when its devices disagree.
LIVE_SEVERITY = ("alarm", "warning", "offline", "normal")


class FloorPlans:
    """Draws storey plans of the service's buildings."""

    def __init__(self, queries: BuildingQueries) -> None:
        self.queries = queries

    def render(
        self,
        building_id: str,
        storey: str,
        fmt: PlanFormat,
        *,
        colour: PlanColour = "type",
        on_date: date | None = None,
        width_px: int = 2000,
    ) -> bytes:
        """One storey's plan (``storey`` = name or GlobalId) as SVG, PNG, PDF or DXF;
        ``storey="all"`` with ``fmt="pdf"`` gives the plan set with its cover.

        Raises
        ------
        twin.housing.plans.PlanError
            Unknown storey (``UnknownStoreyError``), a storey without rooms,
            ``all`` in a format other than PDF.
        """
        view = self.queries.view(building_id)
        building = view.building
        options = PlanOptions(
            colour=colour,
            inputs=self._inputs(building_id, colour, on_date),
            on_date=on_date,
            room_types=view.room_types,
        )
        if storey == ALL_STOREYS:
            if fmt != "pdf":
                raise PlanInputError("every storey at once is a PDF: ask for all.pdf")
            return plans_pdf(building, options=options)
        level = find_storey(building, storey)
        if fmt == "dxf":
            return storey_dxf(building, level, options)
        if fmt == "svg":
            return storey_svg(building, level, options).encode("utf-8")
        if fmt == "png":
            return storey_png(building, level, options, width_px=width_px)
        return plans_pdf(building, [level], options)

    def _inputs(self, building_id: str, colour: str, on_date: date | None) -> PlanInputs:
        if colour in ("compliance", "occupancy"):
            # The whole report: departments come from its persons; the plan shows no names.
            result = Housing(self.queries).check(building_id, on_date=on_date)
            return inputs_from_report(compliance_report(result))
        if colour == "live":
            return PlanInputs(live=self.live_statuses(building_id))
        return PlanInputs()

    def live_statuses(self, building_id: str) -> Mapping[str, str]:
        """The worst live status of the devices in each room, by room GlobalId."""
        devices = {d.device_id: d for d in self.queries.twin.devices.devices(building_id)}
        worst: dict[str, str] = {}
        for state in self.queries.twin.devices.states(building_id):
            device = devices.get(state.device_id)
            room = device.space_id if device is not None else None
            if room is None:
                continue
            current = worst.get(room)
            if current is None or LIVE_SEVERITY.index(state.status) < LIVE_SEVERITY.index(current):
                worst[room] = state.status
        return worst
