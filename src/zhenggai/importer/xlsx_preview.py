"""The cells of an .xlsx workbook as plain text, for the import review page to show beside the parse.

``preview_rows`` gives each sheet's name and rows; a cell's text is ``cell_text`` of its value, so it reads
as the parser read it (dates as ``YYYY年M月D日``).  A merged range shows its text in its top-left cell
only, the others are "".  Row *i* of a sheet is its spreadsheet row *i + 1* (leading and inner empty rows
are kept, so the parser's warnings, "表1 row 7", point at the right line); trailing empty rows and
columns are dropped and every row of a sheet has the same length.  At most ``limit`` rows are returned
in all: the sheet that reaches it is cut there and the sheets after it are left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhenggai.importer.xlsx_reader import cell_text, open_workbook

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["preview_rows"]


def preview_rows(data: bytes, limit: int = 500) -> list[tuple[str, list[list[str]]]]:
    """(sheet name, rows of cell texts) per sheet, at most ``limit`` rows in all.

    Raises ``UnreadableDocument`` if ``data`` is not a readable workbook.
    """
    # ``open_workbook`` loads in normal (not read-only) mode, which is what is correct here: a read-only
    # worksheet knows nothing of merged ranges, so a file whose writer stored values in every cell of a
    # merged range would show them repeated; in normal mode openpyxl replaces the covered cells by empty
    # ``MergedCell``s, leaving the value in the top-left cell only.  The cost is the whole workbook in
    # memory, which the parser pays anyway for the same reason.
    workbook = open_workbook(data)
    sheets: list[tuple[str, list[list[str]]]] = []
    remaining = max(limit, 0)
    for worksheet in workbook.worksheets:
        if remaining == 0:
            break
        rows, cut = _sheet_rows(worksheet, remaining)
        sheets.append((worksheet.title, rows))
        remaining = 0 if cut else remaining - len(rows)
    return sheets


def _sheet_rows(worksheet: Worksheet, limit: int) -> tuple[list[list[str]], bool]:
    """Up to ``limit`` rows of cell texts without trailing empty rows and columns, and whether it was cut."""
    rows: list[list[str]] = []
    used = 0  # rows up to the last one with text
    cut = False
    for values in worksheet.iter_rows(values_only=True):
        if len(rows) == limit:
            cut = True
            break
        rows.append([cell_text(value) for value in values])
        if any(rows[-1]):
            used = len(rows)
    rows = rows[:used]
    width = max((_used_width(row) for row in rows), default=0)
    return [row[:width] + [""] * (width - len(row)) for row in rows], cut


def _used_width(row: list[str]) -> int:
    return next((len(row) - i for i, text in enumerate(reversed(row)) if text), 0)
