"""Several files, one building: what each file contributes and how they meet.

The first file that has spaces is the host; the others (MEP, structure) are
linked models whose storeys are matched to the host's by name, else by
elevation within :data:`~ifc_models.constants.STOREY_MATCH_M`, and whose
repeated rooms (same number on the same storey) are the host's rooms.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ifc_models.constants import STOREY_MATCH_M
from ifc_models.errors import NoBuildingError
from ifc_models.properties import PropertyIndex
from ifc_models.source import OpenedModel, open_model
from ifc_models.structure import IMPLICIT_LEVEL_CLASS, StructureLookups
from spatial.records import Storey

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
Warn = Callable[[str], None]


@dataclass
class FileState:
    """One opened file, its lookups, and how its storeys and spaces map onto
    the federated building's."""

    opened: OpenedModel
    lookups: StructureLookups
    properties: PropertyIndex
    is_host: bool = False
    storey_map: dict[str, str] = field(default_factory=dict)  # own storey gid -> host gid
    space_map: dict[str, str] = field(default_factory=dict)  # own space gid -> kept gid

    @property
    def name(self) -> str:
        return self.opened.path.name

    @property
    def has_implicit_storey(self) -> bool:
        """The file has no IfcBuildingStorey: its IfcBuilding is its one level."""
        return self.lookups.level_class == IMPLICIT_LEVEL_CLASS


def open_files(paths: Sequence[Path], progress: Progress) -> list[FileState]:
    """Open and check every file, in the order given; mark the host (the
    first file with spaces, else the first file).

    Raises
    ------
    ifc_models.errors.IfcModelError
        When a file cannot be read, or no file holds a storey or a building.
    """
    files: list[FileState] = []
    for number, path in enumerate(paths):
        progress("open", number, len(paths))
        opened = open_model(Path(path))
        model = opened.model
        files.append(
            FileState(opened, StructureLookups(model, opened.length_scale_m), PropertyIndex(model))
        )
    progress("open", len(paths), len(paths))
    if not any(s.opened.model.by_type(s.lookups.level_class) for s in files):
        raise NoBuildingError(
            f"{', '.join(str(p) for p in paths)}: no IfcBuildingStorey nor IfcBuilding in any file"
        )
    hosts = [s for s in files if s.opened.model.by_type("IfcSpace")]
    host = hosts[0] if hosts else files[0]
    host.is_host = True
    return files


def host_first(files: Sequence[FileState]) -> list[FileState]:
    """The files in reading order: the host first, then the linked models."""
    return sorted(files, key=lambda s: not s.is_host)


def federate_storeys(
    files: Sequence[FileState],
    levels: Sequence[Sequence[tuple[str, str, float]]],
    warn: Warn,
) -> dict[str, Storey]:
    """One storey record per host storey, each linked file's storeys folded in.

    ``levels[i]`` holds ``(global_id, name, elevation_m)`` of the storeys of
    ``files[i]``; each file's :attr:`FileState.storey_map` is filled.
    """
    result: dict[str, Storey] = {}
    for state, storeys in zip(files, levels, strict=True):
        for storey_id, name, elevation in storeys:
            match = None if state.is_host else match_storey(name, elevation, result)
            if match is None:
                if not state.is_host:
                    warn(
                        f"{state.name}: storey {name!r} at {elevation:.2f} m "
                        "matches no storey of the host model; kept as its own storey"
                    )
                result[storey_id] = Storey(storey_id, name, elevation)
                state.storey_map[storey_id] = storey_id
            else:
                host = result[match]
                result[match] = replace(host, aliases=(*host.aliases, storey_id))
                state.storey_map[storey_id] = match
    return result


def match_storey(name: str, elevation: float, host: dict[str, Storey]) -> str | None:
    """The host storey of the same name, else the one within
    :data:`~ifc_models.constants.STOREY_MATCH_M` of ``elevation`` (metres)."""
    key = name.strip().casefold()
    for storey in host.values():
        if key and storey.name.strip().casefold() == key:
            return storey.global_id
    closest = min(host.values(), key=lambda s: abs(s.elevation_m - elevation), default=None)
    if closest is not None and abs(closest.elevation_m - elevation) <= STOREY_MATCH_M:
        return closest.global_id
    return None
