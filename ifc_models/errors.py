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


class TruncatedIfcFileError(IfcModelError):
    """The STEP file ends before ``END-ISO-10303-21;``."""


class UnsupportedSchemaError(IfcModelError):
    """The file's schema is not IFC2X3, IFC4 or IFC4X3."""


class MissingUnitError(IfcModelError):
    """The project declares no length unit, so no coordinate can be trusted."""


class NoBuildingError(IfcModelError):
    """None of the files holds a building storey to anchor a twin on."""
