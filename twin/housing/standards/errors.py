"""Errors of office-space standards."""

from twin.housing.errors import HousingError


class StandardError(HousingError):
    """Base error: a standard cannot be loaded or does not answer a question."""


class StandardFileError(StandardError):
    """A standard file is missing, unreadable or not of the expected shape."""


class UnknownLevelError(StandardError):
    """The organ level is not one the standard defines."""


class UnknownRankError(StandardError):
    """The rank (Chinese text or stable code) is not in the standard for that level."""
