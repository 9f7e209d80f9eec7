"""Errors of the energy domain: one base class, narrow subclasses."""

from __future__ import annotations

from twin.errors import TwinError


class EnergyError(TwinError):
    """Base class of every energy-domain error."""


class EnergyDataError(EnergyError, ValueError):
    """A data file (calendar, factors, quotas) is unreadable or wrong."""


class MeterConfigError(EnergyError, ValueError):
    """Meters cannot be resolved: an unknown ``feeds`` target, a cycle of
    parents, a parent of another medium, a bad apportioning rule."""


class EnergyQueryError(EnergyError, ValueError):
    """A query that cannot be answered: a bad range, grouping, medium or month."""
