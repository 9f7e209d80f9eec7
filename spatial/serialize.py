"""Building records and navigation graphs to and from JSON-ready dicts (the
on-disk cache format).

Geometry is stored as hex WKB (exact, compact, and parsed by shapely in one
vectorised call); everything else as plain JSON values (floats round-trip
exactly through JSON). No pickle: a cache file is data, never code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, fields
from typing import Any

import networkx as nx
import shapely

from spatial.errors import SerializationError
from spatial.records import (
    Building,
    Door,
    Equipment,
    OpenConnection,
    SourceFile,
    Space,
    Storey,
    VerticalLink,
    Zone,
)

#: Bumped whenever the shape of the stored records or graph changes.
FORMAT_VERSION = 3

_GEOMETRY_FIELDS = {"footprint", "opening", "plan"}
_TUPLE_FIELDS = {
    "aliases",
    "zones",
    "space_ids",
    "storey_ids",
    "classifications",
    "centre",
    "bbox_min",
    "bbox_max",
    "midpoint",
}


def building_to_dict(building: Building) -> dict[str, Any]:
    """A JSON-ready dict of ``building``; inverse of :func:`building_from_dict`."""
    return {
        "format_version": FORMAT_VERSION,
        "name": building.name,
        "global_id": building.global_id,
        "true_north_deg": building.true_north_deg,
        "warnings": list(building.warnings),
        "sources": [asdict(s) for s in building.sources],
        "storeys": [_record(s) for s in building.storeys],
        "spaces": [_record(s) for s in building.spaces],
        "doors": [_record(d) for d in building.doors],
        "openings": [_record(o) for o in building.openings],
        "links": [_record(v) for v in building.links],
        "equipment": [_record(e) for e in building.equipment],
        "zones": [_record(z) for z in building.zones],
    }


def building_from_dict(data: Mapping[str, Any]) -> Building:
    """Rebuild a :class:`Building` from :func:`building_to_dict` output.

    Raises :class:`SerializationError` for another format version or a
    malformed document.
    """
    if data.get("format_version") != FORMAT_VERSION:
        raise SerializationError(
            f"stored building has format {data.get('format_version')!r}, expected {FORMAT_VERSION}"
        )
    try:
        return Building(
            name=data["name"],
            global_id=data["global_id"],
            true_north_deg=data.get("true_north_deg"),
            warnings=tuple(data["warnings"]),
            sources=tuple(SourceFile(**s) for s in data["sources"]),
            storeys=tuple(_restore(Storey, s) for s in data["storeys"]),
            spaces=tuple(_restore(Space, s) for s in data["spaces"]),
            doors=tuple(_restore(Door, d) for d in data["doors"]),
            openings=tuple(_restore(OpenConnection, o) for o in data["openings"]),
            links=tuple(_restore(VerticalLink, v) for v in data["links"]),
            equipment=tuple(_restore(Equipment, e) for e in data["equipment"]),
            zones=tuple(_restore(Zone, z) for z in data["zones"]),
        )
    except (KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        raise SerializationError(f"malformed stored building: {exc}") from exc


def _record(record: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if f.name in _GEOMETRY_FIELDS:
            value = None if value is None else shapely.to_wkb(value, hex=True)
        elif f.name in _TUPLE_FIELDS and value is not None:
            value = list(value)
        elif isinstance(value, Mapping):
            value = dict(value)
        out[f.name] = value
    return out


def _restore(cls: type, data: Mapping[str, Any]) -> Any:
    values = dict(data)
    for name in _GEOMETRY_FIELDS & values.keys():
        if values[name] is not None:
            values[name] = shapely.from_wkb(values[name])
    for name in _TUPLE_FIELDS & values.keys():
        if values[name] is not None:
            values[name] = tuple(values[name])
    return cls(**values)


def graph_to_dict(graph: nx.Graph) -> dict[str, Any]:
    """A JSON-ready dict of a navigation graph (nodes and edges in the graph's
    order, with their attributes); inverse of :func:`graph_from_dict`. The
    building in ``graph.graph`` is stored apart (:func:`building_to_dict`)."""
    return {
        "format_version": FORMAT_VERSION,
        "nodes": [[node, data] for node, data in graph.nodes(data=True)],
        "edges": [[u, v, data] for u, v, data in graph.edges(data=True)],
    }


def graph_from_dict(data: Mapping[str, Any], building: Building) -> nx.Graph:
    """Rebuild a navigation graph of ``building`` from :func:`graph_to_dict` output.

    Raises :class:`SerializationError` for another format version or a
    malformed document.
    """
    if data.get("format_version") != FORMAT_VERSION:
        raise SerializationError(
            f"stored graph has format {data.get('format_version')!r}, expected {FORMAT_VERSION}"
        )
    graph = nx.Graph(building=building)
    try:
        for _, attributes in data["nodes"]:
            if attributes.get("pos") is not None:
                attributes["pos"] = tuple(attributes["pos"])
        for _, _, attributes in data["edges"]:
            if "path" in attributes:
                attributes["path"] = tuple(tuple(p) for p in attributes["path"])
        graph.add_nodes_from((node, attributes) for node, attributes in data["nodes"])
        graph.add_edges_from((u, v, attributes) for u, v, attributes in data["edges"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SerializationError(f"malformed stored graph: {exc}") from exc
    return graph
