"""Import of a batch of cases from an .xlsx sheet: read, check (dry run), apply all or nothing.

* ``read_sheet(data, limit=None) -> list[CaseRow]``: the header row is found among the first rows by
  its labels (any order, spaces and ``*`` ignored, a label may carry a suffix: 信访内容摘要 reads as
  信访内容); ``COLUMNS`` lists the accepted labels. A missing required column, a file that is not a
  workbook, or one larger than ``MAX_UNCOMPRESSED_BYTES`` once unzipped raises ``ValidationError``
  with a message naming it; nothing is read then. ``limit`` stops reading after that many data rows
  (the page only needs to know whether a file is small enough to check at once).
* ``check_rows(rows, batch) -> ImportPlan``: every row's errors (``RowError``): an empty or repeated
  case number (within the file, or already in the inspection), a number of the inspection's shape
  with an impossible date or one after the batch's hand-over (or in the future), an unknown or
  ambiguous region or one outside the batch's jurisdiction, an unknown or ambiguous responsible unit
  or one outside the jurisdiction, shares that do not add up to 1 or have more than 4 decimal places,
  an empty complaint, an unknown pollution type or channel, a text longer than its column. Units and
  regions are resolved once per distinct name, within the batch's jurisdiction (``_Resolver``). A
  number of another format is kept as written (not an error).
* ``apply_import(plan, batch, acting_user=…)``: refuses a plan with errors; otherwise one
  transaction: the inspection and the batch are locked (``actions.lock_inspection_cases``), the
  numbers are checked again against the inspection and the serial numbers given after the batch's
  last case, then the cases and their assignments are written with ``bulk_create`` (and their
  history rows, ``bulk_create_with_history``), a few INSERTs per thousand rows.

``progress(done)`` callbacks let the background job (``tasks.import_batch``) report while checking.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from simple_history.utils import bulk_create_with_history

from zhenggai.cases.actions import case_from_number, lock_inspection_cases, next_position, require_batch_office
from zhenggai.cases.case_numbers import normalize_case_number, parse_case_number
from zhenggai.cases.choices import CHANNEL_LABELS, POLLUTION_LABELS
from zhenggai.cases.models import Case, CaseAssignment, CaseBatch
from zhenggai.cases.shares import case_number_date_problem, check_shares, equal_shares
from zhenggai.core.text import match_key
from zhenggai.organizations.models import Unit

if TYPE_CHECKING:
    from zhenggai.accounts.models import User

__all__ = [
    "COLUMNS",
    "MAX_UNCOMPRESSED_BYTES",
    "CaseRow",
    "ImportPlan",
    "RowError",
    "apply_import",
    "check_rows",
    "read_sheet",
]

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
# A 5 MB .xlsx can unzip to gigabytes (a zip bomb); a real batch of 10 000 rows is about 5 MB unzipped.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# The text columns a row fills, checked against their max_length (bulk_create does not run full_clean,
# and PostgreSQL refuses a long value with an error that would fail the whole import).
_SIZED_FIELDS = [f for f in Case._meta.concrete_fields if isinstance(f, models.CharField) and f.max_length]


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


def _check_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationError(_("The file is not an Excel workbook (.xlsx).")) from exc
    if size > MAX_UNCOMPRESSED_BYTES:
        raise ValidationError(
            _("The workbook is too large once unpacked (%(size)d MB; at most %(max)d MB). Split the batch.")
            % {"size": size // 2**20, "max": MAX_UNCOMPRESSED_BYTES // 2**20}
        )


def read_sheet(data: bytes, *, limit: int | None = None) -> list[CaseRow]:
    """The data rows of the first sheet that has a header (at most ``limit``); ``ValidationError`` if there
    is none or the workbook is too large once unpacked."""
    _check_size(data)
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
                    return _data_rows(rows, found, start=number + 1, limit=limit)
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


def _data_rows(rows, columns: dict[str, int], start: int, limit: int | None = None) -> list[CaseRow]:
    out = []
    for number, values in enumerate(rows, start=start):
        cells = {a: _text(values[i]) if i < len(values) else "" for a, i in columns.items()}
        if any(cells.values()):
            out.append(CaseRow(row=number, **cells))
            if limit is not None and len(out) >= limit:
                break
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
    """Units by name within the batch's jurisdiction, each distinct name looked up once.

    A common name (城区, 开发区, 市生态环境局) exists in many cities, so a name is first looked for in the
    jurisdiction's subtree (by name, short name or alias; active units before inactive ones); several
    matches there are ambiguous. A name found only elsewhere (``Unit.objects.resolve``) is a unit
    outside the jurisdiction. Returns ``(unit, None)`` or ``(None or the foreign unit, problem)``
    with problem one of ``"unknown"``, ``"ambiguous"``, ``"outside"``.
    """

    def __init__(self, jurisdiction: Unit) -> None:
        self.jurisdiction = jurisdiction
        self.cache: dict[str, tuple[Unit | None, str | None]] = {}

    def __call__(self, name: str) -> tuple[Unit | None, str | None]:
        key = match_key(name)
        if key not in self.cache:
            self.cache[key] = self._resolve(key, name)
        return self.cache[key]

    def _resolve(self, key: str, name: str) -> tuple[Unit | None, str | None]:
        if not key:
            return None, "unknown"
        named = Q(name_key=key) | Q(short_name_key=key) | Q(aliases__key=key)
        found: dict[int, Unit] = {}
        for unit in Unit.objects.subtree(self.jurisdiction).filter(named).order_by("-is_active", "pk")[:10]:
            found.setdefault(unit.pk, unit)
        active = [u for u in found.values() if u.is_active] or list(found.values())
        if len(active) == 1:
            return active[0], None
        if active:
            return None, "ambiguous"
        elsewhere = Unit.objects.resolve(name)
        return (elsewhere, "outside") if elsewhere is not None else (None, "unknown")


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
    resolve = _Resolver(batch.jurisdiction)
    numbers = [normalize_case_number(r.number) for r in rows]
    existing = _existing_numbers(batch, sorted({n for n in numbers if n}))
    first_row: dict[str, int] = {}
    start = (Case.objects.filter(batch=batch).aggregate(m=Max("position"))["m"] or 0) + 1
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
        elif message := case_number_date_problem(batch, parsed.received_on):
            error(message)
        first_row.setdefault(number, row.row)
        region, problem = resolve(row.region) if row.region else (None, None)
        if not row.region:
            error(_("No region."))
        elif problem == "unknown":
            error(_("Unknown region: %(name)s") % {"name": row.region})
        elif problem == "ambiguous":
            error(_("Region %(name)s names several units in the batch's jurisdiction.") % {"name": row.region})
        elif problem == "outside":
            error(_("Region %(name)s is outside the batch's jurisdiction.") % {"name": row.region})
        if problem:
            region = None
        if not row.content:
            error(_("No complaint text."))
        pairs, message = _split_units(row.units)
        if message:
            error(message)
        elif not pairs:
            error(_("No responsible unit."))
        units = []
        for name, share in pairs:
            unit, problem = resolve(name)
            if problem == "unknown":
                error(_("Unknown responsible unit: %(name)s") % {"name": name})
            elif problem == "ambiguous":
                error(_("Responsible unit %(name)s names several units in the batch's jurisdiction.") % {"name": name})
            elif problem == "outside":
                error(_("Responsible unit %(name)s is outside the batch's jurisdiction.") % {"name": name})
            units.append((None if problem else unit, share))
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
        case = case_from_number(
            batch,
            number,
            position=start + len(plan.cases),
            channel=str(channel),
            region=region,
            region_text=row.region,
            pollution_types=[str(t) for t in types],
            is_key=key in _YES,
            content=row.content,
            reported_party=row.reported_party,
        )
        for sized in _SIZED_FIELDS:
            value = getattr(case, sized.attname)
            if isinstance(value, str) and len(value) > sized.max_length:
                error(
                    _("%(field)s is too long (%(length)d characters; at most %(max)d).")
                    % {"field": capfirst(sized.verbose_name), "length": len(value), "max": sized.max_length}
                )
        if not errors:
            plan.cases.append(case)
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
    # One import or added case per inspection at a time (case numbers are unique per inspection).
    locked = lock_inspection_cases(batch)
    taken = _existing_numbers(locked, [c.number for c in plan.cases])
    if taken:
        raise _taken(taken)
    # Serial numbers after the batch's last case as it is now, not as it was at the dry run.
    start = next_position(locked)
    for offset, case in enumerate(plan.cases):
        case.position = start + offset
    try:
        with transaction.atomic():  # a savepoint: the database has the last word on the unique numbers
            cases = bulk_create_with_history(
                plan.cases, Case, batch_size=500, default_user=acting_user, default_change_reason="import batch"
            )
    except IntegrityError:
        numbers = [c.number for c in plan.cases]
        raise _taken(_existing_numbers(locked, numbers) or set(numbers[:1])) from None
    assignments = [
        CaseAssignment(case=case, unit=unit, share=share)
        for case, pairs in zip(cases, plan.units, strict=True)
        for unit, share in pairs
    ]
    bulk_create_with_history(
        assignments, CaseAssignment, batch_size=500, default_user=acting_user, default_change_reason="import batch"
    )
    return len(cases)


def _taken(numbers: set[str]) -> ValidationError:
    return ValidationError(
        _("Meanwhile these case numbers were added to the inspection: %(numbers)s")
        % {"numbers": "、".join(sorted(numbers)[:10])}
    )
