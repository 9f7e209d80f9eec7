"""Viewpoints saved on a work order: a camera and a selection, BCF style.

A technician saves what they were looking at (where the camera stood, where
it looked, what was selected, which storey and section planes were in use)
on the work order, so whoever opens the order later sees the same view.
Like BCF's ``<VisualizationInfo>``, coordinates are the building's world
frame (metres, Z up), the camera is a perspective camera given by its view
point, direction and up vector and its vertical field of view, and the
selection is a list of IFC GlobalIds. Unlike BCF, ``camera_direction`` is
not normalised: its length is the distance to the point the camera orbits.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Engine, String, Table, Text, select

from twin.devices.hub import DeviceService
from twin.store.db import metadata

Vector3 = tuple[float, float, float]

viewpoints = Table(
    "work_order_viewpoints",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("work_order_id", String(32), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("body", Text, nullable=False),  # the viewpoint as JSON
)


@dataclass(frozen=True, slots=True)
class Viewpoint:
    """A saved view of a work order (world metres, Z up; field of view in degrees)."""

    id: str
    work_order_id: str
    created_at: datetime
    created_by: str
    camera_view_point: Vector3
    camera_direction: Vector3
    camera_up_vector: Vector3
    field_of_view_deg: float
    selection: tuple[str, ...] = ()
    storey_id: str | None = None
    clipping_planes: tuple[dict[str, Any], ...] = ()
    title: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_BODY_FIELDS = (
    "camera_view_point",
    "camera_direction",
    "camera_up_vector",
    "field_of_view_deg",
    "selection",
    "storey_id",
    "clipping_planes",
    "title",
    "extra",
)


class ViewpointStore:
    """Viewpoints of work orders, in the twin's database."""

    def __init__(self, engine: Engine, devices: DeviceService) -> None:
        self.engine = engine
        self.devices = devices
        viewpoints.create(engine, checkfirst=True)

    def add(
        self,
        work_order_id: str,
        *,
        by: str,
        camera_view_point: Vector3,
        camera_direction: Vector3,
        camera_up_vector: Vector3,
        field_of_view_deg: float,
        selection: Sequence[str] = (),
        storey_id: str | None = None,
        clipping_planes: Sequence[dict[str, Any]] = (),
        title: str = "",
        extra: dict[str, Any] | None = None,
    ) -> Viewpoint:
        """Save a viewpoint on a work order.

        Raises
        ------
        twin.devices.errors.UnknownWorkOrderError
        """
        self.devices.work_order(work_order_id)
        viewpoint = Viewpoint(
            id=uuid.uuid4().hex,
            work_order_id=work_order_id,
            created_at=datetime.fromtimestamp(self.devices.clock(), UTC),
            created_by=by,
            camera_view_point=camera_view_point,
            camera_direction=camera_direction,
            camera_up_vector=camera_up_vector,
            field_of_view_deg=field_of_view_deg,
            selection=tuple(selection),
            storey_id=storey_id,
            clipping_planes=tuple(clipping_planes),
            title=title,
            extra=dict(extra or {}),
        )
        body = {name: getattr(viewpoint, name) for name in _BODY_FIELDS}
        with self.engine.begin() as connection:
            connection.execute(
                viewpoints.insert().values(
                    id=viewpoint.id,
                    work_order_id=work_order_id,
                    created_at=viewpoint.created_at,
                    created_by=by,
                    body=json.dumps(body, ensure_ascii=False),
                )
            )
        return viewpoint

    def list(self, work_order_id: str) -> list[Viewpoint]:
        """A work order's viewpoints, oldest first.

        Raises
        ------
        twin.devices.errors.UnknownWorkOrderError
        """
        self.devices.work_order(work_order_id)
        query = (
            select(viewpoints)
            .where(viewpoints.c.work_order_id == work_order_id)
            .order_by(viewpoints.c.created_at, viewpoints.c.id)
        )
        with self.engine.connect() as connection:
            return [_from_row(row) for row in connection.execute(query)]


def _from_row(row: Any) -> Viewpoint:
    body = json.loads(row.body)
    created = row.created_at
    if created.tzinfo is None:  # SQLite hands back naive datetimes
        created = created.replace(tzinfo=UTC)
    return Viewpoint(
        id=row.id,
        work_order_id=row.work_order_id,
        created_at=created,
        created_by=row.created_by,
        camera_view_point=tuple(body["camera_view_point"]),
        camera_direction=tuple(body["camera_direction"]),
        camera_up_vector=tuple(body["camera_up_vector"]),
        field_of_view_deg=float(body["field_of_view_deg"]),
        selection=tuple(body.get("selection", ())),
        storey_id=body.get("storey_id"),
        clipping_planes=tuple(body.get("clipping_planes", ())),
        title=body.get("title", ""),
        extra=dict(body.get("extra", {})),
    )
