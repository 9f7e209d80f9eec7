"""Building-data standards: what a BCF import did."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from api.schemas.common import Out


class BcfImportOut(Out):
    """Work-order ids by what the import did with their topics."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "created": ["wo-7c1d"],
                    "updated": ["wo-3f2a"],
                    "unchanged": [],
                    "unknown_elements": [],
                }
            ]
        }
    )

    created: list[str]
    updated: list[str]
    unchanged: list[str]
    unknown_elements: list[str] = Field(
        description="work orders whose selected component is no element of the building"
    )
