"""The rectification ledger (整改台账) as an .xlsx workbook that the importer reads back.

``write_ledger(problems, out, title=…, as_of=…)`` streams one sheet 整改台账 with openpyxl's
write-only workbook (rows go to a temporary file as they are appended, so memory stays flat):

* row 1: the title, merged across the visible columns (the importer reads it as a title row);
* row 2: the header, in the importer's own labels (``zhenggai.importer.xlsx_reader``), plus a hidden
  last column ``ID`` holding ``P<problem id>/M<measure id>`` (``P<problem id>`` for a problem
  without measures) so that a returned file can be matched row by row;
* a category heading (``一、大气污染防治``) as one row merged across the visible columns whenever the
  category changes, as the importer recognises it (a heading holds until the next one, so a problem
  without a category that follows categorised ones is read back in the category above it);
* one row per measure.  The problem's cells (序号 … 督导单位, 整改状态, 销号情况) are merged vertically
  over its measure rows — write-only worksheets keep ``merged_cells`` and write them after the rows,
  so merging works here; the importer groups rows by those merged cells.
* 整改措施 is ``number text + text + （deadline as written）``, the form the importer splits again;
  整改进展 is the narrative of the measure's latest current progress report whose period began on or
  before ``as_of``; 整改状态 is the problem's status label in Chinese; 销号情况 is 已销号 once signed off.

Memory: the problems are read in chunks of ``chunk_size`` (``QuerySet.iterator`` with the prefetches
done per chunk), so only one chunk's objects are alive at a time; the rows themselves go to
openpyxl's temporary file.  What does grow with the ledger is openpyxl's in-memory shared-string
table and the list of merged ranges (both written when the workbook is saved): measured in
``bench/ledger_export.py`` (100 000 measures, see bench/RESULTS.md).

Queries: five per chunk of problems whatever the number of rows (problems with their category,
measures, the latest report per measure, targets, problem-level assignments with their units and
persons); one when the selection is empty.  ``count_rows`` tells the number of data rows beforehand
in one query (a background job shows it as its progress total).

Only problem-level assignments are exported: units held on one measure or target are not written
(the importer would read a varying 责任单位 column as per-measure units).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from os import PathLike
from typing import TYPE_CHECKING, BinaryIO

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from zhenggai.ledger.choices import AssignmentRole, ItemStatus
from zhenggai.ledger.models import Assignment, Measure, Problem, Target
from zhenggai.progress.models import ProgressReport

if TYPE_CHECKING:
    from django.db.models import QuerySet

__all__ = [
    "CHUNK_SIZE",
    "COLUMNS",
    "SHEET_TITLE",
    "count_rows",
    "ledger_queryset",
    "measure_text",
    "problem_text",
    "write_ledger",
]

SHEET_TITLE = "整改台账"
SIGNED_OFF_TEXT = "已销号"
# (label, width in characters, merged over the problem's measure rows)
COLUMNS: tuple[tuple[str, int, bool], ...] = (
    ("序号", 8, True),
    ("督察反馈问题", 40, True),
    ("原因分析", 30, True),
    ("整改目标", 30, True),
    ("整改时限", 16, True),
    ("责任单位", 18, True),
    ("配合单位", 18, True),
    ("责任领导", 12, True),
    ("责任人员", 12, True),
    ("督导单位", 14, True),
    ("整改措施", 48, False),
    ("整改进展", 40, False),
    ("整改状态", 12, True),
    ("销号情况", 10, True),
    ("ID", 14, False),  # hidden
)
_VISIBLE = len(COLUMNS) - 1
_ROLE_COLUMNS = {
    AssignmentRole.LEAD: 5,
    AssignmentRole.COOPERATING: 6,
    AssignmentRole.LEADER: 7,
    AssignmentRole.PERSON: 8,
    AssignmentRole.SUPERVISING: 9,
}
_MERGED_LETTERS = [get_column_letter(index) for index, (_, _, merged) in enumerate(COLUMNS, start=1) if merged]
_TITLE_ROW, _HEADER_ROW = 1, 2
# Problems per chunk: the measure and report prefetches of one chunk bind one parameter per problem or
# measure, and SQLite builds may allow as few as 32 766 per statement (at 10 measures a problem: 2 000 here).
CHUNK_SIZE = 200
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


def ledger_queryset(problems: QuerySet[Problem], as_of: date) -> QuerySet[Problem]:
    """``problems`` with everything a ledger row shows, in a fixed number of queries."""
    latest = (
        ProgressReport.objects.current()
        .filter(measure_id=OuterRef("measure_id"), period_start__lte=as_of)
        .order_by("-period_end", "-version", "-pk")
        .values("pk")[:1]
    )
    reports = ProgressReport.objects.filter(pk=Subquery(latest)).only("pk", "measure_id", "narrative")
    measures = Measure.objects.order_by("position", "pk").prefetch_related(
        Prefetch("progress_reports", queryset=reports, to_attr="latest_reports")
    )
    assignments = (
        Assignment.objects.filter(measure__isnull=True, target__isnull=True, role__in=list(_ROLE_COLUMNS))
        .select_related("unit", "person")
        .order_by("role", "position", "pk")
    )
    return problems.select_related("category").prefetch_related(
        Prefetch("measures", queryset=measures),
        Prefetch("targets", queryset=Target.objects.order_by("position", "pk")),
        Prefetch("assignments", queryset=assignments, to_attr="export_assignments"),
    )


def count_rows(problems: QuerySet[Problem]) -> int:
    """The data rows ``write_ledger`` writes: one per measure, one per problem without measures (one query)."""
    counts = problems.order_by().aggregate(
        measure_rows=Count("measures"), bare_rows=Count("pk", filter=Q(measures__isnull=True))
    )
    return counts["measure_rows"] + counts["bare_rows"]


def write_ledger(
    problems: QuerySet[Problem],
    out: BinaryIO | str | PathLike,
    *,
    title: str,
    as_of: date,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> int:
    """Write ``problems`` (already restricted to what the reader may see) as a ledger; return the data rows written.

    ``out`` is a binary file object or a path (a large export goes to a temporary file, never to
    memory).  ``progress``, if given, is called with the number of data rows written so far after
    each problem; the caller decides how often to record it.  Category heading rows are not counted.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    _set_up(sheet)  # columns, panes and page properties are written before the first row
    merged = sheet.merged_cells = _MergedRanges()
    last = get_column_letter(_VISIBLE)
    header_font = Font(bold=True)
    title_style = _style(sheet, font=Font(bold=True, size=16), alignment=_CENTER)
    header_style = _style(sheet, font=header_font, alignment=_CENTER, border=True)
    heading_style = _style(sheet, font=header_font)
    row_styles = [_style(sheet, border=True)] * _VISIBLE + [_style(sheet)]  # the hidden ID cell has no border

    merged.add(f"A{_TITLE_ROW}:{last}{_TITLE_ROW}")
    sheet.append([_cell(sheet, title, title_style)])
    sheet.append([_cell(sheet, label, header_style) for label, _, _ in COLUMNS])

    row_number = _HEADER_ROW
    written = 0
    category_id: int | None = None
    with translation.override("zh-hans"):
        for problem in ledger_queryset(problems, as_of).iterator(chunk_size=chunk_size):
            if problem.category_id and problem.category_id != category_id:
                row_number += 1
                heading = f"{problem.category.number_text}{problem.category.title}"
                sheet.append([_cell(sheet, heading, heading_style)])
                merged.add(f"A{row_number}:{last}{row_number}")
            category_id = problem.category_id
            rows = _problem_rows(problem)
            first = row_number + 1
            for values in rows:
                sheet.append([_cell(sheet, value, style) for value, style in zip(values, row_styles, strict=True)])
            row_number += len(rows)
            written += len(rows)
            if len(rows) > 1:
                for letter in _MERGED_LETTERS:
                    merged.add(f"{letter}{first}:{letter}{row_number}")
            if progress is not None:
                progress(written)
    sheet.auto_filter.ref = f"A{_HEADER_ROW}:{last}{row_number}"
    workbook.save(out)
    return written


class _MergedRanges:
    """The merged ranges of the sheet, in place of openpyxl's ``MultiCellRange``.

    ``MultiCellRange.add`` compares every new range with all the earlier ones (an overlap check): a
    quadratic cost, 30 s for 5 000 rows and hours for 100 000. The ranges written here never overlap,
    so they are kept as strings; openpyxl's sheet writer only asks whether there are any and iterates them.
    """

    def __init__(self) -> None:
        self.refs: list[str] = []

    def add(self, ref: str) -> None:
        self.refs.append(ref)

    def __bool__(self) -> bool:
        return bool(self.refs)

    def __iter__(self):
        return iter(self.refs)


def _set_up(sheet) -> None:
    for index, (label, width, _) in enumerate(COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = width
        dimension.hidden = label == "ID"
    sheet.freeze_panes = f"A{_HEADER_ROW + 1}"
    sheet.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _style(sheet, *, font: Font | None = None, alignment: Alignment = _WRAP, border: bool = False) -> StyleArray:
    """The style of one kind of cell, registered in the workbook once."""
    cell = Cell(sheet)
    cell.alignment = alignment
    if font is not None:
        cell.font = font
    if border:
        cell.border = _BORDER
    return cell._style


def _cell(sheet, value, style: StyleArray) -> Cell:
    # A copy of a ready style array: setting font, alignment and border on each cell would hash the
    # style objects again for every one of the 15 cells of every row.
    return Cell(sheet, row=1, column=1, value=value if value != "" else None, style_array=style)


def _problem_rows(problem: Problem) -> list[list[str]]:
    """The problem's rows: its cells on the first row (later rows are merged into it), one row per measure."""
    names: dict[str, list[str]] = {role: [] for role in _ROLE_COLUMNS}
    for assignment in problem.export_assignments:
        name = _holder(assignment)
        if name and name not in names[assignment.role]:
            names[assignment.role].append(name)
    cells = [""] * len(COLUMNS)
    cells[0] = problem.number_text or (str(problem.number) if problem.number else "")
    cells[1] = problem_text(problem)
    cells[2] = problem.cause
    cells[3] = "\n".join(f"{i}.{target.text}" for i, target in enumerate(problem.targets.all(), start=1))
    cells[4] = problem.due_raw
    for role, column in _ROLE_COLUMNS.items():
        cells[column] = "、".join(names[role])
    cells[12] = str(ItemStatus(problem.status).label)
    cells[13] = SIGNED_OFF_TEXT if problem.status == ItemStatus.SIGNED_OFF else ""
    measures = list(problem.measures.all())
    if not measures:
        cells[14] = f"P{problem.pk}"
        return [cells]
    rows = []
    for index, measure in enumerate(measures):
        row = cells if index == 0 else [""] * len(COLUMNS)
        row[10] = measure_text(measure)
        row[11] = measure.latest_reports[0].narrative if measure.latest_reports else ""
        row[14] = f"P{problem.pk}/M{measure.pk}"
        rows.append(row)
    return rows


def problem_text(problem: Problem) -> str:
    """The 督察反馈问题 cell: the importer takes the title from its first sentence (the re-import compares with it)."""
    description = problem.description.strip()
    if not description:
        return problem.title
    if description.split("。", 1)[0].replace("\n", "").strip() == problem.title:
        return description
    return f"{problem.title.rstrip('。')}。{description}"


def measure_text(measure: Measure) -> str:
    """``（一）text（deadline as written）``: the form the importer splits into number, text and deadline."""
    deadline = f"（{measure.due_raw}）" if measure.due_raw else ""
    return f"{measure.number_text}{measure.text}{deadline}"


def _holder(assignment: Assignment) -> str:
    if assignment.unit_id:
        return assignment.unit.name
    if assignment.person_id:
        return assignment.person.name
    return assignment.raw_text.strip()
