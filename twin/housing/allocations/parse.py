"""Reading allocation files: CSV, XLSX and JSON, English or Chinese headers.

Columns (header names; the Chinese alias and a few spellings are accepted):

=========================  ==============  =========  =========================================
column                     alias           required   content
=========================  ==============  =========  =========================================
``organisation``           单位            yes        the organ
``department``             部门            yes        department inside it
``person_id``              工号            yes        staff number, stable across records
``name``                   姓名            yes        person's name
``rank``                   职级            yes        Chinese rank as in the standard, or code
``room``                   房间号          yes        the space's Name (room number) or GlobalId
``post``                   职务            no         posts, several separated by ``;`` or ``、``
``organ_level``            机关级别        no         default: the level given to the import
``valid_from``             起始日期        no         ``YYYY-MM-DD``; default 1900-01-01
``valid_to``               终止日期        no         ``YYYY-MM-DD``, last day; empty: open
``approved_extra_office``  批准兼用        no         ``1``/``0``, ``true``/``false``, 是/否
=========================  ==============  =========  =========================================

A CSV file is UTF-8 (a byte-order mark is accepted, as Excel writes one); an
XLSX file is read from its first sheet; a JSON file is a list of objects, or
an object with an ``"allocations"`` list. Row numbers in errors are the
spreadsheet rows (header = row 1) for CSV/XLSX and 1-based positions for JSON.

Work is bounded before it is done: a file is at most :data:`MAX_FILE_BYTES`;
the header must be among the first :data:`MAX_HEADER_ROW` rows and is checked
before any other row is read; reading stops with an error past
:data:`MAX_ROWS` rows (blank rows count: a sheet can declare a million of
them) or :data:`MAX_COLUMNS` columns; JSON deeper than :data:`MAX_JSON_DEPTH`
is refused. A text cell written escaped by our exports (``'=...``, see
:mod:`twin.housing.cells`) reads back as the original text.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from twin.housing.allocations.errors import AllocationFileError
from twin.housing.allocations.records import RowError
from twin.housing.cells import unescape_text

#: Canonical column -> accepted header aliases (compared case-folded, spaces as ``_``).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "organisation": ("单位", "organization", "org", "单位名称"),
    "department": ("部门", "dept"),
    "person_id": ("工号", "人员编号", "staff_id", "id"),
    "name": ("姓名",),
    "rank": ("职级",),
    "room": ("房间号", "房间", "room_number", "room_no"),
    "post": ("职务", "posts"),
    "organ_level": ("机关级别", "level"),
    "valid_from": ("起始日期", "开始日期", "from"),
    "valid_to": ("终止日期", "结束日期", "to"),
    "approved_extra_office": ("批准兼用", "approved"),
}
#: Largest allocation file accepted, bytes.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Rows read from a file at most, blank rows and the header included (a building's
#: staff is thousands of people, never tens of thousands).
MAX_ROWS = 20_000
#: The header must be among the first rows.
MAX_HEADER_ROW = 20
#: Columns read from a row at most (a file has 11 known columns).
MAX_COLUMNS = 64
#: Bytes the parts of an XLSX archive may inflate to at most (openpyxl reads the
#: shared strings whole).
MAX_XLSX_INFLATED_BYTES = 100 * 1024 * 1024
#: Nesting depth of a JSON allocation file at most: ``{"allocations": [{"post": [..]}]}``.
MAX_JSON_DEPTH = 6
REQUIRED_COLUMNS = ("organisation", "department", "person_id", "name", "rank", "room")
#: Separators between several posts in one cell.
POST_SEPARATORS = re.compile(r"[;；、,，]")
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是", "x", "✓"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "否"})


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row as read, values keyed by canonical column name."""

    row: int
    values: Mapping[str, Any]


class AllocationRow(BaseModel):
    """The typed content of one row, before rooms and ranks are resolved."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    organisation: str
    department: str
    person_id: str
    name: str
    rank: str
    room: str
    post: tuple[str, ...] = ()
    organ_level: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    approved_extra_office: bool = False

    @field_validator(
        "organisation", "department", "person_id", "name", "rank", "room", mode="before"
    )
    @classmethod
    def _required_text(cls, value: Any) -> str:
        text = _cell_text(value)
        if not text:
            raise ValueError("required value is empty")
        return text

    @field_validator("post", mode="before")
    @classmethod
    def _posts(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, list | tuple):
            return tuple(str(v).strip() for v in value if str(v).strip())
        return tuple(p.strip() for p in POST_SEPARATORS.split(_cell_text(value)) if p.strip())

    @field_validator("organ_level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> str | None:
        return _cell_text(value).casefold() or None

    @field_validator("valid_from", "valid_to", mode="before")
    @classmethod
    def _date(cls, value: Any) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _cell_text(value)
        if not text:
            return None
        try:
            return date.fromisoformat(text.replace("/", "-").replace(".", "-"))
        except ValueError:
            # ISO only: "03/04/2025" is ambiguous between countries.
            raise ValueError("not a date in the form YYYY-MM-DD") from None

    @field_validator("approved_extra_office", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = _cell_text(value).casefold()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueError("not a yes/no value (1/0, true/false, 是/否)")


def canonical_column(header: str) -> str | None:
    """The canonical column a header names, or ``None`` for an unknown header."""
    key = re.sub(r"\s+", "_", str(header).strip().casefold())
    for column, aliases in COLUMN_ALIASES.items():
        if key == column or key in (a.casefold() for a in aliases):
            return column
    return None


def read_rows(path: str | Path) -> list[RawRow]:
    """Rows of an allocation file (CSV, XLSX or JSON, by extension).

    Raises
    ------
    AllocationFileError
        When the file cannot be read, has an unknown extension, or lacks a
        required column.
    """
    path = Path(path)
    suffix = path.suffix.casefold()
    try:
        if suffix == ".csv":
            return rows_from_csv(path.read_bytes())
        if suffix in (".xlsx", ".xlsm"):
            return rows_from_xlsx(path.read_bytes())
        if suffix == ".json":
            return rows_from_json(path.read_bytes())
    except OSError as exc:
        raise AllocationFileError(f"cannot read {path}: {exc}") from exc
    raise AllocationFileError(f"unknown allocation file type {suffix!r} (use .csv, .xlsx or .json)")


def rows_from_csv(content: bytes) -> list[RawRow]:
    """Rows of CSV content (UTF-8, optional BOM)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AllocationFileError(f"CSV is not UTF-8: {exc}") from exc
    try:
        return _rows_from_table(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise AllocationFileError(f"CSV cannot be read: {exc}") from exc


def rows_from_xlsx(content: bytes) -> list[RawRow]:
    """Rows of the first sheet of XLSX content, read as a stream (never the whole
    sheet first)."""
    import openpyxl

    _check_archive(content)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a bad file
        raise AllocationFileError(f"cannot open XLSX: {exc}") from exc
    try:
        if not book.worksheets:
            raise AllocationFileError("the XLSX workbook has no sheet")
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        return _rows_from_table(rows)
    except AllocationFileError:
        raise
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise AllocationFileError(f"cannot read the XLSX sheet: {exc}") from exc
    finally:
        book.close()


def rows_from_json(content: bytes) -> list[RawRow]:
    """Rows of JSON content: a list of objects or ``{"allocations": [...]}``."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AllocationFileError(f"invalid JSON: {exc}") from exc
    except RecursionError:
        raise AllocationFileError(
            f"JSON nested too deeply (an allocation file is at most {MAX_JSON_DEPTH} deep)"
        ) from None
    if _depth(data) > MAX_JSON_DEPTH:
        raise AllocationFileError(
            f"JSON nested too deeply (an allocation file is at most {MAX_JSON_DEPTH} deep)"
        )
    if isinstance(data, dict):
        data = data.get("allocations")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise AllocationFileError('JSON must be a list of objects or {"allocations": [...]}')
    if len(data) > MAX_ROWS:
        raise AllocationFileError(f"more than {MAX_ROWS:,} allocations in one file")
    rows = []
    headers: set[str] = set()
    for number, item in enumerate(data, start=1):
        values = _canonical_values(item.items())
        headers.update(values)
        rows.append(RawRow(number, values))
    _check_required(headers if rows else set(REQUIRED_COLUMNS))
    return rows


def parse_row(raw: RawRow) -> tuple[AllocationRow | None, list[RowError]]:
    """Validate one raw row; the parsed row, or ``None`` and its errors."""
    try:
        return AllocationRow.model_validate(dict(raw.values)), []
    except ValidationError as exc:
        errors = []
        for item in exc.errors():
            column = str(item["loc"][0]) if item["loc"] else "?"
            reason = str(item["msg"]).removeprefix("Value error, ")
            if item["type"] == "missing":
                reason = "required value is missing"
            errors.append(RowError(raw.row, column, _cell_text(raw.values.get(column)), reason))
        return None, errors


def _rows_from_table(table: Iterable[Iterable[Any]]) -> list[RawRow]:
    # Row numbers are 1-based positions in the sheet, blank rows included, so
    # they match what the user sees in a spreadsheet program. The header is
    # found and checked first; every row read counts against the limit.
    numbered: Iterator[tuple[int, list[Any]]] = (
        (number, list(itertools.islice(row, MAX_COLUMNS)))
        for number, row in enumerate(table, start=1)
    )
    header: list[str | None] | None = None
    for number, cells in numbered:
        if any(_cell_text(c) for c in cells):
            header = [canonical_column(h) if h is not None else None for h in cells]
            break
        if number >= MAX_HEADER_ROW:
            break
    if header is None:
        raise AllocationFileError(f"no header row in the first {MAX_HEADER_ROW} rows")
    _check_required({h for h in header if h})
    rows = []
    for number, cells in numbered:
        if number > MAX_ROWS:
            raise AllocationFileError(f"more than {MAX_ROWS:,} rows: split the file")
        if any(_cell_text(c) for c in cells):
            values = {col: cell for col, cell in zip(header, cells, strict=False) if col}
            rows.append(RawRow(number, values))
    return rows


def _check_archive(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise AllocationFileError(f"cannot open XLSX: {exc}") from exc
    if inflated > MAX_XLSX_INFLATED_BYTES:
        raise AllocationFileError(
            f"the XLSX inflates to {inflated:,} bytes (at most {MAX_XLSX_INFLATED_BYTES:,})"
        )


def _depth(value: Any) -> int:
    """Nesting depth of parsed JSON (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _canonical_values(items: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    values = {}
    for header, value in items:
        column = canonical_column(header)
        if column:
            values[column] = value
    return values


def _check_required(headers: set[str]) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        named = ", ".join(f"{c} ({COLUMN_ALIASES[c][0]})" for c in missing)
        raise AllocationFileError(f"missing required column(s): {named}")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unescape_text(str(value)).strip()
