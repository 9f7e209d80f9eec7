"""The one archive check: hostile ``.ifczip`` files are refused from their directory,
by ``open_model`` and by uploads alike, with a narrow error."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from ifc_models.archive import check_archive, inflate, open_archive
from ifc_models.constants import MAX_ZIP_MEMBERS
from ifc_models.errors import (
    ArchiveError,
    ArchiveLayoutError,
    DamagedArchiveError,
    NotAnIfcFileError,
    ZipBombError,
)
from ifc_models.source import open_model

STEP = b"ISO-10303-21;\nHEADER;\nENDSEC;\nDATA;\nENDSEC;\nEND-ISO-10303-21;\n"


def _zip(members: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def _check(members: dict[str, bytes], **limits: int) -> zipfile.ZipInfo:
    with open_archive(_zip(members)) as archive:
        return check_archive(archive, **limits)


def test_the_single_model_of_a_plain_archive_is_found_and_inflated() -> None:
    buffer = _zip({"readme.txt": b"exported by hand", "office.ifc": STEP})
    with open_archive(buffer) as archive:
        member = check_archive(archive)
        assert member.filename == "office.ifc"
        assert b"".join(inflate(archive, member)) == STEP


@pytest.mark.parametrize("name", ["../../etc/model.ifc", "/abs/model.ifc", "C:\\model.ifc"])
def test_a_member_name_leaving_the_archive_is_refused(name: str) -> None:
    with pytest.raises(ArchiveLayoutError, match="leaves the archive"):
        _check({name: STEP})


def test_a_nested_archive_is_refused() -> None:
    inner = _zip({"model.ifc": STEP}).getvalue()
    with pytest.raises(ArchiveLayoutError, match="archive itself"):
        _check({"model.ifc": STEP, "more.ifczip": inner})


def test_too_many_members_are_refused_before_any_is_read() -> None:
    members = {f"part-{i}.txt": b"x" for i in range(MAX_ZIP_MEMBERS + 1)}
    members["model.ifc"] = STEP
    with pytest.raises(ZipBombError, match="members"):
        _check(members)


def test_the_total_of_all_members_counts_against_the_limit() -> None:
    # Each member alone is within the limit; together they are not.
    members = {"model.ifc": STEP + b" " * 600, "notes.txt": b"n" * 600}
    assert _check(members, max_unzipped_bytes=2000).filename == "model.ifc"
    with pytest.raises(ZipBombError, match="zip bomb"):
        _check(members, max_unzipped_bytes=1000)


def test_a_compression_ratio_no_model_reaches_is_refused() -> None:
    with pytest.raises(ZipBombError, match="ratio"):
        _check({"model.ifc": STEP + b"\0" * (4 * 1024 * 1024)})


def test_not_exactly_one_model_is_refused() -> None:
    with pytest.raises(ArchiveLayoutError, match="found 2"):
        _check({"a.ifc": STEP, "b.ifc": STEP})
    with pytest.raises(ArchiveLayoutError, match="found 0"):
        _check({"a.txt": STEP})


def test_inflating_stops_at_the_cap_even_when_the_directory_passed() -> None:
    buffer = _zip({"model.ifc": STEP * 100})
    with open_archive(buffer) as archive:
        member = check_archive(archive)
        with pytest.raises(ZipBombError, match="inflates beyond"):
            b"".join(inflate(archive, member, max_unzipped_bytes=len(STEP) * 10))


def test_a_damaged_archive_is_refused_as_such(tmp_path: Path) -> None:
    with pytest.raises(DamagedArchiveError, match="damaged"):
        open_archive(io.BytesIO(b"PK\x03\x04 not really a zip"))
    broken = tmp_path / "broken.ifczip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DamagedArchiveError, match=re.escape(str(broken))):
        open_model(broken)


def test_open_model_names_the_file_and_keeps_the_narrow_error(tmp_path: Path) -> None:
    packed = tmp_path / "escape.ifczip"
    packed.write_bytes(_zip({"../model.ifc": STEP}).getvalue())
    with pytest.raises(ArchiveLayoutError, match=f"^{re.escape(str(packed))}: ") as caught:
        open_model(packed)
    assert isinstance(caught.value, ArchiveError)
    assert isinstance(caught.value, NotAnIfcFileError)
