"""Bring a parsed document into the ledger: one transaction, all or nothing.

Everything is created through ``ledger.actions`` (so each row has its history, author and
reason). Unit names go through ``UnitMatcher``; a name the registry does not know becomes an
assignment that keeps the name as written (``raw_text``) and is listed in the import record's
``unmatched_names``. Leaders and persons are kept as written (the person registry is matched
later). Progress texts of a report stay in ``ImportRecord.parsed`` until progress is modelled.

An amendment notice imported into an existing plan becomes one ``PlanRevision`` of that plan
(``ledger.amendments.amend_plan``): each amendment names a problem by number; its new wording
replaces the deadline, the targets, the measures or a responsibility list, with the review opinion.
A notice naming a problem the plan does not have is refused as a whole.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.importer.model import Amendment, ParsedDocument, ParsedProblem
from zhenggai.importer.plan_fields import parse_measures, parse_targets
from zhenggai.importer.units import split_names
from zhenggai.imports.matching import UnitMatcher
from zhenggai.imports.models import ImportRecord, PendingImport
from zhenggai.imports.report_progress import match_report, problems_written, record_report_progress, report_as_of
from zhenggai.imports.review import apply_item_changes
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.amendments import Holder, MeasureText, ProblemChange, TargetText, amend_plan
from zhenggai.ledger.choices import AssignmentRole, PlanLevel
from zhenggai.ledger.filtersets import units_in_scope
from zhenggai.ledger.models import Category, Inspection, Plan, PlanRevision, Problem

if TYPE_CHECKING:
    from zhenggai.accounts.models import User
    from zhenggai.organizations.models import Unit

__all__ = [
    "DuplicateImport",
    "ImportResult",
    "confirm_import",
    "discard_import",
    "edit_pending_item",
    "import_document",
    "source_hash",
    "upload_document",
]

_UNIT_ROLES = (
    ("responsible_units", AssignmentRole.LEAD),
    ("cooperating_units", AssignmentRole.COOPERATING),
    ("supervising_units", AssignmentRole.SUPERVISING),
)
_PERSON_ROLES = (("responsible_leaders", AssignmentRole.LEADER), ("responsible_persons", AssignmentRole.PERSON))
_LEVELS = {"province": PlanLevel.PROVINCE, "city": PlanLevel.CITY, "county": PlanLevel.COUNTY}


class DuplicateImport(ValidationError):
    """The same file (by SHA-256) was imported before."""


@dataclass
class ImportResult:
    record: ImportRecord
    plan: Plan
    problems: int
    measures: int
    unmatched_names: list[str]
    revision: PlanRevision | None = None
    reports: int = 0  # progress reports recorded from a report's 整改进度/整改进展


def source_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Writer:
    """Writes one parsed document's problems into a plan."""

    def __init__(self, plan: Plan, acting_user: User) -> None:
        self.plan, self.user = plan, acting_user
        self.matcher = UnitMatcher()
        self.categories: dict[str, Category] = {c.title: c for c in plan.categories.all()}
        self.problems = self.measures = 0
        self.by_number: dict[int, Problem] = {}  # top-level problems written, for the document's own amendments

    def category(self, title: str | None) -> Category | None:
        if not title:
            return None
        if title not in self.categories:
            self.categories[title] = ledger.add_category(self.plan, acting_user=self.user, title=title)
        return self.categories[title]

    def assign_units(self, problem: Problem, item, **target) -> None:
        for field, role in _UNIT_ROLES:
            for name in getattr(item, field, None) or []:
                unit = self.matcher.match(name)
                ledger.assign(problem, role, unit=unit, raw_text=name, acting_user=self.user, **target)

    def assign_people(self, problem: Problem, item: ParsedProblem) -> None:
        for field, role in _PERSON_ROLES:
            for name in getattr(item, field) or []:
                ledger.assign(problem, role, raw_text=name, acting_user=self.user)

    def problem(self, item: ParsedProblem, parent: Problem | None = None, category: str | None = None) -> Problem:
        problem = ledger.create_problem(
            self.plan,
            acting_user=self.user,
            title=item.title or item.description[:80] or "—",
            description=item.description or "",
            cause=item.cause or "",
            deadline=item.deadline.raw if item.deadline else "",
            number=item.number,
            number_text=item.number_text or "",
            category=self.category(item.category or category),
            parent=parent,
        )
        self.problems += 1
        if parent is None and item.number is not None:
            self.by_number[item.number] = problem
        for target in item.targets:
            deadline = target.deadline.raw if target.deadline else ""
            ledger.add_target(problem, acting_user=self.user, text=target.text, deadline=deadline)
        self.assign_units(problem, item)
        self.assign_people(problem, item)
        for parsed_measure in item.measures:
            measure = ledger.add_measure(
                problem,
                acting_user=self.user,
                text=parsed_measure.text or "—",
                number_text=parsed_measure.number_text or "",
                deadline=parsed_measure.deadline.raw if parsed_measure.deadline else "",
            )
            self.measures += 1
            self.assign_units(problem, parsed_measure, measure=measure)
        for sub in item.sub_items:
            self.problem(sub, parent=problem, category=item.category or category)
        return problem

    def general_measure(self, item) -> Problem:
        """A narrative plan's numbered measure becomes a ledger task with its units and deadlines."""
        deadline = "，".join(d.raw for d in item.deadlines)
        problem = ledger.create_problem(
            self.plan,
            acting_user=self.user,
            title=item.title or item.text[:80] or "—",
            description=item.text,
            deadline=deadline,
            number_text=item.number_text or "",
            category=self.category(item.category),
        )
        self.problems += 1
        self.assign_units(problem, item)
        return problem


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _new_plan(parsed: ParsedDocument, *, acting_user: User, jurisdiction: Unit, title: str) -> Plan:
    team = parsed.document.inspection or _("Inspection (name not given in the document)")
    inspection = Inspection.objects.filter(team=team, inspected_unit=jurisdiction).first() or ledger.create_inspection(
        acting_user=acting_user,
        team=team,
        inspected_unit=jurisdiction,
        feedback_date=_parse_date(parsed.document.feedback_date),
    )
    return ledger.create_plan(
        acting_user=acting_user,
        inspection=inspection,
        title=title,
        jurisdiction=jurisdiction,
        level=_LEVELS.get(jurisdiction.level, PlanLevel.CITY),
        doc_number=parsed.document.doc_number or "",
        issue_date=_parse_date(parsed.document.date),
    )


@transaction.atomic
def import_document(
    parsed: ParsedDocument,
    *,
    acting_user: User,
    source: bytes,
    filename: str = "",
    plan: Plan | None = None,
    jurisdiction: Unit | None = None,
    title: str = "",
    as_of: date | None = None,
) -> ImportResult:
    """Create the plan's problems, targets, measures and assignments from ``parsed``, or nothing at all.

    A progress report (``kind == "report"``) also records its 整改进度 and 整改进展 as progress reports
    dated ``as_of`` (default: the date the report states, ``imports.report_progress``); into a plan
    that already has problems it records only those, matched by problem number."""
    digest = source_hash(source)
    if ImportRecord.objects.filter(sha256=digest).exists():
        raise DuplicateImport(_("This document was imported before (same file)."))
    if plan is None:
        if jurisdiction is None:
            raise ValidationError({"jurisdiction": _("Name the jurisdiction of the new plan.")})
        plan = _new_plan(parsed, acting_user=acting_user, jurisdiction=jurisdiction, title=title or filename)
    writer = _Writer(plan, acting_user)
    is_report = parsed.document.kind == "report"
    if is_report and plan.problems.exists():
        matched = match_report(plan, parsed)  # progress into the plan it reports on: no new problems
    else:
        for item in parsed.problems:
            writer.problem(item)
        for item in parsed.general_measures:
            writer.general_measure(item)
        matched = problems_written(writer.by_number, parsed.problems) if is_report else {}
    reports = 0
    if is_report:
        reported_on = report_as_of(parsed, as_of)
        reports = record_report_progress(parsed, matched, acting_user=acting_user, as_of=reported_on)
    revision = None
    if parsed.amendments and (writer.problems or parsed.document.kind == "amendment"):
        revision = _amend(plan, parsed, acting_user=acting_user, writer=writer, title=title or filename)
    if not writer.problems and revision is None and not reports:
        raise ValidationError(_("The document contains no problems or measures to import."))
    record = ImportRecord.objects.create(
        sha256=digest,
        filename=filename,
        kind=parsed.document.kind,
        plan=plan,
        parsed=parsed.to_dict(),
        unmatched_names=writer.matcher.unmatched,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    return ImportResult(
        record, plan, writer.problems, writer.measures, writer.matcher.unmatched, revision, reports=reports
    )


_ROLE_OF_FIELD = dict(_UNIT_ROLES + _PERSON_ROLES)


def _change_value(amendment: Amendment, problem: Problem, matcher: UnitMatcher):
    """What an amendment's wording becomes in the ledger, by the field it changes."""
    text = amendment.new_text
    if amendment.field == "target":
        return "targets", [TargetText(t.text) for t in parse_targets(text, None)]
    if amendment.field == "measures":
        measures = parse_measures([line for line in text.splitlines() if line.strip()]).measures
        return "measures", [
            MeasureText(m.text, m.number_text or "", m.deadline.raw if m.deadline else "") for m in measures
        ]
    if amendment.field in _ROLE_OF_FIELD:
        role = _ROLE_OF_FIELD[amendment.field]
        names = split_names(text)
        if role in (AssignmentRole.LEADER, AssignmentRole.PERSON):
            return role, [Holder(name) for name in names]
        return role, [Holder(name, matcher.match(name)) for name in names]
    return amendment.field, text


def _amend(plan: Plan, parsed: ParsedDocument, *, acting_user: User, writer: _Writer, title: str):
    """Apply the parsed amendments as one revision: to the problems the same document just wrote, or, for
    a notice alone, to the plan's problems with those numbers."""
    numbers = {a.problem_number for a in parsed.amendments}
    problems = writer.by_number or {p.number: p for p in plan.problems.filter(number__in=numbers, parent=None)}
    missing = sorted(str(n) for n in numbers if n not in problems)
    if missing:
        raise ValidationError(
            _("The amendment names problems this plan does not have: %(numbers)s") % {"numbers": "、".join(missing)}
        )
    changes = []
    for amendment in parsed.amendments:
        field, value = _change_value(amendment, problems[amendment.problem_number], writer.matcher)
        changes.append(
            ProblemChange(problems[amendment.problem_number], field, value, opinion=amendment.review_opinion or "")
        )
    return amend_plan(
        plan,
        acting_user=acting_user,
        changes=changes,
        title=title,
        doc_number=parsed.document.doc_number or "",
        issue_date=_parse_date(parsed.document.date),
        summary=_("Imported from %(name)s") % {"name": title} if title else "",
    )


# --- The review flow (upload → review → confirm or discard) ---------------------------------------


def upload_document(
    *, acting_user: User, data: bytes, filename: str, jurisdiction: Unit | None = None, plan: Plan | None = None
) -> PendingImport:
    """Parse an uploaded file and keep it, with its parse, for review. Nothing enters the ledger yet."""
    from zhenggai.importer.parse import UnreadableDocument, parse_bytes

    _check_destination(acting_user, plan=plan, jurisdiction=jurisdiction)
    digest = source_hash(data)
    if ImportRecord.objects.filter(sha256=digest).exists():
        raise DuplicateImport(_("This document was imported before (same file)."))
    try:
        parsed = parse_bytes(data, filename)
    except UnreadableDocument as exc:
        raise ValidationError(_("The file cannot be read: %(reason)s") % {"reason": exc}) from exc
    if not parsed.problems and not parsed.general_measures and not parsed.amendments:
        raise ValidationError(_("The document contains no problems or measures to import."))
    if plan is None and not parsed.problems and parsed.amendments:
        raise ValidationError({"plan": _("An amendment notice is imported into the plan it amends: choose the plan.")})
    return PendingImport.objects.create(
        data=data,
        filename=filename[:255],
        sha256=digest,
        parsed=parsed.to_dict(),
        warning_count=len(parsed.warnings),
        jurisdiction=jurisdiction,
        plan=plan,
        uploaded_by=acting_user,
    )


def _check_destination(acting_user: User, *, plan: Plan | None, jurisdiction: Unit | None) -> None:
    """The user may still change the target plan, or create plans in the jurisdiction (re-checked at confirm)."""
    if plan is None and jurisdiction is None:
        raise ValidationError({"jurisdiction": _("Name the jurisdiction of the new plan.")})
    if plan is not None and not Plan.objects.editable_by(acting_user).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("You may not change this plan."))
    if plan is None and not units_in_scope(acting_user).filter(pk=jurisdiction.pk).exists():
        raise PermissionDenied(_("You may not create plans in this jurisdiction."))


def _locked_pending(pending: PendingImport) -> PendingImport:
    pending = (
        PendingImport.objects.select_for_update(of=("self",)).select_related("plan", "jurisdiction").get(pk=pending.pk)
    )
    if pending.status != PendingImport.Status.PENDING:
        raise ValidationError(_("This upload was already imported or discarded."))
    return pending


@transaction.atomic
def edit_pending_item(pending: PendingImport, *, acting_user: User, path: str, values: dict) -> list[dict]:
    """Correct one item of a pending parse (see ``imports.review``); each changed field is logged on the row."""
    pending = _locked_pending(pending)
    parsed = pending.parsed
    log = apply_item_changes(parsed, path, values)
    if log:
        when = timezone.now().isoformat(timespec="seconds")
        pending.edits = [*pending.edits, *({**entry, "by": acting_user.get_username(), "at": when} for entry in log)]
        pending.parsed = parsed
        pending.save(update_fields=["parsed", "edits"])
    return log


@transaction.atomic
def confirm_import(pending: PendingImport, *, acting_user: User) -> ImportResult:
    """Import a reviewed upload, with the reviewer's corrections, in one transaction; a second confirmation
    is refused. The user's right to change the destination is checked again: it may have been withdrawn
    since the upload."""
    pending = _locked_pending(pending)
    _check_destination(acting_user, plan=pending.plan, jurisdiction=pending.jurisdiction)
    data = bytes(pending.data)
    result = import_document(
        ParsedDocument.from_dict(pending.parsed),
        acting_user=acting_user,
        source=data,
        filename=pending.filename,
        plan=pending.plan,
        jurisdiction=pending.jurisdiction,
        title=pending.filename,
    )
    pending.status = PendingImport.Status.IMPORTED
    pending.import_record = result.record
    pending.save(update_fields=["status", "import_record"])
    return result


@transaction.atomic
def discard_import(pending: PendingImport, *, acting_user: User) -> PendingImport:
    """Drop an upload without importing it (the row stays, marked discarded)."""
    pending = _locked_pending(pending)
    pending.status = PendingImport.Status.DISCARDED
    pending.save(update_fields=["status"])
    return pending
