"""Import of a batch of cases from an .xlsx sheet: read, check (dry run), apply all or nothing.

* ``read_sheet(data) -> list[CaseRow]``: the header row is found among the first rows by its labels
  (any order, spaces and ``*`` ignored, a label may carry a suffix: 信访内容摘要 reads as 信访内容);
  ``COLUMNS`` lists the accepted labels. A missing required column, or a file that is not a
  workbook, raises ``ValidationError`` with a message naming it; nothing is read then.
* ``check_rows(rows, batch) -> ImportPlan``: every row's errors (``RowError``): an empty or repeated
  case number (within the file, or already in the inspection), a number of the inspection's shape
  with an impossible date, an unknown region or one outside the batch's jurisdiction, an unknown
  responsible unit, shares that do not add up to 1, an empty complaint, an unknown pollution type or
  channel. Units and regions are resolved once per distinct name (``Unit.objects.resolve``). A number
  of another format is kept as written (not an error).
* ``apply_import(plan, batch, acting_user=…)``: refuses a plan with errors; otherwise one
  transaction: the numbers are checked again against the inspection, then the cases and their
  assignments are written with ``bulk_create`` (and their history rows, ``bulk_create_with_history``),
  a few INSERTs per thousand rows.

``progress(done)`` callbacks let the background job (``tasks.import_batch``) report while checking.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from simple_history.utils import bulk_create_with_history

from zhenggai.cases.actions import case_from_number, check_shares, equal_shares, require_batch_office
from zhenggai.cases.case_numbers import normalize_case_number, parse_case_number
from zhenggai.cases.choices import CHANNEL_LABELS, POLLUTION_LABELS
from zhenggai.cases.models import Case, CaseAssignment, CaseBatch
from zhenggai.core.text import match_key
from zhenggai.organizations.models import Unit

if TYPE_CHECKING:
    from zhenggai.accounts.models import User

__all__ = ["COLUMNS", "CaseRow", "ImportPlan", "RowError", "apply_import", "check_rows", "read_sheet"]

# attribute → (required, accepted labels, first match wins)
COLUMNS = {
    "number": (True, ("受理编号", "交办编号", "信访编号", "举报编号", "案件编号")),
    "region": (True, ("行政区域", "行政区划", "所在区域", "所属区域", "区县")),
    "content": (True, ("信访内容", "举报内容", "反映内容", "投诉内容", "信访问题")),
    "units": (True, ("责任单位", "办理单位", "承办单位", "交办单位")),
    "pollution": (False, ("污染类型", "问题类型")),
    "channel": (False, ("来源", "举报方式", "来源渠道")),
    "key": (False, ("重点", "是否重点")),
    "reported_party": (False, ("被举报对象", "被举报单位", "被投诉对象")),
}
_HEADER_SEARCH_ROWS = 10
_SPLIT = re.compile(r"[、，,；;/／\n]+")
_SHARE = re.compile(r"^(?P<name>.*?)[\s（(:：]*(?P<value>\d+(?:\.\d+)?)\s*(?P<percent>%)?[)）]?$")
_YES = {"是", "重点", "★", "☆", "*", "√", "y", "yes", "1", "true"}
_NO = {"", "否", "n", "no", "0", "false", "-", "—", "/"}
_CHUNK = 500  # numbers per "already in the inspection" query


@dataclass
class CaseRow:
    """One data row as read from the sheet (text as written, stripped)."""

    row: int
    number: str = ""
    region: str = ""
    content: str = ""
    units: str = ""
    pollution: str = ""
    channel: str = ""
    key: str = ""
    reported_party: str = ""


@dataclass(frozen=True)
class RowError:
    row: int
    number: str
    message: str


@dataclass
class ImportPlan:
    """The rows checked against a batch: what would be created, or why nothing can be."""

    rows: list[CaseRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)  # unsaved, in sheet order
    units: list[list[tuple[Unit, Decimal]]] = field(default_factory=list)  # per case

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.cases)

    @property
    def co_handled(self) -> int:
        return sum(1 for pairs in self.units if len(pairs) > 1)


# --- reading ---------------------------------------------------------------------------------------


def _label(value) -> str:
    return re.sub(r"[\s*＊]", "", str(value or ""))


def _header(values) -> dict[str, int]:
    found: dict[str, int] = {}
    labels = [_label(v) for v in values]
    for attribute, (_required, accepted) in COLUMNS.items():
        for index, label in enumerate(labels):
            if label and any(label.startswith(a) for a in accepted) and index not in found.values():
                found[attribute] = index
                break
    return found


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_sheet(data: bytes) -> list[CaseRow]:
    """The data rows of the first sheet that has a header; ``ValidationError`` if there is none."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors all mean "not a workbook"
        raise ValidationError(_("The file is not an Excel workbook (.xlsx).")) from exc
    best: dict[str, int] = {}
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            for number, values in enumerate(rows, start=1):
                if number > _HEADER_SEARCH_ROWS:
                    break
                found = _header(values)
                if len(found) > len(best):
                    best = found
                if all(a in found for a, (required, _l) in COLUMNS.items() if required):
                    return _data_rows(rows, found, start=number + 1)
    finally:
        book.close()
    missing = [accepted[0] for a, (required, accepted) in COLUMNS.items() if required and a not in best]
    raise ValidationError(
        _("The sheet has no column %(columns)s. Name the columns in the header row (e.g. %(all)s).")
        % {
            "columns": "、".join(missing),
            "all": "、".join(accepted[0] for _r, accepted in COLUMNS.values()),
        }
    )


def _data_rows(rows, columns: dict[str, int], start: int) -> list[CaseRow]:
    out = []
    for number, values in enumerate(rows, start=start):
        cells = {a: _text(values[i]) if i < len(values) else "" for a, i in columns.items()}
        if any(cells.values()):
            out.append(CaseRow(row=number, **cells))
    return out


# --- checking --------------------------------------------------------------------------------------


def _split_units(text: str) -> tuple[list[tuple[str, Decimal | None]], str | None]:
    """``"甲一县（0.6）、甲二县（0.4）"`` → names with shares; equal shares when none is given."""
    parts = [p.strip() for p in _SPLIT.split(text) if p.strip()]
    pairs: list[tuple[str, Decimal | None]] = []
    for part in parts:
        match = _SHARE.match(part)
        if match and match["name"].strip():
            try:
                value = Decimal(match["value"])
            except InvalidOperation:
                return [], _("Cannot read the share in %(part)s.") % {"part": part}
            pairs.append((match["name"].strip(), value / 100 if match["percent"] else value))
        else:
            pairs.append((part, None))
    given = [share for _n, share in pairs if share is not None]
    if given and len(given) != len(pairs):
        return [], _("Give a share for every responsible unit or for none.")
    return pairs, None


class _Resolver:
    """Units by name, each distinct name looked up once (``Unit.objects.resolve``)."""

    def __init__(self) -> None:
        self.cache: dict[str, Unit | None] = {}

    def __call__(self, name: str) -> Unit | None:
        key = match_key(name)
        if key not in self.cache:
            self.cache[key] = Unit.objects.resolve(name)
        return self.cache[key]


def _existing_numbers(batch: CaseBatch, numbers: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(numbers), _CHUNK):
        chunk = numbers[start : start + _CHUNK]
        found |= set(
            Case.objects.filter(inspection_id=batch.inspection_id, number__in=chunk).values_list("number", flat=True)
        )
    return found


def check_rows(rows: list[CaseRow], batch: CaseBatch, *, progress: Callable[[int], None] | None = None) -> ImportPlan:
    """Check ``rows`` for ``batch``; ``plan.cases`` holds the unsaved cases when there is no error."""
    plan = ImportPlan(rows=rows)
    resolve = _Resolver()
    numbers = [normalize_case_number(r.number) for r in rows]
    existing = _existing_numbers(batch, sorted({n for n in numbers if n}))
    first_row: dict[str, int] = {}
    start = (Case.objects.filter(batch=batch).aggregate(m=Max("position"))["m"] or 0) + 1
    jurisdiction_path = batch.jurisdiction.path
    for index, (row, number) in enumerate(zip(rows, numbers, strict=True)):
        errors: list[str] = []

        def error(message: str, row=row, number=number, errors=errors) -> None:
            errors.append(message)
            plan.errors.append(RowError(row.row, number or row.number, message))

        parsed = parse_case_number(number)
        if not number:
            error(_("No case number."))
        elif number in first_row:
            error(_("Case number repeated (also in row %(row)s).") % {"row": first_row[number]})
        elif number in existing:
            error(_("Case number already in this inspection."))
        elif "date" in parsed.problem:
            error(_("Impossible date in the case number (%(problem)s).") % {"problem": parsed.problem})
        first_row.setdefault(number, row.row)
        region = resolve(row.region) if row.region else None
        if not row.region:
            error(_("No region."))
        elif region is None:
            error(_("Unknown region: %(name)s") % {"name": row.region})
        elif not region.path.startswith(jurisdiction_path):
            error(_("Region %(name)s is outside the batch's jurisdiction.") % {"name": row.region})
        if not row.content:
            error(_("No complaint text."))
        pairs, message = _split_units(row.units)
        if message:
            error(message)
        elif not pairs:
            error(_("No responsible unit."))
        units = [(resolve(name), share) for name, share in pairs]
        for (name, _share), (unit, _s) in zip(pairs, units, strict=True):
            if unit is None:
                error(_("Unknown responsible unit: %(name)s") % {"name": name})
        if units and all(u for u, _s in units) and len({u.pk for u, _s in units}) != len(units):
            error(_("A responsible unit is named twice."))
        if units and all(share is None for _u, share in units):
            units = [(u, s) for (u, _n), s in zip(units, equal_shares(len(units)), strict=True)]
        elif units and (message := check_shares([s for _u, s in units])):
            error(message)
        types = []
        for label in (p.strip() for p in _SPLIT.split(row.pollution.replace(" ", "、")) if p.strip()):
            code = POLLUTION_LABELS.get(label.removesuffix("污染"))
            if code is None:
                error(_("Unknown pollution type: %(label)s") % {"label": label})
            elif code not in types:
                types.append(code)
        channel = CHANNEL_LABELS.get(row.channel, "") if row.channel else ""
        if row.channel and not channel:
            error(_("Unknown channel: %(label)s") % {"label": row.channel})
        key = row.key.strip().casefold()
        if key not in _YES | _NO:
            error(_("Key case: write 是 or leave it empty (not %(value)s).") % {"value": row.key})
        if not errors:
            plan.cases.append(
                case_from_number(
                    batch,
                    number,
                    position=start + len(plan.cases),
                    channel=str(channel),
                    region=region,
                    region_text=row.region,
                    pollution_types=[str(t) for t in types],
                    is_key=key in _YES,
                    content=row.content,
                    reported_party=row.reported_party[:300],
                )
            )
            plan.units.append(units)
        if progress and (index + 1) % 500 == 0:
            progress(index + 1)
    if plan.errors:
        plan.cases, plan.units = [], []
    return plan


# --- applying --------------------------------------------------------------------------------------


@transaction.atomic
def apply_import(plan: ImportPlan, batch: CaseBatch, *, acting_user: User) -> int:
    """Create every case of ``plan`` with its units, or nothing; returns the number of cases."""
    require_batch_office(batch, acting_user)
    if plan.errors or not plan.cases:
        raise ValidationError(_("The file has errors; nothing was imported."))
    CaseBatch.objects.select_for_update().filter(pk=batch.pk).get()  # one import into a batch at a time
    taken = _existing_numbers(batch, [c.number for c in plan.cases])
    if taken:
        raise ValidationError(
            _("Meanwhile these case numbers were added to the inspection: %(numbers)s")
            % {"numbers": "、".join(sorted(taken)[:10])}
        )
    cases = bulk_create_with_history(
        plan.cases, Case, batch_size=500, default_user=acting_user, default_change_reason="import batch"
    )
    assignments = [
        CaseAssignment(case=case, unit=unit, share=share)
        for case, pairs in zip(cases, plan.units, strict=True)
        for unit, share in pairs
    ]
    bulk_create_with_history(
        assignments, CaseAssignment, batch_size=500, default_user=acting_user, default_change_reason="import batch"
    )
    return len(cases)
