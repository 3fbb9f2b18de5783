"""Re-import of a returned ledger workbook (the file ``ledger_xlsx.write_ledger`` produced).

Three steps, so that a page can show a dry run before anything is written:

* ``read_changes(data) -> list[RowChange]`` reads the sheet: the header row is the one holding the
  labels 序号 and 督察反馈问题, the stable IDs come from the column headed ``ID`` (``P<id>/M<id>`` or
  ``P<id>``); a problem cell merged over several rows gives its value (top-left cell) to every row of
  the range.  A file that is not such a workbook raises ``ValidationError`` (never another exception).
* ``plan_import(changes, user=…, plan=None) -> ImportPlan`` compares each row with the ledger and
  lists the field changes and the row errors.  Compared are the editable fields the sheet carries:
  督察反馈问题 (title = its first sentence, description = the whole text, the way the writer joined
  them), 原因分析 (cause), 整改时限 (the problem's deadline as written), and for a measure row
  整改措施 (text and the deadline in the trailing parenthesis, split as the importer does with
  ``measure_from_text``; the numbering prefix cannot be changed here).  Row errors: an ID that is
  not understood, unknown or not visible, outside ``plan``, of a problem the user may not edit
  (``editable_by``), repeated; a change to a signed-off problem; an empty 督察反馈问题 or 整改措施;
  a row without an ID that holds data (adding rows is not supported yet).  The problem versions are
  read here.
* ``apply_import(plan, acting_user=…)`` writes every change in one transaction through the ledger
  actions (``update_problem`` with the version read when planning, ``update_measure``); a plan with
  errors is refused, and a concurrent edit (a problem's version moved, or a measure field no longer
  holding the value planned from) raises ``ConflictError`` with nothing written.

The other columns (整改目标, units and persons, 整改进展, 整改状态, 销号情况) are not read back.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

from zhenggai.core.errors import ConflictError
from zhenggai.exports.ledger_xlsx import measure_text, problem_text
from zhenggai.importer.plan_fields import measure_from_text
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Measure, Problem

if TYPE_CHECKING:
    from zhenggai.accounts.models import User
    from zhenggai.ledger.models import Plan

__all__ = [
    "FieldChange",
    "ImportPlan",
    "RowChange",
    "RowError",
    "apply_import",
    "plan_import",
    "read_changes",
]

PROBLEM, MEASURE = "problem", "measure"
_ID = re.compile(r"^P(\d{1,18})(?:/M(\d{1,18}))?$")
_HEADER_SEARCH_ROWS = 10
# sheet label → RowChange attribute; all of them must be in the header
_COLUMNS = {
    "序号": "number_text",
    "督察反馈问题": "problem_text",
    "原因分析": "cause",
    "整改时限": "deadline",
    "整改措施": "measure_text",
    "ID": "id_text",
}
_PROBLEM_COLUMNS = ("problem_text", "cause", "deadline")


@dataclass(frozen=True)
class RowChange:
    """One data row of a returned ledger as read (merged problem cells resolved), before comparing."""

    row: int  # the sheet's row number, as Excel shows it
    id_text: str
    number_text: str = ""
    problem_text: str = ""
    cause: str = ""
    deadline: str = ""
    measure_text: str = ""

    @property
    def has_data(self) -> bool:
        return any((self.problem_text, self.cause, self.deadline, self.measure_text))


@dataclass(frozen=True)
class FieldChange:
    row: int
    kind: str  # PROBLEM or MEASURE
    object_id: int
    problem_id: int
    label: str  # what the page shows to name the problem or measure
    field: str  # an editable field of ledger.actions
    before: str
    after: str


@dataclass(frozen=True)
class RowError:
    row: int
    id_text: str
    message: str


@dataclass
class ImportPlan:
    changes: list[FieldChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # version of every problem a change touches, read while planning
    versions: dict[int, int] = field(default_factory=dict)
    rows: int = 0  # data rows compared

    @property
    def ok(self) -> bool:
        return not self.errors

    def fingerprint(self) -> list:
        """A JSON-able summary that changes when the changes or the versions planned from do."""
        return [
            [[c.kind, c.object_id, c.field, c.before, c.after] for c in self.changes],
            sorted([pk, version] for pk, version in self.versions.items()),
            [[e.row, e.message] for e in self.errors],
        ]


# --- reading ------------------------------------------------------------------------------------


def read_changes(data: bytes) -> list[RowChange]:
    """The data rows of a ledger workbook; ``ValidationError`` if ``data`` is not one."""
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # a zip error, a broken part, an XML error: all mean "not an .xlsx"  # noqa: BLE001
        raise ValidationError(_("The file is not an Excel workbook (.xlsx)."), code="not_xlsx") from exc
    try:
        for sheet in workbook.worksheets:
            found = _header(sheet)
            if found is not None:
                return _rows(sheet, *found)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - unexpected cell content must not crash the upload
        raise ValidationError(_("The workbook could not be read."), code="unreadable") from exc
    raise ValidationError(
        _("No ledger sheet found: the workbook needs a header row with 序号, 督察反馈问题 and ID."),
        code="no_ledger",
    )


def _header(sheet) -> tuple[int, dict[str, int]] | None:
    """(header row, attribute → column) of a ledger sheet, or None."""
    for row in sheet.iter_rows(min_row=1, max_row=_HEADER_SEARCH_ROWS):
        labels = {_text(cell.value): cell.column for cell in row if _text(cell.value)}
        if "序号" not in labels or "督察反馈问题" not in labels:
            continue
        missing = [label for label in _COLUMNS if label not in labels]
        if missing:
            raise ValidationError(
                _("The ledger sheet lacks the columns %(columns)s; export the ledger again.")
                % {"columns": "、".join(missing)},
                code="columns",
            )
        return row[0].row, {attr: labels[label] for label, attr in _COLUMNS.items()}
    return None


def _rows(sheet, header: int, columns: dict[str, int]) -> list[RowChange]:
    merged: dict[tuple[int, int], object] = {}
    headings: set[int] = set()  # category headings: one cell merged across the row, read as no data
    for cell_range in sheet.merged_cells.ranges:
        if cell_range.min_row == cell_range.max_row and cell_range.max_col - cell_range.min_col > 3:
            headings.add(cell_range.min_row)
            continue
        top = sheet.cell(cell_range.min_row, cell_range.min_col).value
        for row, column in cell_range.cells:
            merged[(row, column)] = top
    rows = []
    for cells in sheet.iter_rows(min_row=header + 1):
        number = cells[0].row
        by_column = {cell.column: cell for cell in cells}
        values = {}
        for attr, column in columns.items():
            cell = by_column.get(column)
            if cell is None:
                values[attr] = ""
            elif isinstance(cell, MergedCell):
                resolved = attr in _PROBLEM_COLUMNS or attr == "number_text"
                values[attr] = _text(merged.get((number, column))) if resolved else ""
            else:
                values[attr] = _text(cell.value)
        rows.append(RowChange(row=number, **values))
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


# --- planning -----------------------------------------------------------------------------------


def plan_import(changes: list[RowChange], *, user: User, plan: Plan | None = None) -> ImportPlan:
    """Compare the rows with the ledger: field changes, row errors, the versions planned from."""
    result = ImportPlan()
    parsed: list[tuple[RowChange, int, int | None]] = []
    seen: set[str] = set()
    for row in changes:
        if not row.id_text:
            if row.has_data:
                result.errors.append(RowError(row.row, "", _("Adding rows is not supported yet.")))
            continue
        match = _ID.match(row.id_text)
        if match is None:
            result.errors.append(RowError(row.row, row.id_text, _("The ID is not understood.")))
            continue
        if row.id_text in seen:
            result.errors.append(RowError(row.row, row.id_text, _("The ID appears on more than one row.")))
            continue
        seen.add(row.id_text)
        parsed.append((row, int(match[1]), int(match[2]) if match[2] else None))

    problem_ids = {pk for _, pk, _ in parsed}
    visible = Problem.objects.visible_to(user).filter(pk__in=problem_ids)
    problems = {problem.pk: problem for problem in visible}
    editable = set(Problem.objects.editable_by(user).filter(pk__in=problem_ids).values_list("pk", flat=True))
    measures = {
        measure.pk: measure
        for measure in Measure.objects.filter(pk__in={m for _, _, m in parsed if m}, problem_id__in=problems)
    }

    done: dict[int, RowChange] = {}  # problem id → the row its fields were compared on
    for row, problem_id, measure_id in parsed:
        problem = problems.get(problem_id)
        measure = measures.get(measure_id) if measure_id else None
        if problem is None or (measure_id and (measure is None or measure.problem_id != problem_id)):
            result.errors.append(RowError(row.row, row.id_text, _("No such problem or measure in the ledger.")))
            continue
        if plan is not None and problem.plan_id != plan.pk:
            result.errors.append(RowError(row.row, row.id_text, _("The row belongs to another plan.")))
            continue
        if problem_id not in editable:
            result.errors.append(RowError(row.row, row.id_text, _("You may not edit this problem.")))
            continue
        result.rows += 1
        found: list[FieldChange] = []
        if problem_id in done:
            first = done[problem_id]
            if any(getattr(row, attr) != getattr(first, attr) for attr in _PROBLEM_COLUMNS):
                result.errors.append(
                    RowError(
                        row.row, row.id_text, _("The problem's cells differ from its row %(row)d.") % {"row": first.row}
                    )
                )
                continue
        else:
            done[problem_id] = row
            if not row.problem_text:
                result.errors.append(RowError(row.row, row.id_text, _("督察反馈问题 is empty.")))
                continue
            found += _problem_changes(row, problem)
        if measure is not None:
            if not row.measure_text:
                result.errors.append(RowError(row.row, row.id_text, _("整改措施 is empty.")))
                continue
            measure_found = _measure_changes(row, problem, measure)
            if measure_found is None:
                result.errors.append(
                    RowError(row.row, row.id_text, _("The measure's number cannot be changed in the sheet."))
                )
                continue
            found += measure_found
        if found and problem.status == ItemStatus.SIGNED_OFF:
            result.errors.append(
                RowError(row.row, row.id_text, _("The problem has been signed off; it cannot be changed."))
            )
            continue
        if found:
            result.changes += found
            result.versions[problem_id] = problem.version
    return result


def _problem_changes(row: RowChange, problem: Problem) -> list[FieldChange]:
    label = problem.number_text or problem.title
    values: dict[str, str] = {}
    if row.problem_text != problem_text(problem).strip():
        title = row.problem_text.split("。", 1)[0].replace("\n", "").strip()
        only_title = row.problem_text.rstrip("。").strip() == title
        values["title"] = title
        values["description"] = problem.description if only_title and not problem.description else row.problem_text
    values["cause"] = row.cause
    values["deadline"] = row.deadline
    current = {"title": problem.title, "description": problem.description, "cause": problem.cause}
    current["deadline"] = problem.due_raw
    return [
        FieldChange(row.row, PROBLEM, problem.pk, problem.pk, label, name, current[name], value)
        for name, value in values.items()
        if value != (current[name] or "").strip()
    ]


def _measure_changes(row: RowChange, problem: Problem, measure: Measure) -> list[FieldChange] | None:
    """The changes of one measure's text and deadline; None if its numbering was edited."""
    if row.measure_text == measure_text(measure).strip():
        return []
    number = measure.number_text or ""
    if not row.measure_text.startswith(number):
        return None
    rest = row.measure_text[len(number) :].strip()
    suffix = f"（{measure.due_raw}）"
    parsed = measure_from_text(number or None, rest)
    if parsed.deadline is None and measure.due_raw and rest.endswith(suffix):
        # a deadline the parser does not recognise, left as written
        text, deadline = rest[: -len(suffix)].rstrip(), measure.due_raw
    else:
        text, deadline = parsed.text, parsed.deadline.raw if parsed.deadline else ""
    label = f"{problem.number_text or problem.title} {number}".strip()
    return [
        FieldChange(row.row, MEASURE, measure.pk, problem.pk, label, name, before, after)
        for name, before, after in (("text", measure.text, text), ("deadline", measure.due_raw, deadline))
        if after != (before or "").strip()
    ]


# --- applying -----------------------------------------------------------------------------------


@transaction.atomic
def apply_import(plan: ImportPlan, *, acting_user: User) -> int:
    """Write all of ``plan``'s changes or none; return how many fields were changed."""
    if plan.errors:
        raise ValidationError(_("The file has errors; correct them and upload it again."), code="has_errors")
    if not plan.changes:
        return 0
    problem_ids = set(plan.versions)
    locked = {p.pk: p for p in Problem.objects.select_for_update().filter(pk__in=problem_ids)}
    if set(locked) != problem_ids:
        raise ConflictError(_("A problem of this file has been deleted in the meantime. Upload it again."))
    editable = Problem.objects.editable_by(acting_user).filter(pk__in=problem_ids).values_list("pk", flat=True)
    if set(editable) != problem_ids:
        raise ValidationError(_("You may not edit every problem in this file."), code="not_editable")
    for pk, problem in locked.items():
        if problem.version != plan.versions[pk]:
            raise ConflictError(
                _("Someone else saved a problem of this file in the meantime. Upload it again."),
                current_version=problem.version,
            )
    by_problem: dict[int, dict[str, FieldChange]] = defaultdict(dict)
    by_measure: dict[int, dict[str, FieldChange]] = defaultdict(dict)
    for change in plan.changes:
        (by_problem if change.kind == PROBLEM else by_measure)[change.object_id][change.field] = change
    measures = list(Measure.objects.select_for_update().filter(pk__in=by_measure).order_by("pk"))
    if len(measures) != len(by_measure):
        raise ConflictError(_("A measure of this file has been deleted in the meantime. Upload it again."))
    for measure in measures:
        fields = by_measure[measure.pk]
        current = {"text": measure.text, "deadline": measure.due_raw}
        if any((current[name] or "").strip() != change.before.strip() for name, change in fields.items()):
            raise ConflictError(_("Someone else changed a measure of this file in the meantime. Upload it again."))
        ledger.update_measure(measure, acting_user=acting_user, changes={n: c.after for n, c in fields.items()})
    for pk, fields in by_problem.items():
        ledger.update_problem(
            locked[pk],
            acting_user=acting_user,
            expected_version=plan.versions[pk],
            changes={name: change.after for name, change in fields.items()},
            reason="ledger import",
        )
    return len(plan.changes)
