"""The building registry: a building id → its IFC files, stored under ``TWIN_DATA_DIR``.

``TWIN_DATA_DIR/buildings/<id>.json`` records the building (its id, the
original file names and the copies' paths); the IFC files are copied into
``TWIN_DATA_DIR/buildings/<id>/`` under generated names (``0.ifc``, ...), so a
user-supplied name never becomes a path. Buildings are read through
:func:`twin.buildings.ingest.ingest` (and its cache) on first use and kept in memory.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ifc_models.errors import IfcModelError
from spatial.records import Building
from twin.buildings.errors import BuildingError
from twin.buildings.ingest import IngestResult, Progress, ingest

log = logging.getLogger(__name__)

#: A building id: letters, digits, ``-`` and ``_`` (it is used in MQTT topics and paths).
BUILDING_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
ALLOWED_SUFFIXES = (".ifc", ".ifczip")


class RegistryError(BuildingError):
    """Base class of building-registry errors."""


class UnknownBuildingError(RegistryError, KeyError):
    """No building with this id is registered."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown building"


class BadBuildingIdError(RegistryError, ValueError):
    """A building id that is not safe to use in paths and topics."""


@dataclass(frozen=True)
class BuildingEntry:
    """A registered building: its id, original file names and stored copies."""

    building_id: str
    names: tuple[str, ...]
    paths: tuple[Path, ...]


def check_building_id(building_id: str) -> str:
    if not BUILDING_ID_PATTERN.match(building_id):
        raise BadBuildingIdError(
            f"building id {building_id!r}: use 1-64 letters, digits, '-' or '_'"
        )
    return building_id


class BuildingRegistry:
    """Registered buildings, loaded (ingested) lazily and cached in memory."""

    def __init__(
        self,
        data_dir: Path,
        *,
        cache_dir: Path | None = None,
        on_change: Callable[[str, dict[str, Any] | None], None] | None = None,
    ) -> None:
        self.root = Path(data_dir) / "buildings"
        self.cache_dir = cache_dir
        #: Called with the building id and its new record (``None``: deleted) after a
        #: change, e.g. to tell other workers (:mod:`twin.buildings.versions`).
        self.on_change = on_change
        self._loaded: dict[str, IngestResult] = {}
        self._lock = threading.Lock()
        #: Building id → how many times it was (re)registered or deleted in this
        #: process; caches derived from a building key on it.
        self.version: dict[str, int] = {}

    def register(
        self,
        building_id: str,
        paths: Sequence[Path],
        *,
        names: Sequence[str] | None = None,
        progress: Progress | None = None,
        check: bool = False,
    ) -> BuildingEntry:
        """Copy ``paths`` into the registry as building ``building_id``, replacing it atomically.

        The files are copied into a new folder; with ``check`` they are ingested
        from there first, and only a successful read replaces the registered
        building (its record is swapped with one ``os.replace``, then the old
        folder is removed). A failed read leaves the previous version
        registered and served. ``names`` are the user's file names, kept for
        display only (never used as paths).

        Raises
        ------
        BadBuildingIdError, ifc_models.errors.IfcModelError
        """
        check_building_id(building_id)
        self.root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f"{building_id}.", dir=self.root))
        try:
            copies = []
            for index, path in enumerate(paths):
                suffix = Path(path).suffix.lower()
                if suffix not in ALLOWED_SUFFIXES:
                    suffix = ".ifc"
                target = folder / f"{index}{suffix}"
                shutil.copyfile(path, target)
                copies.append(target)
            result = ingest(copies, cache_dir=self.cache_dir, progress=progress) if check else None
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        shown = tuple(names) if names is not None else tuple(Path(p).name for p in paths)
        entry = BuildingEntry(building_id, shown, tuple(copies))
        record = {
            "building_id": building_id,
            "folder": folder.name,
            "names": list(entry.names),
            "files": [p.name for p in copies],
        }
        record_path = self.root / f"{building_id}.json"
        previous = self._folder_of(record_path)
        with self._lock:
            _atomic_write_text(record_path, json.dumps(record, indent=2))
            if result is not None:
                self._loaded[building_id] = result
            else:
                self._loaded.pop(building_id, None)
            self.version[building_id] = self.version.get(building_id, 0) + 1
        if previous is not None and previous != folder:
            shutil.rmtree(previous, ignore_errors=True)
        if self.on_change is not None:
            self.on_change(building_id, record)
        return entry

    def delete(self, building_id: str) -> None:
        """Unregister a building and remove its files.

        Raises
        ------
        UnknownBuildingError
        """
        self.entry(building_id)
        record_path = self.root / f"{building_id}.json"
        folder = self._folder_of(record_path)
        with self._lock:
            record_path.unlink()
            self._loaded.pop(building_id, None)
            self.version[building_id] = self.version.get(building_id, 0) + 1
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        if self.on_change is not None:
            self.on_change(building_id, None)

    def forget(self, building_id: str) -> None:
        """Drop the loaded copy: another worker registered a new version (read on next use)."""
        with self._lock:
            self._loaded.pop(building_id, None)
            self.version[building_id] = self.version.get(building_id, 0) + 1

    def remove_orphans(self) -> list[str]:
        """Remove model folders no record names and half-written records (what a kill
        during :meth:`register` leaves); their names. Call only while no registration
        runs (at start-up, see ``twin.buildings.uploads``)."""
        if not self.root.is_dir():
            return []
        referenced = {self._folder_of(record) for record in self.root.glob("*.json")}
        removed = []
        for path in self.root.iterdir():
            if path.is_dir() and path not in referenced:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
            elif path.is_file() and path.suffix == ".tmp":
                path.unlink(missing_ok=True)
                removed.append(path.name)
        return removed

    def is_loaded(self, building_id: str) -> bool:
        """Whether the building is in memory (queries answer without reading files)."""
        with self._lock:
            return building_id in self._loaded

    def _folder_of(self, record_path: Path) -> Path | None:
        if not record_path.is_file():
            return None
        try:
            record = json.loads(record_path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return self.root / str(record.get("folder", record_path.stem))

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.stem for p in self.root.glob("*.json"))

    def entry(self, building_id: str) -> BuildingEntry:
        """The registered building.

        Raises
        ------
        UnknownBuildingError
        """
        record_path = self.root / f"{building_id}.json"
        if not BUILDING_ID_PATTERN.match(building_id) or not record_path.is_file():
            raise UnknownBuildingError(f"no building {building_id!r}")
        record = json.loads(record_path.read_text("utf-8"))
        # Records written before atomic replacement have no "folder" key.
        folder = self.root / str(record.get("folder", building_id))
        return BuildingEntry(
            building_id, tuple(record["names"]), tuple(folder / f for f in record["files"])
        )

    def load(self, building_id: str) -> IngestResult:
        """The ingested building (cached in memory after the first call).

        Raises
        ------
        UnknownBuildingError, ifc_models.errors.IfcModelError
        """
        with self._lock:
            cached = self._loaded.get(building_id)
        if cached is not None:
            return cached
        entry = self.entry(building_id)
        result = ingest(list(entry.paths), cache_dir=self.cache_dir)
        with self._lock:
            # A newer version registered meanwhile wins over this read.
            self._loaded.setdefault(building_id, result)
            return self._loaded[building_id]

    def building(self, building_id: str) -> Building | None:
        """The building's records, ``None`` when unknown or unreadable (logged)."""
        try:
            return self.load(building_id).building
        except UnknownBuildingError:
            return None
        except IfcModelError as exc:
            log.error("building %s could not be read: %s", building_id, exc)
            return None


def _atomic_write_text(target: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, target)
