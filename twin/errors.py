"""The root of every error the twin raises.

Each sub-package of ``twin`` has one base class derived from :class:`TwinError`
(``BuildingError``, ``DeviceError``, ``HousingError``, ``KeyStoreError``,
``FaultSpecError``) and narrow subclasses below it, the networkx way: a caller
catches ``TwinError`` for "the twin refused this", a package base for "this
domain refused it", or one narrow class. The API maps them to problem details
in one table (``api/errors.py``); the command line turns them into exit code 2.

The domain never knows HTTP: status codes, media types and problem types live
in ``api``.
"""

from __future__ import annotations


class TwinError(Exception):
    """Base class of every error raised by the twin's domain code."""
