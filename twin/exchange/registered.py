"""The exchange formats of registered buildings, as the running service writes and reads them.

The same exporters as ``twin export`` (:mod:`twin.exchange`), fed from the
service's own data: the loaded building, its devices, and its work orders.
"""

from __future__ import annotations

from twin.buildings.queries import BuildingQueries
from twin.exchange import brick, cobie


class Exchanges:
    """Brick, COBie and BCF for the service's buildings."""

    def __init__(self, queries: BuildingQueries) -> None:
        self.queries = queries

    def brick_turtle(self, building_id: str, *, validate: bool = False) -> bytes:
        """The building, its rooms, equipment and device points as Brick Turtle.

        Raises
        ------
        twin.exchange.errors.BrickValidationError
            With ``validate``, when the graph does not pass SHACL validation.
        """
        view = self.queries.view(building_id)
        devices = self.queries.twin.devices.devices(building_id)
        graph = brick.brick_graph(
            view.building, devices, building_id=building_id, room_types=view.room_types
        )
        if validate:
            brick.require_valid(graph)
        return graph.serialize(format="turtle", encoding="utf-8")

    def cobie_xlsx(self, building_id: str, *, contact: str = cobie.DEFAULT_CONTACT) -> bytes:
        """The COBie 2.4 handover workbook with the devices' ids, states and latest readings."""
        view = self.queries.view(building_id)
        service = self.queries.twin.devices
        states = {s.device_id: s for s in service.states(building_id)}
        return cobie.cobie_xlsx(
            view.building,
            devices=service.devices(building_id),
            states=states,
            room_types=view.room_types,
            contact=contact,
        )
