"""Errors of office allocations.

Catch :class:`AllocationError` for "these allocations cannot be used";
:class:`AllocationImportError` carries every bad row so a housing officer can
fix a file in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence

from twin.housing.allocations.records import RowError
from twin.housing.errors import HousingError


class AllocationError(HousingError):
    """Base error of the allocations package."""


class AllocationFileError(AllocationError):
    """An allocation file cannot be read at all (format, encoding, missing columns)."""


class AllocationImportError(AllocationError):
    """One or more rows are bad; nothing was applied.

    ``errors`` lists every bad row with its row number, column and reason.
    """

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = tuple(errors)
        rows = sorted({e.row for e in self.errors})
        super().__init__(f"{len(self.errors)} error(s) in {len(rows)} row(s); nothing applied")
