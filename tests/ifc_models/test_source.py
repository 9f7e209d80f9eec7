"""Opening inputs: every kind of bad file is refused with a reason naming it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ifc_models.errors import (
    IfcFileNotFoundError,
    MissingUnitError,
    NotAnIfcFileError,
    TruncatedIfcFileError,
    UnsupportedSchemaError,
)
from ifc_models.source import open_model
from tests.ifc_models.builders import build_two_rooms


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_two_rooms(tmp_path_factory.mktemp("src") / "good.ifc").path


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IfcFileNotFoundError, match="no such file"):
        open_model(tmp_path / "absent.ifc")


def test_content_that_is_not_step_is_refused_whatever_its_name(tmp_path: Path) -> None:
    fake = tmp_path / "photo.ifc"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    with pytest.raises(NotAnIfcFileError, match=r"photo\.ifc"):
        open_model(fake)


def test_a_truncated_file_is_refused(good: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.ifc"
    data = good.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(TruncatedIfcFileError, match="truncated"):
        open_model(cut)


def test_an_unsupported_schema_is_refused(good: Path, tmp_path: Path) -> None:
    other = tmp_path / "old.ifc"
    other.write_bytes(
        good.read_bytes().replace(b"FILE_SCHEMA(('IFC4'))", b"FILE_SCHEMA(('IFC2X2'))")
    )
    with pytest.raises(UnsupportedSchemaError, match="IFC2X2"):
        open_model(other)


def test_a_model_without_a_length_unit_is_refused_not_scaled_by_one(tmp_path: Path) -> None:
    import ifcopenshell

    built = build_two_rooms(tmp_path / "units.ifc")
    model = ifcopenshell.open(str(built.path))
    assignment = model.by_type("IfcUnitAssignment")[0]
    assignment.Units = [u for u in assignment.Units if u.UnitType != "LENGTHUNIT"]
    model.write(str(built.path))
    with pytest.raises(MissingUnitError, match="no length unit"):
        open_model(built.path)


def test_an_ifczip_opens_like_the_file_inside_it(good: Path, tmp_path: Path) -> None:
    packed = tmp_path / "good.ifczip"
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(good, "model.ifc")
    opened = open_model(packed)
    assert opened.schema == "IFC4"
    assert len(opened.model.by_type("IfcSpace")) == 2


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.ifczip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("model.ifc", b"ISO-10303-21;" + b"\0" * (50 * 1024 * 1024))
    with pytest.raises(NotAnIfcFileError, match="zip bomb"):
        open_model(bomb)


def test_millimetre_units_are_reported_with_their_scale(tmp_path: Path) -> None:
    opened = open_model(build_two_rooms(tmp_path / "mm.ifc", units="mm").path)
    assert opened.length_unit == "MILLIMETRE"
    assert opened.length_scale_m == pytest.approx(0.001)
    assert opened.area_scale_m2 == pytest.approx(1.0)
