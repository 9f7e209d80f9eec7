"""Office-space compliance checks (:mod:`.check`, the computation's records) and
their reports (:mod:`.report`: rounded frozen records for JSON, and XLSX)."""

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
from twin.housing.compliance.report import (
    ComplianceReport,
    OccupantLimit,
    RoomRow,
    StandardRef,
    VacantRoom,
    compliance_report,
    redact_report,
    to_xlsx_bytes,
)

__all__ = [
    "ComplianceError",
    "ComplianceReport",
    "ComplianceResult",
    "GroupResult",
    "Leaver",
    "Occupant",
    "OccupantLimit",
    "PersonResult",
    "RankNotInStandardError",
    "RoomResult",
    "RoomRow",
    "StandardRef",
    "VacantRoom",
    "check_compliance",
    "compliance_report",
    "redact_report",
    "to_xlsx_bytes",
]
