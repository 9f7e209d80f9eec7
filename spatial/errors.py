"""Errors of the spatial layer.

:class:`SpatialError` is the base; routing errors derive from
:class:`RoutingError` so callers can catch at the level they care about.
"""


class SpatialError(Exception):
    """Base error of the spatial package."""


class SerializationError(SpatialError):
    """A stored building record is malformed or of an unknown version."""


class RoutingError(SpatialError):
    """Base error of route and round queries."""


class UnknownPlaceError(RoutingError):
    """A reference names no room, door, equipment or element of the building.

    ``candidates`` holds close matches to offer the user.
    """

    def __init__(self, message: str, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.candidates = candidates


class AmbiguousPlaceError(UnknownPlaceError):
    """A reference matches more than one place."""


class NoRouteError(RoutingError):
    """No route joins the two places under the given constraints."""
