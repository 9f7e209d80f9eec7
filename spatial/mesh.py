"""Triangle meshes of building elements, in world metres."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, eq=False)
class ElementMesh:
    """One element's triangulated body.

    ``vertices`` is an (n, 3) float64 array of world coordinates in metres,
    ``faces`` an (m, 3) int32 array of vertex indices (counter-clockwise seen
    from outside).
    """

    global_id: str
    ifc_class: str
    vertices: npt.NDArray[np.float64]
    faces: npt.NDArray[np.int32]

    @property
    def is_empty(self) -> bool:
        return len(self.faces) == 0

    @property
    def bounds(self) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        """Axis-aligned bounding box ``(min_xyz, max_xyz)`` in metres."""
        low = self.vertices.min(axis=0)
        high = self.vertices.max(axis=0)
        return (
            (float(low[0]), float(low[1]), float(low[2])),
            (float(high[0]), float(high[1]), float(high[2])),
        )

    @property
    def centre(self) -> tuple[float, float, float]:
        """Centre of the bounding box in metres."""
        low, high = self.bounds
        return (
            (low[0] + high[0]) / 2.0,
            (low[1] + high[1]) / 2.0,
            (low[2] + high[2]) / 2.0,
        )
