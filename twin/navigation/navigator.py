"""Routes and rounds over one building with the twin's references and faults.

References are those of :meth:`spatial.routing.Router.resolve` (GlobalId,
room number or name, equipment tag or name, ``outside``) plus
``alarm:<id>`` and ``work-order:<id>``: the equipment or room the alarm or
work order is about. Lifts whose devices report a fault now are out of
service for every route and round, beside those the caller names.

Examples
--------
>>> navigator = navigator_for_registered("demo")  # doctest: +SKIP
>>> answer = navigator.route("outside", "alarm:3f2a")  # doctest: +SKIP
>>> answer.length_m, answer.lifts_out_of_service  # doctest: +SKIP
(41.2, ('2O2Fr$t4X7Zf8NOew3FLOH',))
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from spatial.records import Building
from spatial.rounds import plan_round
from spatial.routing import Constraints, Router
from twin.devices.errors import UnknownAlarmError, UnknownWorkOrderError
from twin.navigation.errors import NoTwinStateError, UnplacedReferenceError
from twin.navigation.lifts import lifts_out_of_service
from twin.navigation.results import RoundAnswer, RouteAnswer

if TYPE_CHECKING:
    from twin.buildings.ingest import Progress
    from twin.devices.hub import DeviceService
    from twin.settings import Settings

#: Prefixes of references to the twin's alarms and work orders.
ALARM_PREFIX = "alarm:"
WORK_ORDER_PREFIX = "work-order:"


class Navigator:
    """Routes and rounds over one building.

    Parameters
    ----------
    router
        The building's compiled router (built once per loaded building).
    building_id
        The registered building's id; ``None`` for a building read from files.
    devices
        The twin's device service: alarms, work orders and device states.
        Without it, ``alarm:`` and ``work-order:`` references are refused and
        no lift is taken out of service by a device.
    """

    def __init__(
        self,
        router: Router,
        *,
        building_id: str | None = None,
        devices: DeviceService | None = None,
    ) -> None:
        self.router = router
        self.building_id = building_id
        self.devices = devices

    @property
    def building(self) -> Building:
        return self.router.building

    @cached_property
    def _walkable(self) -> frozenset[str]:
        """GlobalIds a route can lead to directly: rooms and equipment in a room."""
        b = self.building
        rooms = {s.global_id for s in b.spaces}
        return frozenset(rooms | {e.global_id for e in b.equipment if e.space_id in rooms})

    # ------------------------------------------------------------ references
    def resolve(self, ref: str) -> str:
        """``ref`` with ``alarm:<id>`` / ``work-order:<id>`` replaced by the GlobalId
        of the equipment or room they are about; other references unchanged.

        Raises
        ------
        NoTwinStateError
            For an alarm or work order of a building read from files alone.
        UnknownAlarmError, UnknownWorkOrderError
            For an unknown id, or one of another building.
        UnplacedReferenceError
            When the alarm or work order is about no room or equipment.
        """
        for prefix in (ALARM_PREFIX, WORK_ORDER_PREFIX):
            if ref.startswith(prefix) and len(ref) > len(prefix):
                return self._place_of(prefix, ref[len(prefix) :])
        return ref

    def _place_of(self, prefix: str, ident: str) -> str:
        if self.devices is None or self.building_id is None:
            raise NoTwinStateError(
                f"{prefix}{ident}: alarms and work orders belong to a registered building"
            )
        if prefix == ALARM_PREFIX:
            alarm = self.devices.alarm(ident)
            if alarm.building_id != self.building_id:
                raise UnknownAlarmError(f"alarm {ident!r} is not in building {self.building_id!r}")
            device = self.devices.device(alarm.device_id)
            return self._walk_to(alarm.global_id, device.space_id, f"alarm {ident!r}")
        order = self.devices.work_order(ident)
        if order.building_id != self.building_id:
            raise UnknownWorkOrderError(
                f"work order {ident!r} is not in building {self.building_id!r}"
            )
        return self._walk_to(order.global_id, order.space_id, f"work order {ident!r}")

    def _walk_to(self, global_id: str | None, space_id: str | None, what: str) -> str:
        """The equipment itself when a route can reach it, else its room."""
        if global_id and global_id in self._walkable:
            return global_id
        if space_id:
            return space_id
        raise UnplacedReferenceError(f"{what} is about no room or equipment of the model")

    def lifts_out_of_service(self) -> tuple[str, ...]:
        """Lifts whose devices (or lift controllers) report a fault now, sorted."""
        if self.devices is None or self.building_id is None:
            return ()
        faulty = self.devices.faulty_elements(self.building_id)
        return tuple(sorted(lifts_out_of_service(self.building, faulty)))

    def _constraints(
        self, no_stairs: bool, avoid: Sequence[str], out_of_service: Sequence[str]
    ) -> Constraints:
        return self.router.constraints(
            no_stairs=no_stairs,
            avoid=[self.resolve(a) for a in avoid],
            out_of_service=out_of_service,
        )

    # --------------------------------------------------------------- queries
    def route(
        self,
        origin: str,
        destination: str,
        *,
        no_stairs: bool = False,
        avoid: Sequence[str] = (),
        out_of_service: Sequence[str] = (),
    ) -> RouteAnswer:
        """The quickest walking route from ``origin`` to ``destination``.

        ``avoid`` holds room references or room types to keep out of;
        ``out_of_service`` GlobalIds of doors, stairs or lifts not to use
        (faulty lifts are added).

        Raises
        ------
        spatial.errors.RoutingError
            Its subclasses: an unknown or ambiguous place, no route under the
            constraints (the message says which one stops it), or a
            :class:`~twin.navigation.errors.NavigationError`.
        twin.devices.errors.DeviceError
            An unknown alarm or work order.
        """
        broken = self.lifts_out_of_service()
        constraints = self._constraints(no_stairs, avoid, [*out_of_service, *broken])
        found = self.router.route(self.resolve(origin), self.resolve(destination), constraints)
        return RouteAnswer.answer(found, broken)

    def round(
        self,
        origin: str,
        targets: Sequence[str],
        *,
        no_stairs: bool = False,
        avoid: Sequence[str] = (),
    ) -> RoundAnswer:
        """A maintenance round from ``origin`` over ``targets`` in the order that keeps
        the walk short; faulty lifts are not used. Raises as :meth:`route`."""
        broken = self.lifts_out_of_service()
        constraints = self._constraints(no_stairs, avoid, broken)
        planned = plan_round(
            self.router,
            self.resolve(origin),
            [self.resolve(t) for t in targets],
            constraints,
        )
        return RoundAnswer.answer(planned, broken)


def navigator_for_files(
    paths: Sequence[Path], *, use_cache: bool = True, progress: Progress | None = None
) -> Navigator:
    """A navigator over a building read from IFC files (cached after the first read):
    no alarms, work orders or device faults.

    Raises
    ------
    ifc_models.errors.IfcModelError
        For unreadable input.
    """
    from twin.buildings.ingest import ingest

    return Navigator(ingest(paths, use_cache=use_cache, progress=progress).router())


def navigator_for_registered(building_id: str, settings: Settings | None = None) -> Navigator:
    """A navigator over a registered building with the alarms, work orders and
    device states stored in the twin's database (``TWIN_DATA_DIR`` or
    ``TWIN_DATABASE_URL``), as they are now.

    Raises
    ------
    twin.buildings.registry.RegistryError
        For an unknown building id.
    ifc_models.errors.IfcModelError
        When the registered files cannot be read.
    """
    from twin.service import Twin
    from twin.settings import get_settings

    twin = Twin(settings or get_settings())
    try:
        result = twin.buildings.load(building_id)
        # Read the stored state once; the writer has nothing to write for us.
        twin.devices.open()
        twin.devices.close()
    finally:
        twin.engine.dispose()
    return Navigator(result.router(), building_id=building_id, devices=twin.devices)
