"""One check of ``.ifczip`` archives, for every way a model comes in.

An archive is judged by its directory before a byte is inflated: at most
:data:`~ifc_models.constants.MAX_ZIP_MEMBERS` members, no member name that
leaves the archive (absolute, ``..``), no nested archive, exactly one
``.ifc`` member, declared sizes within the limit and no member with a
compression ratio above :data:`~ifc_models.constants.MAX_ZIP_RATIO`. The
model is then inflated in chunks with the same cap, since a directory can
lie about sizes. Every failure is a narrow
:class:`~ifc_models.errors.ArchiveError`.

Examples
--------
>>> with open_archive(Path("office.ifczip")) as archive:  # doctest: +SKIP
...     member = check_archive(archive)
...     data = b"".join(inflate(archive, member))
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from ifc_models.constants import (
    INFLATE_CHUNK_BYTES,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
)
from ifc_models.errors import ArchiveLayoutError, DamagedArchiveError, ZipBombError

#: Member names that are archives themselves (never inflated twice).
NESTED_SUFFIXES = (".zip", ".ifczip", ".gz", ".7z", ".rar", ".tar")


def open_archive(source: Path | IO[bytes]) -> zipfile.ZipFile:
    """The zip at ``source`` (a path or a binary stream), opened for reading.

    Raises
    ------
    DamagedArchiveError
        When the zip's directory cannot be read.
    """
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DamagedArchiveError(f"a damaged zip archive ({exc})") from None


def check_archive(
    archive: zipfile.ZipFile, *, max_unzipped_bytes: int = MAX_UNZIPPED_BYTES
) -> zipfile.ZipInfo:
    """Check the archive's directory; its one ``.ifc`` member.

    Parameters
    ----------
    archive
        An open zip (:func:`open_archive`).
    max_unzipped_bytes
        The most all members may declare together, in bytes (the service
        derives it from its upload limit).

    Raises
    ------
    ZipBombError
        Too many members, more than ``max_unzipped_bytes`` declared, or a
        member compressed more than :data:`MAX_ZIP_RATIO` to one.
    ArchiveLayoutError
        A member name leaving the archive, a nested archive, or not exactly
        one ``.ifc`` member.
    """
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ZipBombError(
            f"the archive lists {len(members):,} members (at most {MAX_ZIP_MEMBERS}) "
            "— looks like a zip bomb"
        )
    for member in members:
        name = member.filename.replace("\\", "/")
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":"):
            raise ArchiveLayoutError(f"archive member {member.filename!r} leaves the archive")
        if name.lower().endswith(NESTED_SUFFIXES):
            raise ArchiveLayoutError(
                f"archive member {member.filename!r} is an archive itself; pack the .ifc alone"
            )
    total = sum(m.file_size for m in members)
    worst = max(members, key=lambda m: m.file_size / max(m.compress_size, 1), default=None)
    ratio = worst.file_size / max(worst.compress_size, 1) if worst is not None else 0.0
    if total > max_unzipped_bytes or ratio > MAX_ZIP_RATIO:
        raise ZipBombError(
            f"refusing to inflate the archive ({total:,} bytes, ratio {ratio:.0f}:1; "
            f"limits {max_unzipped_bytes:,} bytes, {MAX_ZIP_RATIO}:1) — looks like a zip bomb"
        )
    models = [m for m in members if m.filename.lower().endswith(".ifc")]
    if len(models) != 1:
        raise ArchiveLayoutError(f"an ifczip must hold exactly one .ifc file, found {len(models)}")
    return models[0]


def inflate(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    *,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
) -> Iterator[bytes]:
    """The member's bytes, in chunks, stopping at ``max_unzipped_bytes``.

    Raises
    ------
    ZipBombError
        When the member inflates beyond the cap (its declared size lied).
    DamagedArchiveError
        When its data is broken (a bad CRC, a cut-off stream).
    """
    inflated = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(INFLATE_CHUNK_BYTES):
                inflated += len(chunk)
                if inflated > max_unzipped_bytes:
                    raise ZipBombError(
                        f"{member.filename} inflates beyond {max_unzipped_bytes:,} bytes "
                        "— looks like a zip bomb"
                    )
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DamagedArchiveError(f"a damaged zip archive ({exc})") from None
