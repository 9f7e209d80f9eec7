"""Errors of compliance checks."""

from twin.housing.errors import HousingError


class ComplianceError(HousingError):
    """Base error: the check cannot be made with these inputs."""


class RankNotInStandardError(ComplianceError):
    """An allocation's rank code is not in the standard the check uses."""
