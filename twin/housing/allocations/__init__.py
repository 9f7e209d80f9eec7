"""Office allocations: records, file import/export, validation, the store with history."""

from twin.housing.allocations.errors import (
    AllocationError,
    AllocationFileError,
    AllocationImportError,
)
from twin.housing.allocations.records import ORGAN_LEVELS, Allocation, RowError
from twin.housing.allocations.store import AllocationStore, ImportResult

__all__ = [
    "ORGAN_LEVELS",
    "Allocation",
    "AllocationError",
    "AllocationFileError",
    "AllocationImportError",
    "AllocationStore",
    "ImportResult",
    "RowError",
]
