"""PDF and PNG from the SVG plans, through cairo (CairoSVG).

Cairo draws text with the first family of the SVG's ``font-family`` (Noto
Sans CJK SC, Debian package ``fonts-noto-cjk``), embedding the glyphs it uses
in the PDF, so Chinese prints correctly and stays searchable. Nothing is
downloaded at run time and nothing is written to disk: the functions return
bytes.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from types import ModuleType

from spatial.records import Building, Storey
from twin.housing.plans.errors import EmptyStoreyError, PlanInputError, RenderBackendError
from twin.housing.plans.layout import plan_storeys
from twin.housing.plans.options import PlanOptions
from twin.housing.plans.svg import cover_svg, storey_svg

log = logging.getLogger(__name__)

#: Default width of PNG previews, pixels (A3 at about 120 dpi).
DEFAULT_PNG_WIDTH_PX = 2000
#: Narrowest and widest PNG the renderer accepts, pixels.
MIN_PNG_WIDTH_PX = 16
MAX_PNG_WIDTH_PX = 20000
#: CSS pixels per inch CairoSVG converts the SVG's mm with (its default); PDF
#: pages come out at the SVG's physical size whatever this is.
PDF_DPI = 96


def _cairosvg() -> ModuleType:
    try:
        import cairosvg
    except (ImportError, OSError) as exc:  # OSError: the cairo C library is missing
        raise RenderBackendError(
            f"PDF/PNG need CairoSVG and the cairo library (Debian: libcairo2): {exc}"
        ) from exc
    return cairosvg


def svg_to_pdf(svg: str) -> bytes:
    """One PDF page (the SVG's own size, mm) from an SVG document."""
    try:
        return bytes(_cairosvg().svg2pdf(bytestring=svg.encode("utf-8")))
    except RenderBackendError:
        raise
    except Exception as exc:  # cairo reports drawing failures with assorted types
        raise RenderBackendError(f"cairo could not draw the plan as PDF: {exc}") from exc


def svg_to_png(svg: str, width_px: int = DEFAULT_PNG_WIDTH_PX) -> bytes:
    """A PNG of an SVG document, ``width_px`` wide, height in proportion, white background.

    Raises
    ------
    PlanInputError
        For a width outside ``MIN_PNG_WIDTH_PX``..``MAX_PNG_WIDTH_PX``.
    RenderBackendError
        When cairo is missing or fails.
    """
    if not MIN_PNG_WIDTH_PX <= width_px <= MAX_PNG_WIDTH_PX:
        raise PlanInputError(
            f"PNG width {width_px} px outside {MIN_PNG_WIDTH_PX}..{MAX_PNG_WIDTH_PX}"
        )
    try:
        return bytes(
            _cairosvg().svg2png(
                bytestring=svg.encode("utf-8"),
                output_width=width_px,
                background_color="white",
            )
        )
    except RenderBackendError:
        raise
    except Exception as exc:
        raise RenderBackendError(f"cairo could not draw the plan as PNG: {exc}") from exc


def pages_to_pdf(svgs: Sequence[str], *, title: str = "") -> bytes:
    """One PDF with a page per SVG document, in order.

    All pages are drawn on one cairo PDF surface, so the fonts are embedded
    once for the whole set (a CJK font subset per page would make a
    three-storey set several megabytes).

    Raises
    ------
    PlanInputError
        For an empty list of pages.
    RenderBackendError
        When cairo is missing or fails.
    """
    if not svgs:
        raise PlanInputError("a PDF needs at least one page")
    _cairosvg()
    try:
        import cairocffi
        from cairosvg.parser import Tree
        from cairosvg.surface import PDFSurface
    except (ImportError, OSError) as exc:
        raise RenderBackendError(f"PDF output needs CairoSVG and cairocffi: {exc}") from exc

    out = io.BytesIO()
    shared: dict[str, cairocffi.PDFSurface] = {}

    class _SharedPage(PDFSurface):  # type: ignore[misc]
        """A CairoSVG surface that draws onto the next page of one PDF surface."""

        def _create_surface(self, width: float, height: float):  # type: ignore[no-untyped-def]
            surface = shared.get("pdf")
            if surface is None:
                surface = shared["pdf"] = cairocffi.PDFSurface(out, width, height)
                if title:
                    surface.set_metadata(cairocffi.PDF_METADATA_TITLE, title)
                    surface.set_metadata(cairocffi.PDF_METADATA_CREATOR, "twin plan")
            else:
                surface.set_size(width, height)
            return surface, width, height

    try:
        for svg in svgs:
            _SharedPage(Tree(bytestring=svg.encode("utf-8")), None, PDF_DPI)
            shared["pdf"].show_page()
        shared["pdf"].finish()
    except Exception as exc:  # cairo reports drawing failures with assorted types
        raise RenderBackendError(f"cairo could not draw the plans as PDF: {exc}") from exc
    return out.getvalue()


def plans_pdf(
    building: Building,
    storeys: Sequence[Storey] | None = None,
    options: PlanOptions | None = None,
) -> bytes:
    """A printable plan set: a cover with the summary, then one page per storey.

    Parameters
    ----------
    building
        The building.
    storeys
        Storeys to draw, in order (default: every storey with rooms,
        :func:`twin.housing.plans.layout.plan_storeys`).
    options
        As for :func:`twin.housing.plans.svg.storey_svg`; every page shows
        the same date.

    Returns
    -------
    bytes
        A PDF of ``len(storeys) + 1`` pages, landscape ``options.paper`` (A3 default).

    Raises
    ------
    EmptyStoreyError
        When there is no storey to draw.
    RenderBackendError
        When cairo or pypdf is missing or fails.
    """
    chosen = tuple(storeys) if storeys is not None else plan_storeys(building)
    if not chosen:
        raise EmptyStoreyError(f"{building.name}: no storey has a room with a plan footprint")
    dated = (options or PlanOptions()).dated()
    pages = [cover_svg(building, chosen, dated)]
    pages += [storey_svg(building, storey, dated) for storey in chosen]
    log.info("plan set of %s: %d pages", building.name, len(pages))
    return pages_to_pdf(pages, title=f"{building.name} — 平面图 floor plans")


def storey_png(
    building: Building,
    storey: Storey,
    options: PlanOptions | None = None,
    *,
    width_px: int = DEFAULT_PNG_WIDTH_PX,
) -> bytes:
    """A PNG preview of one storey's plan, ``width_px`` wide (see :func:`svg_to_png`)."""
    return svg_to_png(storey_svg(building, storey, options), width_px)
