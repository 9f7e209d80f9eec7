"""Opening IFC inputs safely: STEP text or ``.ifczip``, checked before parsing.

A file is hashed, sniffed by content (not by its name), checked for a
complete STEP body and a supported schema, then parsed by ifcopenshell. Every
failure raises a narrow :class:`~ifc_models.errors.IfcModelError` naming the
file, so the command line can exit 2 with a one-line reason.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import ifcopenshell
import ifcopenshell.util.unit

from ifc_models.archive import check_archive, inflate, open_archive
from ifc_models.constants import HEADER_SNIFF_BYTES, TRAILER_SNIFF_BYTES
from ifc_models.errors import (
    ArchiveError,
    IfcFileNotFoundError,
    MissingUnitError,
    NotAnIfcFileError,
    TruncatedIfcFileError,
    UnsupportedSchemaError,
)

log = logging.getLogger(__name__)

#: Schemas the reader accepts (IFC4X3 files may carry a release suffix).
SUPPORTED_SCHEMAS = ("IFC2X3", "IFC4", "IFC4X3")


@dataclass(frozen=True)
class OpenedModel:
    """A parsed IFC file with what the reader needs to know about it."""

    path: Path
    sha256: str
    model: ifcopenshell.file
    schema: str
    length_unit: str
    length_scale_m: float
    area_scale_m2: float


def step_bytes(path: Path, raw: bytes) -> bytes:
    """The STEP text in ``raw`` (the bytes of ``path``): itself, or the single IFC of a zip
    (checked by :func:`ifc_models.archive.check_archive`)."""
    if not raw.startswith(b"PK"):
        return raw
    try:
        with open_archive(io.BytesIO(raw)) as archive:
            return b"".join(inflate(archive, check_archive(archive)))
    except ArchiveError as exc:
        raise type(exc)(f"{path}: {exc}") from None


def check_step_text(path: Path, data: bytes) -> str:
    """Check the STEP envelope and return the declared schema name.

    Raises :class:`NotAnIfcFileError` when the content is not ISO-10303-21,
    :class:`TruncatedIfcFileError` when it ends early and
    :class:`UnsupportedSchemaError` for schemas other than IFC2X3/IFC4/IFC4X3.
    """
    if b"ISO-10303-21;" not in data[:HEADER_SNIFF_BYTES]:
        raise NotAnIfcFileError(f"{path}: not an IFC file (no ISO-10303-21 header)")
    if b"END-ISO-10303-21;" not in data[-TRAILER_SNIFF_BYTES:]:
        raise TruncatedIfcFileError(f"{path}: truncated IFC file (no END-ISO-10303-21; at the end)")
    start = data.find(b"FILE_SCHEMA")
    if start < 0:
        raise NotAnIfcFileError(f"{path}: no FILE_SCHEMA in the header")
    end = data.find(b";", start)
    declared = data[start:end].decode("ascii", "replace")
    schema = declared.split("'")[1].upper() if declared.count("'") >= 2 else ""
    if not any(schema.startswith(s) for s in SUPPORTED_SCHEMAS) or schema.startswith("IFC4X1"):
        raise UnsupportedSchemaError(
            f"{path}: unsupported schema {schema or '(none)'!r}; "
            f"supported: {', '.join(SUPPORTED_SCHEMAS)}"
        )
    return schema


def open_model(path: Path) -> OpenedModel:
    """Read, check and parse one IFC input.

    Examples
    --------
    >>> opened = open_model(Path("Office_A_20110811.ifc"))  # doctest: +SKIP
    >>> opened.schema, opened.length_unit
    ('IFC2X3', 'METRE')
    """
    path = Path(path)
    if not path.is_file():
        raise IfcFileNotFoundError(f"{path}: no such file")
    raw = path.read_bytes()
    data = step_bytes(path, raw)
    check_step_text(path, data)
    sha = hashlib.sha256(raw).hexdigest()
    try:
        # Parsing from the path is twice as fast as from a string; a zip's
        # content has no path of its own.
        model = (
            ifcopenshell.file.from_string(data.decode("utf-8", "replace"))
            if data is not raw
            else ifcopenshell.open(str(path))
        )
    except Exception as exc:  # ifcopenshell raises bare errors for broken STEP text
        raise NotAnIfcFileError(f"{path}: the STEP text cannot be parsed ({exc})") from exc
    length_unit = ifcopenshell.util.unit.get_project_unit(model, "LENGTHUNIT")
    if length_unit is None:
        raise MissingUnitError(f"{path}: the project declares no length unit")
    unit_name = getattr(length_unit, "Name", "") or ""
    prefix = getattr(length_unit, "Prefix", None)
    return OpenedModel(
        path=path,
        sha256=sha,
        model=model,
        schema=model.schema_identifier,
        length_unit=f"{prefix}{unit_name}" if prefix else str(unit_name),
        length_scale_m=float(ifcopenshell.util.unit.calculate_unit_scale(model, "LENGTHUNIT")),
        area_scale_m2=_area_scale(model),
    )


def _area_scale(model: ifcopenshell.file) -> float:
    # A model without an explicit area unit writes areas in the square of its
    # length unit (IFC's rule for missing units is project-defined; Revit and
    # ArchiCAD always declare one, so this is only a fallback with a log line).
    if ifcopenshell.util.unit.get_project_unit(model, "AREAUNIT") is None:
        log.warning("no area unit declared; using the square of the length unit")
        return float(ifcopenshell.util.unit.calculate_unit_scale(model, "LENGTHUNIT")) ** 2
    return float(ifcopenshell.util.unit.calculate_unit_scale(model, "AREAUNIT"))
