"""Bring a parsed document into the ledger: one transaction, all or nothing.

Everything is created through ``ledger.actions`` (so each row has its history, author and
reason). Unit names go through ``UnitMatcher``; a name the registry does not know becomes an
assignment that keeps the name as written (``raw_text``) and is listed in the import record's
``unmatched_names``. Leaders and persons are kept as written (the person registry is matched
later). What the ledger does not model yet — progress texts of a report, amendments other than
deadlines — stays in ``ImportRecord.parsed``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhenggai.importer.model import ParsedDocument, ParsedProblem
from zhenggai.imports.matching import UnitMatcher
from zhenggai.imports.models import ImportRecord, PendingImport
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import AssignmentRole, PlanLevel
from zhenggai.ledger.models import Category, Inspection, Plan, Problem

if TYPE_CHECKING:
    from zhenggai.accounts.models import User
    from zhenggai.organizations.models import Unit

__all__ = [
    "DuplicateImport",
    "ImportResult",
    "confirm_import",
    "discard_import",
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


def source_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Writer:
    """Writes one parsed document's problems into a plan."""

    def __init__(self, plan: Plan, acting_user: User) -> None:
        self.plan, self.user = plan, acting_user
        self.matcher = UnitMatcher()
        self.categories: dict[str, Category] = {c.title: c for c in plan.categories.all()}
        self.problems = self.measures = 0

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
        acting_user=acting_user, team=team, inspected_unit=jurisdiction
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
) -> ImportResult:
    """Create the plan's problems, targets, measures and assignments from ``parsed``, or nothing at all."""
    digest = source_hash(source)
    if ImportRecord.objects.filter(sha256=digest).exists():
        raise DuplicateImport(_("This document was imported before (same file)."))
    if plan is None:
        if jurisdiction is None:
            raise ValidationError({"jurisdiction": _("Name the jurisdiction of the new plan.")})
        plan = _new_plan(parsed, acting_user=acting_user, jurisdiction=jurisdiction, title=title or filename)
    writer = _Writer(plan, acting_user)
    for item in parsed.problems:
        writer.problem(item)
    for item in parsed.general_measures:
        writer.general_measure(item)
    if not writer.problems:
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
    return ImportResult(record, plan, writer.problems, writer.measures, writer.matcher.unmatched)


# --- The review flow (upload → review → confirm or discard) ---------------------------------------


def upload_document(
    *, acting_user: User, data: bytes, filename: str, jurisdiction: Unit | None = None, plan: Plan | None = None
) -> PendingImport:
    """Parse an uploaded file and keep it, with its parse, for review. Nothing enters the ledger yet."""
    from zhenggai.importer.parse import UnreadableDocument, parse_bytes

    if plan is None and jurisdiction is None:
        raise ValidationError({"jurisdiction": _("Name the jurisdiction of the new plan.")})
    digest = source_hash(data)
    if ImportRecord.objects.filter(sha256=digest).exists():
        raise DuplicateImport(_("This document was imported before (same file)."))
    try:
        parsed = parse_bytes(data, filename)
    except UnreadableDocument as exc:
        raise ValidationError(_("The file cannot be read: %(reason)s") % {"reason": exc}) from exc
    if not parsed.problems and not parsed.general_measures:
        raise ValidationError(_("The document contains no problems or measures to import."))
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


@transaction.atomic
def confirm_import(pending: PendingImport, *, acting_user: User) -> ImportResult:
    """Import a reviewed upload into the ledger: one transaction; a second confirmation is refused."""
    from zhenggai.importer.parse import parse_bytes

    pending = (
        PendingImport.objects.select_for_update(of=("self",)).select_related("plan", "jurisdiction").get(pk=pending.pk)
    )
    if pending.status != PendingImport.Status.PENDING:
        raise ValidationError(_("This upload was already imported or discarded."))
    data = bytes(pending.data)
    result = import_document(
        parse_bytes(data, pending.filename),
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
    pending = PendingImport.objects.select_for_update().get(pk=pending.pk)
    if pending.status != PendingImport.Status.PENDING:
        raise ValidationError(_("This upload was already imported or discarded."))
    pending.status = PendingImport.Status.DISCARDED
    pending.save(update_fields=["status"])
    return pending
