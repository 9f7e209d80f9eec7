"""Exporting allocations to CSV, XLSX and JSON, as bytes.

The columns are the import columns (English headers), so an exported file
re-imports unchanged. Exporters return bytes and never touch the file system.
Text that a spreadsheet would run as a formula is escaped in CSV and written
as text cells in XLSX (:mod:`twin.housing.cells`); JSON keeps it as it is.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from twin.housing.allocations.records import Allocation
from twin.housing.cells import append_text_safe, escape_text

#: Export columns, in order: the import columns plus the stored rank code.
EXPORT_COLUMNS = (
    "organisation",
    "organ_level",
    "department",
    "person_id",
    "name",
    "rank",
    "rank_code",
    "room",
    "room_global_id",
    "post",
    "valid_from",
    "valid_to",
    "approved_extra_office",
)


def export_rows(records: Iterable[Allocation]) -> list[dict[str, str]]:
    """One flat row of text per record, keyed by :data:`EXPORT_COLUMNS`."""
    rows = []
    for a in records:
        rows.append(
            {
                "organisation": a.organisation,
                "organ_level": a.organ_level,
                "department": a.department,
                "person_id": a.person_id,
                "name": a.name,
                "rank": a.rank,
                "rank_code": a.rank_code,
                # The GlobalId is the unambiguous room reference on re-import.
                "room": a.room_global_id,
                "room_global_id": a.room_global_id,
                "post": ";".join(a.posts),
                "valid_from": a.valid_from.isoformat(),
                "valid_to": a.valid_to.isoformat() if a.valid_to else "",
                "approved_extra_office": "1" if a.approved_extra_office else "0",
            }
        )
    return rows


def to_csv_bytes(records: Iterable[Allocation]) -> bytes:
    """CSV (UTF-8 with BOM, so Excel shows Chinese text) of ``records``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: escape_text(v) for k, v in row.items()} for row in export_rows(records))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx_bytes(records: Iterable[Allocation]) -> bytes:
    """XLSX workbook with one sheet ``allocations``."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "allocations"
    sheet.append(list(EXPORT_COLUMNS))
    for row in export_rows(records):
        append_text_safe(sheet, (row[c] for c in EXPORT_COLUMNS))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_json_bytes(records: Iterable[Allocation]) -> bytes:
    """JSON ``{"allocations": [...]}`` with the export columns."""
    return json.dumps({"allocations": export_rows(records)}, ensure_ascii=False, indent=1).encode(
        "utf-8"
    )
