"""Errors of navigation: the whole tree a caller of :mod:`twin.navigation` catches.

:class:`NavigationError` derives from :class:`spatial.errors.RoutingError`, so
a caller that handles routing errors (the API, the command line) handles
these too; catch the narrow class to tell them apart. The routing errors of
:mod:`spatial.errors` are named here as well, so that callers above ``twin``
need not reach into ``spatial``.
"""

from __future__ import annotations

from spatial.errors import AmbiguousPlaceError, NoRouteError, RoutingError, UnknownPlaceError


class NavigationError(RoutingError):
    """Base error of :mod:`twin.navigation`."""


class UnplacedReferenceError(NavigationError, UnknownPlaceError):
    """An alarm or work order that is about no room or equipment of the model."""


class NoTwinStateError(NavigationError):
    """An ``alarm:`` or ``work-order:`` reference on a building read from files
    alone, which has no alarms or work orders."""


__all__ = [
    "AmbiguousPlaceError",
    "NavigationError",
    "NoRouteError",
    "NoTwinStateError",
    "RoutingError",
    "UnknownPlaceError",
    "UnplacedReferenceError",
]
