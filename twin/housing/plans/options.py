"""How a plan is drawn: one record every plan function and its callers pass along.

The SVG storey sheet, the cover, the PDF plan set, the PNG preview and the
DXF drawing take the same :class:`PlanOptions`; the defaults (room-type
colours, no inputs, A3, today in UTC, the default room-type rules) live
here once. The options are checked when they are made, so a bad colour mode
or paper size is refused before anything is drawn.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from spatial.records import Building
from spatial.room_types import RoomTypeRules
from twin import today_utc
from twin.housing.plans.colours import COLOUR_MODES
from twin.housing.plans.errors import PlanInputError
from twin.housing.plans.inputs import PlanInputs
from twin.housing.plans.layout import DEFAULT_PAPER, sheet


def check_colour(colour: str) -> str:
    """``colour`` if it is a colour mode.

    Raises
    ------
    PlanInputError
        For a mode not in :data:`~twin.housing.plans.colours.COLOUR_MODES`.
    """
    if colour not in COLOUR_MODES:
        raise PlanInputError(f"unknown colour mode {colour!r}; modes: {', '.join(COLOUR_MODES)}")
    return colour


@dataclass(frozen=True)
class PlanOptions:
    """What to colour a plan by, with what data, on which sheet and date.

    Attributes
    ----------
    colour
        ``type``, ``compliance``, ``occupancy`` or ``live``
        (:data:`twin.housing.plans.colours.COLOUR_MODES`).
    inputs
        Per-room statuses, excess areas, occupants, departments, live states.
    paper
        Landscape sheet size (A4, A3, A2, A1; the DXF is in world metres and
        ignores it).
    on_date
        Date in the title block and on the cover (``None``: today, UTC).
    room_types
        ``{space GlobalId: room type}`` overriding the default room-type rules.

    Raises
    ------
    PlanInputError
        For an unknown colour mode or paper size.

    Examples
    --------
    >>> PlanOptions(colour="compliance").paper
    'A3'
    >>> PlanOptions(colour="rainbow")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    twin.housing.plans.errors.PlanInputError: unknown colour mode 'rainbow'; ...
    """

    colour: str = "type"
    inputs: PlanInputs = field(default_factory=PlanInputs)
    paper: str = DEFAULT_PAPER
    on_date: date | None = None
    room_types: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        check_colour(self.colour)
        sheet(self.paper)

    @property
    def day(self) -> date:
        """The date the plan shows: ``on_date``, or today (UTC)."""
        return self.on_date or today_utc()

    def types_of(self, building: Building) -> dict[str, str]:
        """Every room's type (space GlobalId → type): the default rules, overridden
        by :attr:`room_types`."""
        rules = RoomTypeRules()
        types = {s.global_id: rules.classify(s) for s in building.spaces}
        types.update(self.room_types or {})
        return types

    def dated(self) -> PlanOptions:
        """The same options with the date fixed, so every page of a set shows one day."""
        return dataclasses.replace(self, on_date=self.day)
