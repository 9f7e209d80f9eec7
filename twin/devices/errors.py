"""Errors of the device domain: one base class, narrow subclasses.

Callers catch at the level they care about: :class:`DeviceError` for any of
them, or a narrow class such as :class:`UnknownDeviceError`. The API maps each
class to a problem-details type in one place (``api/errors.py``).
"""

from __future__ import annotations

from twin.errors import TwinError


class DeviceError(TwinError):
    """Base class of every device-domain error."""


class RegistryFileError(DeviceError, ValueError):
    """A device registry file (CSV/JSON) is unreadable or has bad rows.

    ``errors`` lists ``(row number, message)`` pairs, row 1 being the first data row.
    """

    def __init__(self, message: str, errors: list[tuple[int, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class UnknownDeviceError(DeviceError, KeyError):
    """No device with this id is registered."""

    def __str__(self) -> str:  # KeyError quotes its argument; we want the message.
        return str(self.args[0]) if self.args else "unknown device"


class UnknownAlarmError(DeviceError, KeyError):
    """No alarm with this id exists."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown alarm"


class UnknownWorkOrderError(DeviceError, KeyError):
    """No work order with this id exists."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown work order"


class TransitionError(DeviceError):
    """A lifecycle step that is not allowed from the current state."""


class AlarmTransitionError(TransitionError):
    """E.g. acknowledging an alarm that is already cleared."""


class WorkOrderTransitionError(TransitionError):
    """E.g. moving a work order from ``done`` back to ``open``."""


class PatrolRulesError(DeviceError, ValueError):
    """The patrol rules file is malformed."""


class MalformedPayloadError(DeviceError, ValueError):
    """A whole request body is not the expected JSON document."""


class PayloadTooDeepError(MalformedPayloadError):
    """A body is JSON nested deeper than the parser's bound."""


class BatchTooLongError(DeviceError, ValueError):
    """A batch holds more readings than :data:`twin.devices.ingestion.MAX_BATCH_READINGS`."""
