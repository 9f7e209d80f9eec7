"""The base error of the housing domain.

Each housing sub-package keeps its own base below :class:`HousingError`
(``AllocationError``, ``ComplianceError``, ``StandardError``, ``PlanError``).
"""

from __future__ import annotations

from twin.errors import TwinError


class HousingError(TwinError):
    """Base class of allocation, standard, compliance and floor-plan errors."""
