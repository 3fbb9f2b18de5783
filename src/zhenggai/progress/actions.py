"""State changes of progress scheduling. Views, the API and commands validate input and call these.

Each action is one transaction with a keyword ``acting_user``. Reports, extensions and escalations are
append-only rows that name their author and time (a correction is a new version; a decision fills the
decision columns once, race-safe), so they are their own audit trail; a schedule keeps
django-simple-history rows, and an approved extension changes the item's deadline through
``ledger.actions`` (history row with the reason). Side effects — re-computing the problem's warnings —
run on commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.accounts.choices import Role
from zhenggai.core.audit import stamp
from zhenggai.core.errors import ConflictError
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Measure, Problem
from zhenggai.progress.choices import ClaimedStatus, EscalationKind, ExtensionStatus
from zhenggai.progress.evidence import check_evidence
from zhenggai.progress.models import (
    DeadlineExtension,
    Escalation,
    Evidence,
    Indicator,
    NotificationMute,
    PlanSchedule,
    ProgressReport,
)

if TYPE_CHECKING:
    from zhenggai.accounts.models import User

__all__ = [
    "IndicatorInput",
    "ReportInput",
    "correct_report",
    "decide_extension",
    "mute_unit",
    "record_escalation",
    "request_extension",
    "save_schedule",
    "submit_report",
    "unmute_unit",
]

MAX_PERIOD_DAYS = 366


@dataclass
class IndicatorInput:
    """量化指标 as entered: ``unit`` is required (172 what?), ``achieved`` too."""

    name: str
    unit: str
    achieved: Decimal | None
    target: Decimal | None = None
    note: str = ""


@dataclass
class ReportInput:
    period_start: date
    period_end: date
    narrative: str
    percent: Decimal | None = None
    milestones: str = ""
    claimed_status: str = ClaimedStatus.IN_PROGRESS
    indicators: list[IndicatorInput] = field(default_factory=list)
    files: list[Any] = field(default_factory=list)  # uploaded files


# --- who may report -----------------------------------------------------------------------------


def can_report(user, problem: Problem) -> bool:
    """Unit users report on the problems their unit holds; offices may enter a report for a unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    if user.role == Role.UNIT:
        return Problem.objects.visible_to(user).filter(pk=problem.pk).exists()
    if user.role == Role.OFFICE:
        return Problem.objects.editable_by(user).filter(pk=problem.pk).exists()
    return False


def _require_report_right(user, problem: Problem) -> None:
    if not can_report(user, problem):
        raise PermissionDenied(_("You may not report progress on this problem."))


# --- validation ---------------------------------------------------------------------------------


def _validate(data: ReportInput, problem: Problem, measure: Measure | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if measure is not None and measure.problem_id != problem.pk:
        error("measure", _("The measure belongs to another problem."))
    if problem.status == ItemStatus.SIGNED_OFF:
        error("problem", _("The problem is signed off: no more progress reports."))
    if data.period_end < data.period_start:
        error("period_end", _("The period ends before it starts."))
    elif (data.period_end - data.period_start).days >= MAX_PERIOD_DAYS:
        error("period_end", _("A reporting period cannot be longer than a year."))
    if data.period_start > timezone.localdate():
        error("period_start", _("A report cannot cover a period that has not started."))
    if not (data.narrative or "").strip():
        error("narrative", _("Describe the progress."))
    if data.percent is not None and not (0 <= data.percent <= 100):
        error("percent", _("Percent complete must be between 0 and 100."))
    if data.claimed_status not in ClaimedStatus.values:
        error("claimed_status", _("Unknown status."))
    for index, indicator in enumerate(data.indicators, start=1):
        if not (indicator.name or "").strip():
            error("indicators", _("Indicator %(n)d needs a name.") % {"n": index})
        if not (indicator.unit or "").strip():
            error("indicators", _("Indicator %(n)d needs a unit of measure (个, 座, 公里 …).") % {"n": index})
        if indicator.achieved is None:
            error("indicators", _("Indicator %(n)d needs the number achieved.") % {"n": index})
        elif indicator.achieved < 0 or (indicator.target is not None and indicator.target < 0):
            error("indicators", _("Indicator %(n)d cannot be negative.") % {"n": index})
    checked = []
    for upload in data.files:
        try:
            checked.append((upload, check_evidence(upload)))
        except ValidationError as exc:
            for message in exc.messages:
                error("files", message)
    if errors:
        raise ValidationError(errors)
    return {"files": checked}


def _reporting_unit(user, problem: Problem):
    """The unit a report speaks for: the user's own unit when it is one of the problem's units."""
    return user.unit if getattr(user, "unit_id", None) else None


def _create(
    problem, measure, data: ReportInput, checked, *, acting_user, version=1, supersedes=None, reason="", when=None
):
    report = ProgressReport.objects.create(
        submitted_at=when or timezone.now(),
        problem=problem,
        measure=measure,
        unit=_reporting_unit(acting_user, problem),
        period_start=data.period_start,
        period_end=data.period_end,
        narrative=data.narrative.strip(),
        percent=data.percent,
        milestones=(data.milestones or "").strip(),
        claimed_status=data.claimed_status,
        reporter=acting_user,
        version=version,
        supersedes=supersedes,
        correction_reason=reason,
    )
    Indicator.objects.bulk_create(
        Indicator(
            report=report,
            position=index,
            name=item.name.strip(),
            unit=item.unit.strip(),
            target=item.target,
            achieved=item.achieved,
            note=(item.note or "").strip(),
        )
        for index, item in enumerate(data.indicators)
    )
    for upload, facts in checked:
        evidence = Evidence(
            report=report,
            original_name=(upload.name or "file")[:255],
            content_type=facts.content_type,
            size=facts.size,
            sha256=facts.sha256,
            uploaded_by=acting_user,
        )
        evidence.file.save(upload.name or "evidence", upload, save=False)
        evidence.save()
    return report


def _after_commit(problem_id: int) -> None:
    """Re-evaluate the problem once the transaction commits (one task per problem per transaction)."""
    from zhenggai.progress.signals import refresh_after_commit

    refresh_after_commit(problem_id)


# --- reports ------------------------------------------------------------------------------------


def submit_report(
    problem: Problem,
    data: ReportInput,
    *,
    acting_user: User,
    measure: Measure | None = None,
    submitted_at: datetime | None = None,
):
    """Submit the report for one period. A second report for the same period is refused (correct the
    first instead) — also when two arrive at the same moment: the database's unique index decides.
    ``submitted_at`` records when a report was made before it entered the system (the demo, imports)."""
    _require_report_right(acting_user, problem)
    checked = _validate(data, problem, measure)["files"]
    try:
        with transaction.atomic():
            report = _create(problem, measure, data, checked, acting_user=acting_user, when=submitted_at)
    except IntegrityError as exc:
        raise ConflictError(
            _("A report for this period was already submitted. Open it and submit a correction instead.")
        ) from exc
    _after_commit(problem.pk)
    return report


@transaction.atomic
def correct_report(report: ProgressReport, data: ReportInput, *, acting_user: User, reason: str) -> ProgressReport:
    """A new version of ``report``; the old one stays, no longer current. Its evidence is carried forward."""
    _require_report_right(acting_user, report.problem)
    if not (reason or "").strip():
        raise ValidationError({"correction_reason": _("Say why the report is corrected.")})
    checked = _validate(data, report.problem, report.measure)["files"]
    # Race-safe: only one correction can take the current flag from a version.
    if not ProgressReport.objects.filter(pk=report.pk, is_current=True).update(is_current=False):
        raise ConflictError(_("This report was corrected by someone else in the meantime. Open the newest version."))
    new = _create(
        report.problem,
        report.measure,
        data,
        checked,
        acting_user=acting_user,
        version=report.version + 1,
        supersedes=report,
        reason=reason.strip(),
    )
    Evidence.objects.bulk_create(
        Evidence(
            report=new,
            file=old.file.name,
            original_name=old.original_name,
            content_type=old.content_type,
            size=old.size,
            sha256=old.sha256,
            uploaded_by=old.uploaded_by,
            uploaded_at=old.uploaded_at,
        )
        for old in report.evidence.all()
    )
    _after_commit(report.problem_id)
    return new


# --- schedule -----------------------------------------------------------------------------------


@transaction.atomic
def save_schedule(plan, *, acting_user: User, **values: Any) -> PlanSchedule:
    """Create or change a plan's cadence, window, start, tolerance and thresholds."""
    if not ledger_plan_editable(acting_user, plan):
        raise PermissionDenied(_("You may not change this plan."))
    schedule = PlanSchedule.objects.select_for_update().filter(plan=plan).first() or PlanSchedule(plan=plan)
    for name, value in values.items():
        setattr(schedule, name, value)
    schedule.full_clean()
    stamp(schedule, acting_user, "schedule").save()
    return schedule


def ledger_plan_editable(user, plan) -> bool:
    from zhenggai.ledger.models import Plan

    return Plan.objects.editable_by(user).filter(pk=plan.pk).exists()


# --- deadline extensions (延期申请) ---------------------------------------------------------------


@transaction.atomic
def request_extension(
    problem: Problem, *, acting_user: User, requested_raw: str, reasons: str, measure: Measure | None = None
) -> DeadlineExtension:
    _require_report_right(acting_user, problem)
    from zhenggai.core.deadlines import parse_deadline

    errors = {}
    if problem.status == ItemStatus.SIGNED_OFF:
        errors["problem"] = _("The problem is signed off: its deadline no longer changes.")
    if measure is not None and measure.problem_id != problem.pk:
        errors["measure"] = _("The measure belongs to another problem.")
    parsed = parse_deadline(requested_raw or "")
    if not parsed.due_date:
        errors["requested_raw"] = _("Give the new deadline as a date (e.g. 2027年6月30日前).")
    if not (reasons or "").strip():
        errors["reasons"] = _("Give the reasons for the extension.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return DeadlineExtension.objects.create(
                problem=problem,
                measure=measure,
                requested_raw=requested_raw.strip(),
                reasons=reasons.strip(),
                requested_by=acting_user,
            )
    except IntegrityError as exc:
        raise ConflictError(_("An extension request for this item is already waiting for a decision.")) from exc


@transaction.atomic
def decide_extension(
    extension: DeadlineExtension, *, acting_user: User, approve: bool, note: str = "", when: datetime | None = None
) -> DeadlineExtension:
    """Approve (the item's deadline becomes the requested one; the old one stays in ``previous_raw`` and
    the item's history) or reject (a note is required)."""
    if not ledger_plan_editable(acting_user, extension.problem.plan):
        raise PermissionDenied(_("Only the plan's office decides on extensions."))
    if not approve and not (note or "").strip():
        raise ValidationError({"decision_note": _("Say why the extension is rejected.")})
    status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    item = extension.measure or extension.problem
    previous = item.due_raw
    updated = DeadlineExtension.objects.filter(pk=extension.pk, status=ExtensionStatus.PENDING).update(
        status=status,
        decided_by=acting_user,
        decided_at=when or timezone.now(),
        decision_note=(note or "").strip(),
        previous_raw=previous,
    )
    if not updated:
        raise ConflictError(_("This request was already decided."))
    if approve:
        reason = f"extension {extension.pk}"
        if extension.measure is not None:
            ledger.update_measure(
                extension.measure, acting_user=acting_user, changes={"deadline": extension.requested_raw}
            )
        else:
            problem = Problem.objects.get(pk=extension.problem_id)
            ledger.update_problem(
                problem,
                acting_user=acting_user,
                changes={"deadline": extension.requested_raw},
                expected_version=problem.version,
                reason=reason,
            )
        _after_commit(extension.problem_id)
    extension.refresh_from_db()
    return extension


# --- escalation (督办) ----------------------------------------------------------------------------


@transaction.atomic
def record_escalation(
    problem: Problem,
    *,
    acting_user: User,
    kind: str,
    to_unit=None,
    measure: Measure | None = None,
    doc_reference: str = "",
    note: str = "",
    suggested_by_grade: str = "",
) -> Escalation:
    if not ledger_plan_editable(acting_user, problem.plan) and acting_user.role != Role.SUPERVISOR:
        raise PermissionDenied(_("Only the office or the supervising unit records escalations."))
    if kind not in EscalationKind.values:
        raise ValidationError({"kind": _("Unknown escalation step.")})
    if measure is not None and measure.problem_id != problem.pk:
        raise ValidationError({"measure": _("The measure belongs to another problem.")})
    return Escalation.objects.create(
        problem=problem,
        measure=measure,
        kind=kind,
        to_unit=to_unit,
        doc_reference=(doc_reference or "").strip(),
        note=(note or "").strip(),
        suggested_by_grade=suggested_by_grade or "",
        created_by=acting_user,
    )


# --- notification muting --------------------------------------------------------------------------


def _require_office(user) -> None:
    if not (user.is_superuser or user.role in (Role.OFFICE, Role.ADMIN)):
        raise PermissionDenied(_("Only an office mutes notifications."))


@transaction.atomic
def mute_unit(unit, *, acting_user: User, reason: str = "") -> NotificationMute:
    _require_office(acting_user)
    mute, _created = NotificationMute.objects.get_or_create(
        unit=unit, defaults={"muted_by": acting_user, "reason": (reason or "").strip()}
    )
    return mute


@transaction.atomic
def unmute_unit(unit, *, acting_user: User) -> None:
    _require_office(acting_user)
    NotificationMute.objects.filter(unit=unit).delete()
