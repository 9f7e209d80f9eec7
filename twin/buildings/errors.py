"""Errors of registered buildings: one base, narrow subclasses.

:class:`BuildingError` is the base of the registry's errors
(``twin.buildings.registry``), the uploads' (``twin.buildings.uploads``) and
the queries' (below).
"""

from __future__ import annotations

from twin.errors import TwinError


class BuildingError(TwinError):
    """Base class of every error about registered buildings."""


class QueryError(BuildingError):
    """Base error of read queries over a building."""


class UnknownElementError(QueryError, KeyError):
    """No element of the building has this GlobalId."""

    def __str__(self) -> str:  # KeyError quotes its argument; we want the message.
        return str(self.args[0]) if self.args else "unknown element"


class UnknownStoreyError(UnknownElementError):
    """No storey of the building has the requested name or GlobalId.

    ``names`` lists the storeys that do exist, for the message a person reads.
    """

    def __init__(self, requested: str, names: tuple[str, ...] = (), *, building: str = "") -> None:
        self.requested = requested
        self.names = names
        where = f" in building {building!r}" if building else ""
        listed = f"; storeys: {', '.join(names) or 'none'}" if names or not building else ""
        super().__init__(f"no storey {requested!r}{where}{listed}")


class BadQueryError(QueryError, ValueError):
    """A query parameter that cannot be answered (e.g. an unknown grouping)."""


class BuildingNotReadyError(QueryError):
    """The building is registered but not loaded yet, or failed to load."""
