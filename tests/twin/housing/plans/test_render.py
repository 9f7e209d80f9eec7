"""PDF plan sets and PNG previews: page count, paper size, searchable Chinese, pixel size."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.twin.housing.plans.helpers import demo_building, made_up_report
from twin.housing.plans import (
    PlanInputError,
    PlanOptions,
    inputs_from_compliance_report,
    plan_storeys,
    plans_pdf,
    storey_png,
)

DAY = date(2026, 1, 1)
#: A3 landscape in PDF points.
A3_POINTS = (1190.55, 841.89)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_building(tmp_path_factory.mktemp("plans-render"))[1]


def test_the_cjk_font_the_plans_name_is_installed() -> None:
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig's fc-match is not installed")
    found = subprocess.run(
        ["fc-match", "Noto Sans CJK SC"], capture_output=True, text=True, check=True
    ).stdout
    assert "NotoSansCJK" in found, f"install Debian package fonts-noto-cjk (got {found!r})"


def test_pdf_has_a_cover_and_one_a3_landscape_page_per_storey(demo, artifacts_dir) -> None:
    inputs = inputs_from_compliance_report(made_up_report(demo))
    pdf = plans_pdf(demo, options=PlanOptions(colour="compliance", inputs=inputs, on_date=DAY))
    folder = artifacts_dir / "plans" / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "demo-compliance.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(plan_storeys(demo)) + 1 == 4
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A3_POINTS, abs=0.5)
    cover = reader.pages[0].extract_text()
    assert "超标房间" in cover and "某市机关办公楼" in cover
    assert "局长办公室" in reader.pages[1].extract_text() + reader.pages[2].extract_text()
    assert len(pdf) < 3_000_000  # fonts embedded once for the set


def test_png_has_the_requested_width_a3_proportions_and_content(demo, artifacts_dir) -> None:
    storey = plan_storeys(demo)[1]
    png = storey_png(demo, storey, PlanOptions(on_date=DAY), width_px=1200)
    (artifacts_dir / "plans" / "demo").mkdir(parents=True, exist_ok=True)
    (artifacts_dir / "plans" / "demo" / "F02-type.png").write_bytes(png)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (1200, round(1200 * 297 / 420))
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # not a blank or single-colour sheet


def test_png_width_is_bounded(demo) -> None:
    with pytest.raises(PlanInputError, match="PNG width"):
        storey_png(demo, plan_storeys(demo)[0], width_px=5)
