"""A generated municipal government office building with known answers.

:func:`generate_office_building` writes ``OUT.ifc`` and ``OUT.truth.json``
(the answers a reader must find, in metres) for tests, benchmarks and the
``twin demo`` command. The building is fictitious ("某市机关办公楼"); see
:mod:`ifc_models.demo_building.layout` for its plan, room numbers and sizes.

Example
-------
>>> import pathlib, tempfile
>>> out = pathlib.Path(tempfile.mkdtemp()) / "office.ifc"
>>> truth = generate_office_building(out, storeys=2, rooms_per_storey=12)
>>> len(truth["spaces"])
24
"""

from __future__ import annotations

import logging
import pathlib
import time
from typing import Any, Literal

from ifc_models.demo_building.layout import (
    MAX_ROOMS_PER_STOREY,
    MAX_STOREYS,
    MIN_ROOMS_PER_STOREY,
    LayoutError,
    plan_building,
)
from ifc_models.demo_building.truth import build_truth, truth_path, write_truth
from ifc_models.demo_building.writer import write_ifc

__all__ = [
    "MAX_ROOMS_PER_STOREY",
    "MAX_STOREYS",
    "MIN_ROOMS_PER_STOREY",
    "LayoutError",
    "generate_office_building",
    "truth_path",
]

logger = logging.getLogger(__name__)

SCHEMAS = ("IFC4", "IFC2X3")
UNITS = ("m", "mm")


def generate_office_building(
    out_path: pathlib.Path,
    *,
    storeys: int = 6,
    rooms_per_storey: int = 50,
    seed: int = 0,
    schema: Literal["IFC4", "IFC2X3"] = "IFC4",
    units: Literal["m", "mm"] = "m",
    space_boundaries: bool = False,
) -> dict[str, Any]:
    """Generate the demo office building and its truth sidecar.

    Parameters
    ----------
    out_path
        Where to write the IFC file. The truth goes next to it, same stem,
        suffix ``.truth.json`` (``office.ifc`` -> ``office.truth.json``).
    storeys
        Number of storeys (1 to 99), 3.6 m apart; storey 1 is the ground
        floor at elevation 0.
    rooms_per_storey
        IfcSpaces on each storey, every kind counted (corridor, stairs, lift
        lobby and both lift shafts included), 12 to 999. The building has
        exactly ``storeys * rooms_per_storey`` spaces.
    seed
        Chooses office ranks and sizes and which floors have open offices;
        also seeds every GlobalId. The same arguments give byte-identical
        files.
    schema
        ``"IFC4"`` or ``"IFC2X3"``.
    units
        Project length unit: ``"m"`` or ``"mm"`` (all coordinates scaled by
        1000). Areas are m² and volumes m³ in both.
    space_boundaries
        Also write ``IfcRelSpaceBoundary`` (PHYSICAL, INTERNAL or EXTERNAL,
        no connection geometry) from each wall and door to the spaces on its
        sides.

    Returns
    -------
    dict
        The truth, as written to the sidecar: ``generator``, ``building``,
        ``storeys``, ``spaces``, ``doors``, ``equipment``, ``stairs``,
        ``lifts``; lengths in metres, areas in m².

    Raises
    ------
    LayoutError
        (a ``ValueError``) for out-of-range counts, an unknown schema or unit.
    """
    if schema not in SCHEMAS:
        raise LayoutError(f"schema must be one of {', '.join(SCHEMAS)}, got {schema!r}")
    if units not in UNITS:
        raise LayoutError(f"units must be one of {', '.join(UNITS)}, got {units!r}")
    started = time.perf_counter()
    out_path = pathlib.Path(out_path)
    plan = plan_building(storeys=storeys, rooms_per_storey=rooms_per_storey, seed=seed)
    write_ifc(
        plan, out_path, seed=seed, schema=schema, units=units, space_boundaries=space_boundaries
    )
    truth = build_truth(
        plan, seed=seed, schema=schema, units=units, space_boundaries=space_boundaries
    )
    write_truth(truth, truth_path(out_path))
    logger.info(
        "demo building %s: %d spaces, %d doors, %d devices in %.2f s",
        out_path.name,
        len(truth["spaces"]),
        len(truth["doors"]),
        len(truth["equipment"]),
        time.perf_counter() - started,
    )
    return truth
