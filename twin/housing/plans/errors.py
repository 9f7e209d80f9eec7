"""Errors of the floor plans: one base class, narrow subclasses."""

from __future__ import annotations


class PlanError(Exception):
    """Base class of every floor-plan error."""


class UnknownStoreyError(PlanError, LookupError):
    """No storey of the building has the requested name or GlobalId.

    ``names`` lists the storeys that do exist, for the message a person reads.
    """

    def __init__(self, requested: str, names: tuple[str, ...]) -> None:
        self.requested = requested
        self.names = names
        super().__init__(f"no storey {requested!r}; storeys: {', '.join(names) or 'none'}")


class EmptyStoreyError(PlanError):
    """The storey has no room with a plan footprint, so there is nothing to draw."""


class PlanInputError(PlanError, ValueError):
    """A colour mode, report or option the plans cannot use."""


class RenderBackendError(PlanError):
    """The PDF/PNG renderer (cairo) is missing or failed."""
