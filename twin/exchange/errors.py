"""Errors of the exchange formats: one base class, narrow subclasses."""

from __future__ import annotations

from twin.errors import TwinError


class ExchangeError(TwinError):
    """Base class of every exchange-format error."""


class BrickClassError(ExchangeError, ValueError):
    """A class name that is not a Brick point (unknown, deprecated or of another kind).

    ``closest`` lists the real Brick classes nearest to the name, best first.
    """

    def __init__(self, message: str, name: str, closest: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.name = name
        self.closest = closest


class UnitError(ExchangeError, ValueError):
    """A unit with no QUDT unit the twin knows; ``closest`` lists near spellings."""

    def __init__(self, message: str, unit: str, closest: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.unit = unit
        self.closest = closest


class BrickValidationError(ExchangeError):
    """A Brick graph does not conform to the ontology's SHACL shapes.

    ``report`` is the validator's text report.
    """

    def __init__(self, message: str, report: str = "") -> None:
        super().__init__(message)
        self.report = report


class BackendMissingError(ExchangeError):
    """An optional library an export needs (brickschema, ezdxf) is not installed."""


class BcfError(ExchangeError, ValueError):
    """A BCF archive that cannot be read: not a zip, missing files, markup off the schema.

    ``problems`` lists every problem found, one line each.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems
