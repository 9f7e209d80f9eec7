"""Errors raised while reading IFC models.

Callers catch :class:`IfcModelError` for "this input cannot be read"; the
subclasses say why. Each message names the file and what is wrong with it.
"""


class IfcModelError(Exception):
    """Base error: an IFC input cannot be read into a building."""


class IfcFileNotFoundError(IfcModelError):
    """The path does not exist or is not a file."""


class NotAnIfcFileError(IfcModelError):
    """The content is not ISO-10303-21 STEP text (nor an ifczip holding one)."""


class ArchiveError(NotAnIfcFileError):
    """An ``.ifczip`` that cannot be opened safely (see :mod:`ifc_models.archive`)."""


class DamagedArchiveError(ArchiveError):
    """The zip's directory or a member's data is broken."""


class ArchiveLayoutError(ArchiveError):
    """Not exactly one ``.ifc`` member, a nested archive, or a member name that
    leaves the archive (absolute, ``..``)."""


class ZipBombError(ArchiveError):
    """The archive would inflate beyond the limits: too many members, too many
    bytes in all, or a compression ratio no model reaches."""


class TruncatedIfcFileError(IfcModelError):
    """The STEP file ends before ``END-ISO-10303-21;``."""


class UnsupportedSchemaError(IfcModelError):
    """The file's schema is not IFC2X3, IFC4 or IFC4X3."""


class MissingUnitError(IfcModelError):
    """The project declares no length unit, so no coordinate can be trusted."""


class NoBuildingError(IfcModelError):
    """None of the files holds a building storey to anchor a twin on."""
