"""Spreadsheet cells that stay text: no formula injection in our CSV and XLSX exports.

A name, department or organisation comes from an import file, so it may start
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, which a
spreadsheet program runs as a formula (OWASP "CSV injection"). Exports
therefore write such values

- in CSV prefixed with a single quote (``'=HYPERLINK(...)``), the escape the
  OWASP guidance recommends; our import removes that quote again
  (:func:`unescape_text`), so an exported file re-imports unchanged;
- in XLSX as text cells with Excel's "quote prefix" style, so the cell shows
  the original text and is never evaluated (the value itself is unchanged).

JSON exports keep the original value: JSON is not evaluated.

Examples
--------
>>> escape_text("=1+2")
"'=1+2"
>>> unescape_text(escape_text("=1+2"))
'=1+2'
>>> escape_text("王伟")
'王伟'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: First characters a spreadsheet program may take as the start of a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: The CSV escape put before such a value.
ESCAPE = "'"


def is_formula_like(value: str) -> bool:
    """Whether a spreadsheet would read ``value`` as a formula."""
    return value.startswith(FORMULA_TRIGGERS)


def escape_text(value: str) -> str:
    """``value`` safe for a CSV cell: prefixed with ``'`` when it looks like a formula."""
    return ESCAPE + value if is_formula_like(value) else value


def unescape_text(value: str) -> str:
    """The original of a value written by :func:`escape_text` (anything else unchanged)."""
    if value.startswith(ESCAPE) and is_formula_like(value[1:]):
        return value[1:]
    return value


def append_text_safe(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet; formula-like text becomes a text cell."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and is_formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
