"""Errors of meeting-room bookings.

Catch :class:`MeetingError` for "this booking request cannot be served";
the subclasses say why, and :class:`BookingClashError` names the bookings in
the way so the organiser can pick another time.
"""

from __future__ import annotations

from collections.abc import Sequence

from twin.errors import TwinError


class MeetingError(TwinError):
    """Base error of the meetings package."""


class BadBookingError(MeetingError, ValueError):
    """A booking request that makes no sense (end before start, bad repeat, ...)."""


class NotBookableError(MeetingError):
    """The room is not a bookable meeting or reception room."""


class UnknownBookingError(MeetingError, KeyError):
    """No booking with this id in the building."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown booking"


class BookingClashError(MeetingError):
    """The room is already booked for (part of) the time; ``clashes`` are those bookings."""

    def __init__(self, message: str, clashes: Sequence[str]) -> None:
        super().__init__(message)
        self.clashes = tuple(clashes)


class OverCapacityError(MeetingError):
    """More attendees than the room seats."""


class OutsideOpeningHoursError(MeetingError):
    """The booking starts before the building opens or ends after it closes."""


class BookingStateError(MeetingError):
    """The booking's state does not allow this (e.g. approving a cancelled booking)."""
