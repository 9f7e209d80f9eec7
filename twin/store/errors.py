"""Errors of the store: one base, narrow subclasses."""

from __future__ import annotations

from twin.errors import TwinError


class StoreError(TwinError):
    """Base class of storage and listing errors."""


class BadCursorError(StoreError, ValueError):
    """A page cursor that this list did not hand out (damaged, or of another list)."""


class MigrationError(StoreError):
    """The database could not be brought to the current schema."""
