"""Office allocations: records, file import/export, validation, the store with history."""

from twin.allocations.errors import AllocationError, AllocationFileError, AllocationImportError
from twin.allocations.records import ORGAN_LEVELS, Allocation, RowError
from twin.allocations.store import AllocationStore, ImportResult

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
