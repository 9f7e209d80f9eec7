"""Floor plans for housing staff: 2D storey plans coloured by room type,
compliance, occupancy or live status, as SVG, PDF and PNG.

Every exporter returns text or bytes; only the CLI (and the API) write them
anywhere.

Examples
--------
>>> from twin.housing.plans import PlanOptions, find_storey, storey_svg, plans_pdf
>>> options = PlanOptions(colour="compliance", inputs=inputs_from_compliance_report(report))
>>> svg = storey_svg(building, find_storey(building, "F01"), options)  # doctest: +SKIP
>>> pdf = plans_pdf(building, options=options)  # doctest: +SKIP
"""

from twin.housing.plans.colours import COLOUR_MODES, PALETTES, Swatch, occupancy_class, swatch
from twin.housing.plans.errors import (
    EmptyStoreyError,
    PlanError,
    PlanInputError,
    RenderBackendError,
    UnknownStoreyError,
)
from twin.housing.plans.inputs import PlanInputs, inputs_from_compliance_report, inputs_from_report
from twin.housing.plans.layout import PaperTransform, find_storey, layout_storey, plan_storeys
from twin.housing.plans.options import PlanOptions
from twin.housing.plans.render import pages_to_pdf, plans_pdf, storey_png, svg_to_pdf, svg_to_png
from twin.housing.plans.svg import cover_svg, room_key, storey_svg

__all__ = [
    "COLOUR_MODES",
    "PALETTES",
    "EmptyStoreyError",
    "PaperTransform",
    "PlanError",
    "PlanInputError",
    "PlanInputs",
    "PlanOptions",
    "RenderBackendError",
    "Swatch",
    "UnknownStoreyError",
    "cover_svg",
    "find_storey",
    "inputs_from_compliance_report",
    "inputs_from_report",
    "layout_storey",
    "occupancy_class",
    "pages_to_pdf",
    "plan_storeys",
    "plans_pdf",
    "room_key",
    "storey_png",
    "storey_svg",
    "svg_to_pdf",
    "svg_to_png",
    "swatch",
]
