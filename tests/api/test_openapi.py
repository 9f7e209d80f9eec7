"""The OpenAPI document is the contract: committed, typed, named, and true.

- the committed ``api/openapi.json`` is the running app's document (drift check:
  regenerate it with ``twin openapi --out api/openapi.json``);
- every JSON answer has a schema (no bare object or ``Any``), every operation a
  human operation id and declared problem responses;
- answers of the main operations match their schemas exactly: the response
  schemas forbid undeclared fields, so a field added to an answer without its
  schema fails here (and in the fuzzing contract test).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from api.app import create_app
from api.openapi import openapi_text
from tests.api.conftest import Served

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "api" / "openapi.json"
CAMEL = re.compile(r"^[a-z]+(?:[A-Z][a-z0-9]*)*$")
#: Operations whose 200 answer is not JSON (files, the stream, Prometheus text).
NOT_JSON = {"getScene", "getPlan", "streamEvents", "getMetrics", "exportAllocations",
            "getRoomCalendar", "getBookingCalendar", "getVisitorRoutePdf",
            "exportBrick", "exportCobie", "exportBcf", "getEnergyReport"}  # fmt: skip


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(openapi_text(create_app()))


def operations(document: dict[str, Any]):  # type: ignore[no-untyped-def]
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_committed_document_is_the_running_apps(document):
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == document, (
        "api/openapi.json is stale: run `twin openapi --out api/openapi.json` and commit it"
    )


def _refs(node: Any):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_reference_resolves_in_the_document(document):
    # A client generator reads the document on its own: a dangling $ref stops it.
    def resolves(ref: str) -> bool:
        node: Any = document
        for part in ref.removeprefix("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    refs = set(_refs(document))
    assert refs and all(r.startswith("#/") for r in refs)
    assert [r for r in refs if not resolves(r)] == []


def test_the_viewer_reaches_the_api_only_through_the_generated_client():
    # `npm run check` type-checks calls made through `client` (viewer/src/api.js);
    # a bare fetch elsewhere would call the API unchecked.
    code = re.compile(r"\bfetch\(|new EventSource\(|XMLHttpRequest")
    sources = sorted((ROOT / "viewer" / "src").glob("*.js"))
    assert len(sources) > 5
    bare = [p.name for p in sources if p.name != "api.js" and code.search(p.read_text("utf-8"))]
    assert bare == []


def test_every_operation_has_a_unique_human_id(document):
    ids = [op["operationId"] for _, _, op in operations(document)]
    assert len(ids) == len(set(ids))
    assert all(CAMEL.match(i) for i in ids), [i for i in ids if not CAMEL.match(i)]
    assert {"listBuildings", "getRoute", "getSpace", "listAlarms", "getHistory"} <= set(ids)


def _bare(schema: dict[str, Any]) -> bool:
    """An untyped schema: empty, or an object with no properties, nor typed values."""
    if not schema:
        return True
    if "$ref" in schema:
        return False
    if schema.get("type") == "array":
        return _bare(schema.get("items", {}))
    if schema.get("type") == "object":
        extra = schema.get("additionalProperties")
        return "properties" not in schema and not (isinstance(extra, dict) and extra)
    return False


def test_every_json_answer_is_typed_and_errors_are_problems(document):
    untyped = []
    for path, method, op in operations(document):
        ok = {s: r for s, r in op["responses"].items() if s.startswith("2")}
        for status, response in ok.items():
            content = response.get("content", {})
            if op["operationId"] in NOT_JSON or status == "204":
                continue
            schema = content.get("application/json", {}).get("schema", {})
            if _bare(schema):
                untyped.append(f"{method.upper()} {path} {status}")
        if op["operationId"] not in ("getMetrics", "getHealth"):
            problems = [s for s, r in op["responses"].items() if "application/problem+json"
                        in r.get("content", {})]  # fmt: skip
            assert problems, f"{method.upper()} {path} declares no problem responses"
    assert not untyped, untyped


def test_the_main_schemas_carry_examples(document):
    schemas = document["components"]["schemas"]
    for name in ("BuildingOut", "BuildingSummary", "SpaceDetail", "ElementOut", "RouteOut",
                 "DeviceOut", "AlarmOut", "UsageOut", "ComplianceOut", "Problem"):  # fmt: skip
        assert schemas[name].get("examples"), name


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> Any:
    # The components resolve by JSON pointer from a root holding them.
    root = {**schema, "components": document["components"]}
    return jsonschema_rs.Draft202012Validator(root)


ANSWERS = [
    ("listBuildings", "/api/v1/buildings"),
    ("getBuilding", "/api/v1/buildings/A"),
    ("listStoreys", "/api/v1/buildings/A/storeys"),
    ("listSpaces", "/api/v1/buildings/A/spaces"),
    ("getUsage", "/api/v1/buildings/A/usage"),
    ("getCompliance", "/api/v1/buildings/A/compliance"),
    ("getRoute", "/api/v1/buildings/A/route?from=outside&to={room}"),
    ("getSpace", "/api/v1/buildings/A/spaces/{room}"),
    ("getElement", "/api/v1/buildings/A/elements/{equipment}"),
    ("listDevices", "/api/v1/devices?building=A"),
    ("getDevice", "/api/v1/devices/{device}"),
    ("getHistory", "/api/v1/devices/{device}/history"),
    ("getBinding", "/api/v1/binding?building=A"),
    ("getOccupancy", "/api/v1/occupancy?building=A"),
    ("getEnergy", "/api/v1/buildings/A/energy?from=2024-03-04T00:00:00Z&to=2024-03-05T01:00:00Z"),
    ("countDeviceStatuses", "/api/v1/devices-summary"),
    ("getRejections", "/api/v1/readings/rejections"),
    ("listAlarms", "/api/v1/alarms"),
    ("listWorkOrders", "/api/v1/work-orders"),
    ("planWorkOrderRound", "/api/v1/work-orders/round?building=A&start=outside"),
    ("getAllocationHistory", "/api/v1/buildings/A/allocations/history?room={room}"),
    ("listKeys", "/api/v1/keys"),
    ("getHealth", "/health"),
]


def test_the_main_answers_match_their_schemas_exactly(served: Served, document):
    client, admin = served.client, served.as_("admin")
    spaces = client.get("/api/v1/buildings/A/spaces", headers=admin).json()
    devices = client.get("/api/v1/devices?building=A", headers=admin).json()
    bound = next(d for d in devices if d["global_id"])
    names = {"room": spaces[0]["global_id"], "equipment": bound["global_id"],
             "device": bound["device_id"]}  # fmt: skip
    by_id = {op["operationId"]: op for _, _, op in operations(document)}
    for operation_id, template in ANSWERS:
        answer = client.get(template.format(**names), headers=admin)
        assert answer.status_code == 200, (operation_id, answer.text)
        schema = by_id[operation_id]["responses"]["200"]["content"]["application/json"]["schema"]
        errors = list(_validator(document, schema).iter_errors(answer.json()))
        assert not errors, (operation_id, [str(e) for e in errors[:3]])


def test_a_field_the_schema_does_not_describe_fails_the_check(document):
    schema = {"$ref": "#/components/schemas/StoreyOut"}
    good = {"global_id": "x", "name": "F01", "elevation_m": 0.0, "spaces": 3}
    assert not list(_validator(document, schema).iter_errors(good))
    assert list(_validator(document, schema).iter_errors({**good, "surprise": 1}))
