"""The base of every response schema, and RFC 9457 problem details."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

#: Media type of every error answer.
PROBLEM_MEDIA_TYPE = "application/problem+json"


class Out(BaseModel):
    """A response schema: built from a domain record's attributes.

    Undeclared fields are refused (``additionalProperties: false`` in the
    document): an answer can hold nothing its schema does not describe.
    """

    model_config = ConfigDict(from_attributes=True, extra="forbid")


class Problem(BaseModel):
    """An RFC 9457 problem: ``type`` is stable (``/problems/<slug>``), ``detail`` says why."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "/problems/unknown-building",
                    "title": "Unknown building",
                    "status": 404,
                    "detail": "no building 'B9'",
                }
            ]
        },
    )

    type: str = Field(description="stable URI of the problem kind")
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = Field(
        None, description="per field (validation) or per row (imports)"
    )
