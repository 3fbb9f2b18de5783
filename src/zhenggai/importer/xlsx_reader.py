"""Read an .xlsx rectification ledger (整改台账) into a ``ParsedDocument``.

* **Header.**  Known labels are 序号, 问题/督察反馈问题, 原因分析, 整改目标, 整改时限, 责任单位, 配合单位,
  责任领导, 责任人员, 督导单位, 整改措施, 整改进度, 整改进展/完成情况 and their variants; they match after
  removing whitespace and a trailing parenthesis (``整改\\n时限（年月日）``).  In each sheet the header
  starts at the first row among the first 15 that holds at least two known labels, or that begins a
  two-row header: the row below continues it and the two rows together give at least two labels, at
  least one of them thanks to the upper row (a cell merged down, or a label broken over two cells).
  A row continues the header when a header cell is merged down into it, or when its own cells are
  captions (short, without digits) of which at least one is a known label by itself or joined to the
  cell above (``整改`` over ``时限``).  Each column takes the most specific label of its header rows:
  the lowest row's if known (``责任单位`` under a ``责任主体`` group cell), else one above, else two
  stacked cells joined.  Data start after the last header row.  Title rows above the header are read for
  metadata; a sheet without a header (or without a problem column) is skipped with a warning.
* **Two progress columns.**  When a header has both 整改进展 and 完成情况 and no 整改进度/整改状态, the
  完成情况 column (which then holds words such as 已完成) is the problem's status; otherwise it is the
  progress column.
* **Merged cells** are filled from their top-left value.  Rows belong to the current problem while the
  problem (or 序号) cell is the same merged range, or the 序号 is empty / unchanged and the problem cell is
  empty or unchanged.  A row merged across the table with one text is a category heading.
* **Fields.**  Cells of one merged range count once; repeated identical values count once.  Each row's
  整改措施 cell gives its measures (numbered lines are split, a trailing deadline parenthesis becomes the
  measure's deadline, as in the text parsers); 整改进展/完成情况 in that row is their progress (numbered
  parts go to the measures they match, else the whole text to the first one).  A column whose value
  changes from row to row inside one problem (整改时限, 责任单位) also gives the row's measures their own
  deadline / units.  Date-typed cells are written ``YYYY年M月D日``.
* **Progress merged over several measure rows.**  A 整改进展 cell merged down across two or more rows
  that have their own 整改措施 cells belongs to the problem as a whole: when its numbered parts match
  those rows' measures one to one they are distributed as above; otherwise the text goes to the
  problem's ``progress_status`` (joined below a status already there, never twice) and those measures'
  ``progress`` stays None.  The 整改进度/整改状态 column (已完成, 正在推进, 达到序时进度…) is
  ``progress_status`` too: its distinct texts joined by newlines.
* ``kind`` is ``report`` when a 整改进展/完成情况 cell has text, else ``plan``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from zhenggai.core.numerals import parse_number_label
from zhenggai.core.text import normalize, squeeze_spaces_in_dates
from zhenggai.importer.model import Deadline, ParsedDocument, ParsedMeasure, ParsedProblem
from zhenggai.importer.plan_fields import is_reference, label_text, measure_from_text, parse_targets
from zhenggai.importer.plans import read_metadata
from zhenggai.importer.text import UnreadableDocument
from zhenggai.importer.units import split_names

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["cell_text", "open_workbook", "parse_xlsx"]

_HEADER_SCAN = 15
_LABELS = {
    "number": ("序号", "编号"),
    "problem": ("问题", "督察反馈问题", "反馈问题", "整改任务", "存在问题", "问题描述", "主要问题"),
    "cause": ("原因分析",),
    "target": ("整改目标",),
    "deadline": ("整改时限", "完成时限", "整改期限"),
    "responsible_units": ("责任单位", "牵头单位"),
    "cooperating_units": ("配合单位",),
    "responsible_leaders": ("责任领导",),
    "responsible_persons": ("责任人", "责任人员"),
    "supervising_units": ("督导单位",),
    "measure": ("整改措施", "具体措施"),
    "status": ("整改进度", "整改状态"),
    "progress": ("整改进展", "整改进展情况"),
    "completion": ("完成情况", "整改完成情况"),  # progress, or the status beside a 整改进展 column
}
_LABEL_KEYS = {label: key for key, labels in _LABELS.items() for label in labels}
_UNIT_KEYS = tuple(key for key in _LABELS if key.endswith(("_units", "_leaders", "_persons")))
_TRAILING_PAREN = re.compile(r"[（(][^（）()]*[）)]$")
_CATEGORY_PREFIX = re.compile(r"^[一二三四五六七八九十]+[、.．]\s*")
_CATEGORY_COUNT = re.compile(r"\s*[（(][\d一二三四五六七八九十]+项[）)]$")
_NUMBERED_LINE = re.compile(r"\n(?=\d{1,2}[.．、])")
_MEASURE_LABEL = re.compile(r"^(?P<label>[（(][〇一二三四五六七八九十\d]{1,4}[）)]|\d{1,3}[.．、])\s*(?P<rest>.*)$")
_PROGRESS_ITEM = re.compile(r"(?:^|\n)\d{1,2}[.．、]\s*")
_CAPTION = re.compile(r"^\D{1,12}$")  # a header caption: short, no digits (data rows have 序号, dates…)

Origin = tuple[int, int]


@dataclass
class _Sheet:
    """One worksheet as a rectangular grid of cell texts, merged ranges filled from their top-left cell."""

    name: str
    texts: list[list[str]]
    origin: list[list[Origin]]  # the top-left cell of the merged range each cell belongs to (or itself)
    columns: dict[str, int]

    def text(self, row: int, key: str) -> str:
        column = self.columns.get(key)
        return "" if column is None else self.texts[row][column]

    def cells(self, rows: list[int], key: str, *, unique_text: bool = True) -> list[tuple[int, str]]:
        """(first row, text) of each distinct non-empty cell of column ``key`` in ``rows``."""
        column = self.columns.get(key)
        if column is None:
            return []
        seen: set[object] = set()
        out: list[tuple[int, str]] = []
        for row in rows:
            identity = self.texts[row][column] if unique_text else self.origin[row][column]
            if identity not in seen and self.texts[row][column]:
                seen.add(identity)
                out.append((row, self.texts[row][column]))
        return out


def parse_xlsx(data: bytes) -> ParsedDocument:
    """Parse an .xlsx ledger.  Raises ``UnreadableDocument`` if ``data`` is not a readable workbook."""
    workbook = open_workbook(data)
    doc = ParsedDocument()
    titles: list[str] = []
    report = False
    for worksheet in workbook.worksheets:
        sheet, header, data_start = _read_sheet(worksheet)
        if header is None:
            doc.warn(worksheet.title, "no header row (序号, 问题, 整改措施…) found; sheet skipped")
            continue
        if "problem" not in sheet.columns:
            doc.warn(worksheet.title, "the header has no problem column (问题/督察反馈问题); sheet skipped")
            continue
        titles += [line for row in sheet.texts[:header] for line in dict.fromkeys(row) if line]
        doc.problems += _sheet_problems(sheet, data_start, doc)
        rows = range(data_start, len(sheet.texts))
        report = report or any(sheet.text(row, key) for row in rows for key in ("progress", "completion"))
    info = read_metadata(titles)
    info.kind = "report" if report else "plan"
    doc.document = info
    return doc


def open_workbook(data: bytes) -> Workbook:
    """The workbook in ``data`` with merged ranges known and formulas as their cached values.

    Not read-only: a read-only worksheet does not expose its merged ranges.
    """
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, BadZipFile, InvalidFileException, XML errors…
        raise UnreadableDocument(f"not a readable .xlsx workbook ({type(exc).__name__})") from exc


# --- cells and header ---------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell value as normalised text: dates as ``YYYY年M月D日``, whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    lines = (squeeze_spaces_in_dates(normalize(line)) for line in str(value).splitlines())
    return "\n".join(line for line in lines if line)


def _read_sheet(worksheet: Worksheet) -> tuple[_Sheet, int | None, int]:
    """The filled grid, the first header row (None if not found) and the first data row."""
    sheet = _grid(worksheet)
    texts = sheet.texts
    header = next((r for r in range(min(_HEADER_SCAN, len(texts))) if _starts_header(sheet, r)), None)
    if header is None:
        return sheet, None, len(texts)
    data_start = header + 1
    while data_start < len(texts) and _continues_header(sheet, data_start, header):
        data_start += 1
    sheet.columns = _header_columns(sheet, range(header, data_start))
    return sheet, header, data_start


def _grid(worksheet: Worksheet) -> _Sheet:
    """Cell texts of a worksheet with every merged range filled from its top-left cell."""
    values = [list(row) for row in worksheet.iter_rows(values_only=True)]
    width = max((len(row) for row in values), default=0)
    texts = [[cell_text(value) for value in row] + [""] * (width - len(row)) for row in values]
    origin = [[(r, c) for c in range(width)] for r in range(len(texts))]
    for merged in worksheet.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= len(texts) or left >= width:
            continue
        for r in range(top, min(merged.max_row, len(texts))):
            for c in range(left, min(merged.max_col, width)):
                texts[r][c], origin[r][c] = texts[top][left], (top, left)
    return _Sheet(worksheet.title, texts, origin, {})


def _starts_header(sheet: _Sheet, row: int) -> bool:
    """Two known labels in ``row``, or the first row of a two-row header that needs it for its labels."""
    if len(_column_keys(sheet, range(row, row + 1))) >= 2:
        return True
    if row + 1 >= len(sheet.texts) or not _continues_header(sheet, row + 1, row):
        return False
    both = _column_keys(sheet, range(row, row + 2))
    merged_down = any(text and sheet.origin[row + 1][c][0] == row for c, text in enumerate(sheet.texts[row + 1]))
    return len(both) >= 2 and (merged_down or both != _column_keys(sheet, range(row + 1, row + 2)))


def _continues_header(sheet: _Sheet, row: int, header: int) -> bool:
    """Is ``row`` more of the header that starts at row ``header``?  Data rows never are.

    Either a header cell is merged down into it (a two-level header), or its own cells are captions
    of which one at least is a known label, alone or joined to the cell above (整改 / 时限).
    """
    texts = sheet.texts[row]
    if any(text and header <= sheet.origin[row][c][0] < row for c, text in enumerate(texts)):
        return True
    own = [c for c, text in enumerate(texts) if text and sheet.origin[row][c][0] == row]
    if not own or not all(_CAPTION.match(texts[c]) or _stacked_key(sheet, row, c) for c in own):
        return False
    return any(_stacked_key(sheet, row, c) for c in own)


def _stacked_key(sheet: _Sheet, row: int, column: int) -> str | None:
    """The label of a cell, or of it joined to the cell above when that is not the same merged cell."""
    text = sheet.texts[row][column]
    if not text:
        return None
    key = _label_key(text)
    if key is None and row > 0 and sheet.origin[row - 1][column] != sheet.origin[row][column]:
        key = _label_key(sheet.texts[row - 1][column] + text)
    return key


def _column_keys(sheet: _Sheet, rows: range) -> dict[str, int]:
    """The first column of each known label in header ``rows``; a column takes its most specific label."""
    keys: dict[str, int] = {}
    for column in range(len(sheet.texts[rows.start]) if rows else 0):
        labelled = (_label_key(sheet.texts[row][column]) for row in reversed(rows) if sheet.texts[row][column])
        key = next(filter(None, labelled), None)
        if key is None:  # a label broken over two stacked cells: 整改 over 时限
            key = next(filter(None, (_stacked_key(sheet, row, column) for row in rows[1:])), None)
        if key is not None:
            keys.setdefault(key, column)
    return keys


def _header_columns(sheet: _Sheet, rows: range) -> dict[str, int]:
    """The header's columns, with 完成情况 as the progress column, or as the status beside 整改进展."""
    columns = _column_keys(sheet, rows)
    if "completion" in columns:
        if "progress" not in columns:
            columns["progress"] = columns["completion"]
        elif "status" not in columns:
            columns["status"] = columns["completion"]
    return columns


def _label_key(text: str) -> str | None:
    compact = re.sub(r"\s+", "", text)
    return _LABEL_KEYS.get(compact) or _LABEL_KEYS.get(_TRAILING_PAREN.sub("", compact))


# --- grouping -----------------------------------------------------------------------------------


def _sheet_problems(sheet: _Sheet, start: int, doc: ParsedDocument) -> list[ParsedProblem]:
    problems: list[ParsedProblem] = []
    group: list[int] = []
    category: str | None = None
    previous: int | None = None

    def close() -> None:
        nonlocal previous
        if group:
            problem = _problem(sheet, group, category, doc)
            _check_number(problem, previous, doc, _where(sheet, group[0]))
            previous = problem.number if problem.number is not None else previous
            problems.append(problem)

    for row in range(start, len(sheet.texts)):
        if not any(sheet.texts[row]):
            continue
        if (heading := _category(sheet, row)) is not None:
            close()
            group, category = [], heading
        elif group and _continues(sheet, group, row):
            group.append(row)
        elif sheet.text(row, "problem") or sheet.text(row, "number"):
            close()
            group = [row]
        else:
            doc.warn(_where(sheet, row), "a row without a problem (序号/问题) is skipped")
    close()
    return problems


def _continues(sheet: _Sheet, group: list[int], row: int) -> bool:
    """Does ``row`` carry more measures of the problem whose rows are ``group``?"""
    last = group[-1]
    for key in ("problem", "number"):
        column = sheet.columns.get(key)
        if column is not None and sheet.texts[row][column] and sheet.origin[row][column] == sheet.origin[last][column]:
            return True
    number, problem = sheet.text(row, "number"), sheet.text(row, "problem")
    same_problem = not problem or problem == sheet.text(group[0], "problem")
    return same_problem and (not number or number == sheet.text(group[0], "number"))


def _category(sheet: _Sheet, row: int) -> str | None:
    """The text of a category heading: one merged cell across several columns, nothing else in the row."""
    filled = [c for c, text in enumerate(sheet.texts[row]) if text]
    origins = {sheet.origin[row][c] for c in filled}
    if len(filled) < 2 or len(origins) != 1 or next(iter(origins))[0] != row:
        return None
    text = sheet.texts[row][filled[0]]
    return _CATEGORY_COUNT.sub("", _CATEGORY_PREFIX.sub("", text)).strip() or None


def _where(sheet: _Sheet, row: int) -> str:
    return f"{sheet.name} row {row + 1}"


def _check_number(problem: ParsedProblem, previous: int | None, doc: ParsedDocument, where: str) -> None:
    if problem.number_text and problem.number is None:
        doc.warn(where, f"problem number not understood: {problem.number_text}")
    elif previous is not None and problem.number is not None and problem.number != previous + 1:
        doc.warn(where, f"problem number {problem.number} does not follow {previous}")
    if not problem.description:
        doc.warn(where, "a problem without text")


# --- fields -------------------------------------------------------------------------------------


def _problem(sheet: _Sheet, rows: list[int], category: str | None, doc: ParsedDocument) -> ParsedProblem:
    number_text = sheet.text(rows[0], "number") or None
    description = next((t for _, t in sheet.cells(rows, "problem")), "")
    problem = ParsedProblem(
        number=parse_number_label(number_text) if number_text else None,
        number_text=number_text,
        title=description.split("。", 1)[0].replace("\n", "").strip(),
        description=description,
        category=category,
    )
    problem.cause = _joined(sheet, rows, "cause")
    problem.progress_status = _joined(sheet, rows, "status")
    deadlines = [text for _, text in sheet.cells(rows, "deadline")]
    problem.deadline = Deadline.parse("；".join(deadlines)) if deadlines else None
    for row, text in sheet.cells(rows, "target", unique_text=False):
        problem.targets += parse_targets(_NUMBERED_LINE.sub("；", text), sheet.text(row, "deadline") or None)
    for key in _UNIT_KEYS:
        setattr(problem, key, _names([text for _, text in sheet.cells(rows, key)]))
    by_row = {row: _row_measures(sheet, rows, row, doc) for row in rows}
    problem.measures = [measure for row in rows for measure in by_row[row]]
    for row in rows:
        if _is_top(sheet, row, "progress") and sheet.text(row, "progress"):
            _progress_cell(sheet, problem, rows, row, by_row, doc)
    return problem


def _progress_cell(
    sheet: _Sheet,
    problem: ParsedProblem,
    rows: list[int],
    top: int,
    by_row: dict[int, list[ParsedMeasure]],
    doc: ParsedDocument,
) -> None:
    """Attach the 整改进展 cell whose merged range starts at row ``top`` (see the module docstring)."""
    column = sheet.columns["progress"]
    text = sheet.texts[top][column]
    spanned = [row for row in rows if sheet.origin[row][column] == (top, column) and by_row[row]]
    if len(spanned) < 2:  # beside one measure cell: its measures; beside none: the last measure above
        earlier = [measure for row in rows if row <= top for measure in by_row[row]]
        _attach_progress(by_row[spanned[0]] if spanned else earlier[-1:], text, doc, _where(sheet, top))
        return
    measures = [measure for row in spanned for measure in by_row[row]]
    if parts := _progress_parts(measures, text):
        for measure, part in zip(measures, parts, strict=True):
            measure.progress = part
    elif text not in (problem.progress_status or "").split("\n"):
        problem.progress_status = "\n".join(filter(None, (problem.progress_status, text)))


def _joined(sheet: _Sheet, rows: list[int], key: str) -> str | None:
    return "\n".join(text for _, text in sheet.cells(rows, key)) or None


def _names(values: list[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        for name in [value.rstrip("。")] if is_reference(value) else split_names(value):
            if name not in names:
                names.append(name)
    return names


def _is_top(sheet: _Sheet, row: int, key: str) -> bool:
    column = sheet.columns.get(key)
    return column is not None and sheet.origin[row][column][0] == row


def _row_measures(sheet: _Sheet, rows: list[int], row: int, doc: ParsedDocument) -> list[ParsedMeasure]:
    """The measures of one row's 整改措施 cell (once per merged range), with the row's deadline and units."""
    if not _is_top(sheet, row, "measure") or not sheet.text(row, "measure"):
        return []
    preamble, measures = _cell_measures(sheet.text(row, "measure"))
    if preamble:
        doc.warn(_where(sheet, row), f"text before the first numbered measure is not a measure: {preamble[:16]}…")
    if len(sheet.cells(rows, "deadline")) > 1:
        for measure in measures:
            measure.deadline = measure.deadline or Deadline.parse(sheet.text(row, "deadline"))
    if len(sheet.cells(rows, "responsible_units")) > 1:
        for measure in measures:
            measure.responsible_units = _names([sheet.text(row, "responsible_units")])
    return measures


def _cell_measures(text: str) -> tuple[str, list[ParsedMeasure]]:
    """Text before the first numbered line, and the measures of one cell (numbered lines split).

    A numbered line starts a new measure if it is the cell's first or continues its numbering, so that
    one measure per row may go on with (四) where the row above had (三).
    """
    preamble: list[str] = []
    items: list[tuple[str, list[str]]] = []
    last: int | None = None
    for line in text.split("\n"):
        match = _MEASURE_LABEL.match(line)
        number = parse_number_label(match["label"]) if match else None
        if match and number is not None and (last is None or number == last + 1):
            items.append((label_text(match["label"]), [match["rest"]]))
            last = number
        elif items:
            items[-1][1].append(line)
        else:
            preamble.append(line)
    if not items:
        return "", [measure_from_text(None, text)]
    return "\n".join(preamble), [measure_from_text(label, "\n".join(parts)) for label, parts in items]


def _attach_progress(measures: list[ParsedMeasure], progress: str, doc: ParsedDocument, where: str) -> None:
    """Numbered progress parts go to the measures they match; otherwise the whole text to the first measure."""
    if not measures:
        doc.warn(where, "整改进展 without a measure is not kept")
        return
    if parts := _progress_parts(measures, progress):
        for measure, part in zip(measures, parts, strict=True):
            measure.progress = part
    else:
        measures[0].progress = "\n".join(filter(None, (measures[0].progress, progress)))


def _progress_parts(measures: list[ParsedMeasure], progress: str) -> list[str] | None:
    """The numbered parts of a progress text, one per measure, or None if they do not match."""
    parts = _PROGRESS_ITEM.split(progress) if len(measures) > 1 else []
    if len(parts) == len(measures) + 1 and not parts[0].strip():
        return [part.strip() for part in parts[1:]]
    return None
