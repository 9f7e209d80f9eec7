"""The exchange formats of registered buildings, as the running service writes and reads them.

The same exporters as ``twin export`` (:mod:`twin.exchange`), fed from the
service's own data: the loaded building, its devices, and its work orders.
"""

from __future__ import annotations

import uuid
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import datetime

from twin.buildings.queries import BuildingQueries
from twin.devices.workorders import TRANSITIONS, Note, WorkOrder, WorkOrderStatus
from twin.exchange import bcf, brick, cobie
from twin.exchange.errors import BcfError

#: A project id for BCF from the twin's building id (stable across exports).
PROJECT_NAMESPACE = uuid.UUID("6f1d1c2e-7b38-4d0f-9a51-3f0a0d6b2c11")


@dataclass(frozen=True)
class BcfImport:
    """What an import did, by work-order id; ``unknown_elements`` lists topics whose
    selected component is not an element of the building."""

    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    unknown_elements: tuple[str, ...]


def _steps(current: WorkOrderStatus, wanted: WorkOrderStatus) -> list[WorkOrderStatus]:
    """The allowed status steps from ``current`` to ``wanted``, or ``None``-free empty list."""
    path: list[WorkOrderStatus] = []
    status = current
    while status != wanted:
        following = sorted(TRANSITIONS[status])
        if not following:
            raise BcfError(f"a {current} work order cannot become {wanted}")
        status = following[0]  # type: ignore[assignment]
        path.append(status)
    return path


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

    def bcf_export(self, building_id: str, *, status: str | None = None) -> bytes:
        """The building's work orders (``status`` as for the list) as a BCF 2.1 zip."""
        view = self.queries.view(building_id)
        orders = self.queries.twin.devices.work_orders(building_id=building_id, status=status)
        project = str(uuid.uuid5(PROJECT_NAMESPACE, building_id))
        return bcf.work_orders_bcf(
            orders, view.building, project_name=view.building.name, project_id=project
        )

    def bcf_import(self, building_id: str, data: bytes, *, by: str) -> tuple[BcfImport, Future]:
        """Topics of a BCF archive as work orders of ``building_id``: all or none.

        A topic whose GUID is a work order's id updates it (title, assignee, the
        status moved on step by step, comments not yet among its notes);
        others become new work orders. Returns the report and a future that
        completes once the last order is stored.

        Raises
        ------
        BcfError
            The archive is unreadable or breaks the schema, a topic's status is
            unknown, or it would move a work order backwards (nothing is stored).
        """
        view = self.queries.view(building_id)
        service = self.queries.twin.devices
        archive = bcf.read_bcf(data)
        existing = {o.id: o for o in service.work_orders()}
        planned: list[WorkOrder] = []
        created: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        unknown: list[str] = []
        problems: list[str] = []
        for topic in archive.topics:
            try:
                fields = bcf.work_order_fields(topic)
                order = self._order_from(building_id, fields, existing.get(str(fields["id"])), by)
            except BcfError as exc:
                problems.append(str(exc))
                continue
            if order.global_id and order.global_id not in view.elements:
                unknown.append(order.id)
            before = existing.get(order.id)
            if before is None:
                created.append(order.id)
            elif before == order:
                unchanged.append(order.id)
                continue
            else:
                updated.append(order.id)
            planned.append(order)
        if problems:
            raise BcfError(
                f"{len(problems)} topic(s) cannot be imported; nothing was", tuple(problems)
            )
        future: Future = Future()
        future.set_result(None)
        for order in planned:
            future = service.put_work_order(order)
        return BcfImport(tuple(created), tuple(updated), tuple(unchanged), tuple(unknown)), future

    @staticmethod
    def _order_from(
        building_id: str, fields: dict[str, object], before: WorkOrder | None, by: str
    ) -> WorkOrder:
        status: WorkOrderStatus = fields["status"]  # type: ignore[assignment]
        notes = tuple(Note(at, author, text) for at, author, text in fields["notes"])  # type: ignore[attr-defined]
        if before is None:
            return WorkOrder(
                id=str(fields["id"]),
                building_id=building_id,
                title=str(fields["title"]),
                status=status,
                created_at=fields["created_at"],  # type: ignore[arg-type]
                updated_at=fields["updated_at"],  # type: ignore[arg-type]
                alarm_id=fields["alarm_id"],  # type: ignore[arg-type]
                device_id=fields["device_id"],  # type: ignore[arg-type]
                global_id=fields["global_id"],  # type: ignore[arg-type]
                space_id=fields["space_id"],  # type: ignore[arg-type]
                assignee=fields["assignee"],  # type: ignore[arg-type]
                notes=notes or (Note(fields["created_at"], by, "imported from BCF"),),  # type: ignore[arg-type]
            )
        if before.building_id != building_id:
            raise BcfError(f"work order {before.id} belongs to building {before.building_id}")
        order = before
        at: datetime = fields["updated_at"]  # type: ignore[assignment]
        for step in _steps(before.status, status):
            order = replace(order, status=step, updated_at=at)
            if step == "in_progress" and order.started_at is None:
                order = replace(order, started_at=at)
            if step == "done":
                order = replace(order, done_at=at)
        known = {(n.at, n.by, n.text) for n in order.notes}
        added = tuple(n for n in notes if (n.at, n.by, n.text) not in known)
        changes: dict[str, object] = {"title": fields["title"], "assignee": fields["assignee"]}
        if added:
            changes["notes"] = (*order.notes, *added)
        changed = replace(order, **changes)  # type: ignore[arg-type]
        if changed != order and changed.updated_at == before.updated_at:
            changed = replace(changed, updated_at=at)
        return changed
