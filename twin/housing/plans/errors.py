"""Errors of the floor plans: one base class, narrow subclasses.

An unknown storey is the buildings' :class:`~twin.buildings.errors.UnknownStoreyError`
(one class for the API's storey filter and for the plans), re-exported here.
"""

from __future__ import annotations

from twin.buildings.errors import UnknownStoreyError
from twin.housing.errors import HousingError

__all__ = [
    "EmptyStoreyError",
    "PlanError",
    "PlanInputError",
    "RenderBackendError",
    "UnknownStoreyError",
]


class PlanError(HousingError):
    """Base class of every floor-plan error."""


class EmptyStoreyError(PlanError):
    """The storey has no room with a plan footprint, so there is nothing to draw."""


class PlanInputError(PlanError, ValueError):
    """A colour mode, report or option the plans cannot use."""


class RenderBackendError(PlanError):
    """The PDF/PNG renderer (cairo) is missing or failed."""
