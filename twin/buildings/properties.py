"""Full properties of a building's elements (property sets, quantities, type,
classification), for the viewer's properties panel.

They are read from the IFC files by :func:`ifc_models.properties.read_element_properties`
the first time any element of a building is asked for, and cached as
``properties.json`` in the building's ingest cache folder (beside
``building.json``), so cold ingest and navigation never wait for them and a
restart reads JSON, not IFC. The last few buildings' tables stay in memory,
each element's record as its JSON text: strings are invisible to Python's
cyclic garbage collector, whereas a large model's records as dicts (hundreds
of thousands of objects) made every full collection pause the whole service.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ifc_models.properties import read_element_properties
from twin.buildings.errors import UnknownElementError
from twin.buildings.ingest import atomic_write, cache_folder
from twin.buildings.registry import BuildingRegistry

log = logging.getLogger(__name__)

#: Name of the cached table in a building's cache folder; the number changes
#: whenever the shape of a record does.
PROPERTIES_FILE = "properties-1.json"
#: Buildings whose tables are kept in memory (a large model's is a few MB).
KEEP_IN_MEMORY = 4


class ElementProperties:
    """Full properties of elements by building id and GlobalId."""

    def __init__(self, registry: BuildingRegistry) -> None:
        self.registry = registry
        self._tables: OrderedDict[tuple[str, int], _Table] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, building_id: str, global_id: str) -> dict[str, Any]:
        """One element's record (see :func:`read_element_properties`).

        Raises
        ------
        twin.buildings.registry.UnknownBuildingError
        UnknownElementError
            The building has no product with this GlobalId.
        ifc_models.errors.IfcModelError
            The building's files cannot be read.
        """
        table = self._table(building_id)
        try:
            text = table.records[global_id]
        except KeyError:
            raise UnknownElementError(f"no element {global_id!r} in {building_id!r}") from None
        record: dict[str, Any] = json.loads(text)
        return record

    def names(self, building_id: str) -> list[dict[str, Any]]:
        """Every product's GlobalId, class, name and storey (a model tree's labels).

        Raises
        ------
        twin.buildings.registry.UnknownBuildingError, ifc_models.errors.IfcModelError
        """
        return [
            {"global_id": gid, "ifc_class": cls, "name": name, "storey": storey}
            for gid, cls, name, storey in self._table(building_id).names
        ]

    def _table(self, building_id: str) -> _Table:
        entry = self.registry.entry(building_id)
        key = (building_id, self.registry.version.get(building_id, 0))
        # One reader at a time: two first clicks must not read the IFC twice.
        with self._lock:
            table = self._tables.get(key)
            if table is None:
                table = _Table.of(self._load(list(entry.paths)))
                self._tables[key] = table
                while len(self._tables) > KEEP_IN_MEMORY:
                    self._tables.popitem(last=False)
            self._tables.move_to_end(key)
            return table

    def _load(self, paths: list[Path]) -> dict[str, dict[str, Any]]:
        target = cache_folder(paths, cache_dir=self.registry.cache_dir) / PROPERTIES_FILE
        if target.is_file():
            try:
                table: dict[str, dict[str, Any]] = json.loads(target.read_text("utf-8"))
                return table
            except (OSError, ValueError) as exc:
                log.warning("ignoring unreadable %s: %s", target, exc)
        table = read_element_properties(paths)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(table, ensure_ascii=False, separators=(",", ":"))
        atomic_write(target, text.encode("utf-8"))
        return table


@dataclass(frozen=True)
class _Table:
    """One building's records as JSON text by GlobalId, and the tree's labels."""

    records: dict[str, str]
    names: tuple[tuple[str, str, str, str | None], ...]

    @classmethod
    def of(cls, table: dict[str, dict[str, Any]]) -> _Table:
        return cls(
            records={
                gid: json.dumps(record, ensure_ascii=False, separators=(",", ":"))
                for gid, record in table.items()
            },
            names=tuple((gid, r["ifc_class"], r["name"], r["storey"]) for gid, r in table.items()),
        )
