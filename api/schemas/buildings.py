"""Buildings: the list, the ingest summary, storeys, upload jobs."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from api.schemas.common import Out
from twin.buildings.uploads import Job


class BuildingOut(Out):
    """A registered building; ``state`` is ``ready`` once it is loaded and queryable."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "demo",
                    "files": ["office.ifc"],
                    "state": "ready",
                    "name": "某市机关办公楼",
                    "storeys": 6,
                    "spaces": 300,
                }
            ]
        }
    )

    id: str
    files: list[str]
    state: Literal["ready", "loading", "failed"]
    name: str | None
    storeys: int | None
    spaces: int | None


class SourceOut(Out):
    """One input file of the building."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    name: str
    schema_: str = Field(alias="schema", validation_alias="schema")
    length_unit: str
    sha256: str


class NavOut(Out):
    """Size of the navigation graph; ``spaces_reachable`` counts rooms reachable from outside."""

    nodes: int
    edges: int
    components: int
    spaces_reachable: int


class BuildingSummary(Out):
    """What was read from the building's model (the ``twin ingest --json`` summary)."""

    model_config = ConfigDict(
        populate_by_name=True,
        serialize_by_alias=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "demo",
                    "name": "某市机关办公楼",
                    "files": ["office.ifc"],
                    "schema": "IFC4",
                    "sources": [
                        {
                            "name": "office.ifc",
                            "schema": "IFC4",
                            "length_unit": "METRE",
                            "sha256": "9f2c…",
                        }
                    ],
                    "storeys": 6,
                    "spaces": 300,
                    "doors": 320,
                    "stairs": 2,
                    "lifts": 2,
                    "equipment": 900,
                    "equipment_located": 900,
                    "spaces_with_footprint": 300,
                    "usable_area_m2": 6120.5,
                    "areas_compared": 300,
                    "areas_within_3pct": 300,
                    "area_references": {"Qto_SpaceBaseQuantities.NetFloorArea": 300},
                    "warnings": [],
                    "nav": {"nodes": 640, "edges": 700, "components": 1, "spaces_reachable": 300},
                    "devices": 1200,
                    "from_cache": True,
                    "timings": {"cache_s": 0.08},
                    "seconds": 0.08,
                }
            ]
        },
    )

    id: str
    name: str
    files: list[str]
    schema_: str = Field(alias="schema", validation_alias="schema")
    sources: list[SourceOut]
    storeys: int
    spaces: int
    doors: int
    stairs: int
    lifts: int
    equipment: int
    equipment_located: int
    spaces_with_footprint: int
    usable_area_m2: float = Field(
        description="sum of the rooms' usable areas (footprint, else the model's net floor "
        "area), m²"
    )
    areas_compared: int = Field(description="rooms whose footprint was compared with the model")
    areas_within_3pct: int
    area_references: dict[str, int] = Field(description="model quantity compared → rooms")
    warnings: list[str]
    nav: NavOut
    devices: int
    from_cache: bool
    timings: dict[str, float] = Field(description="seconds per stage of the read")
    seconds: float


class StoreyOut(Out):
    """A storey and its number of rooms."""

    global_id: str
    name: str
    elevation_m: float = Field(description="floor level, world Z in metres")
    spaces: int


class JobProgress(Out):
    stage: str
    done: int
    total: int


class JobOut(Out):
    """An upload job: ``queued`` → ``running`` → ``done`` or ``failed`` (``error`` says why)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "6f1c...",
                    "building_id": "hq",
                    "state": "failed",
                    "progress": {"stage": "checking", "done": 0, "total": 1},
                    "error": "office.ifc: truncated IFC file (no END-ISO-10303-21; at the end)",
                    "files": ["office.ifc"],
                }
            ]
        }
    )

    id: str
    building_id: str
    state: Literal["queued", "running", "done", "failed"]
    progress: JobProgress
    error: str | None
    files: list[str]


class JobAccepted(Out):
    """An accepted upload: poll ``status_url`` for its job."""

    job_id: str
    status_url: str


def job_out(job: Job) -> JobOut:
    return JobOut(
        id=job.id,
        building_id=job.building_id,
        state=job.state,
        progress=JobProgress(stage=job.stage, done=job.done, total=job.total),
        error=job.error,
        files=list(job.files),
    )
