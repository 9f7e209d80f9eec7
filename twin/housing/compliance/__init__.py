"""Office-space compliance checks and their reports."""

from twin.housing.compliance.check import (
    ComplianceResult,
    GroupResult,
    Leaver,
    Occupant,
    PersonResult,
    RoomResult,
    check_compliance,
)
from twin.housing.compliance.errors import ComplianceError, RankNotInStandardError
from twin.housing.compliance.report import to_json, to_xlsx_bytes

__all__ = [
    "ComplianceError",
    "ComplianceResult",
    "GroupResult",
    "Leaver",
    "Occupant",
    "PersonResult",
    "RankNotInStandardError",
    "RoomResult",
    "check_compliance",
    "to_json",
    "to_xlsx_bytes",
]
