"""State changes of complaint cases. Views, the import and commands validate input and call these.

Each action is one transaction, takes a keyword ``acting_user``, and leaves a history row (simple-
history, stamped with who and why). Case edits take the ``expected_version`` the form was loaded
with and lock the row, so two people saving at once cannot both win (``ConflictError`` for the later
one).

Sign-off (验收销号) goes through the same machinery as problems (``zhenggai.acceptance``): a closed
case is put to acceptance by its unit, passes the case chain's signed steps and 公示 with its
objections, and the last step calls ``sign_off_case``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.accounts.scope import scope_for
from zhenggai.cases.case_numbers import parse_case_number
from zhenggai.cases.choices import HANDLING_STATUSES, CaseStatus, Findings, PollutionType
from zhenggai.cases.models import PENALTY_FIELDS, Case, CaseAssignment, CaseBatch, CaseRule
from zhenggai.cases.shares import case_number_date_problem, check_shares, equal_shares
from zhenggai.core.audit import stamp
from zhenggai.core.errors import ConflictError

if TYPE_CHECKING:
    from zhenggai.accounts.models import User
    from zhenggai.ledger.models import Inspection
    from zhenggai.organizations.models import Unit

__all__ = [
    "HANDLING_TEXT_FIELDS",
    "STALE_IMPORT_AFTER",
    "add_case",
    "batch_due_date",
    "create_batch",
    "foreign_unit_problem",
    "lock_inspection_cases",
    "mark_repeat",
    "next_position",
    "publish_batch_disclosure",
    "record_handling",
    "require_batch_office",
    "set_case_rule",
    "set_case_units",
    "sign_off_case",
    "under_acceptance",
]

HANDLING_TEXT_FIELDS = ("investigation", "handling", "accountability")
# A queued or running import job silent for this long lost its worker (like exports' STALE_AFTER).
STALE_IMPORT_AFTER = timedelta(minutes=30)


def foreign_unit_problem(batch: CaseBatch, unit: Unit, *, region: bool = False) -> str | None:
    """A message if ``unit`` (a responsible unit, or the case's region) is outside the batch's jurisdiction."""
    if unit.path.startswith(batch.jurisdiction.path):
        return None
    if region:
        return _("Region %(name)s is outside the batch's jurisdiction.") % {"name": unit.name}
    return _("Responsible unit %(name)s is outside the batch's jurisdiction.") % {"name": unit.name}


def lock_inspection_cases(batch: CaseBatch) -> CaseBatch:
    """Lock the batch's inspection, then the batch, and return the locked batch.

    Case numbers are unique per inspection, so adding cases to any batch of it is serialised on the
    inspection row (FOR NO KEY UPDATE: rows referencing the inspection can still be inserted meanwhile);
    the batch lock keeps its serial numbers (positions) in order. Always in this order (no deadlock).
    """
    from zhenggai.ledger.models import Inspection

    Inspection.objects.select_for_update(no_key=True).filter(pk=batch.inspection_id).values_list("pk").get()
    return (
        CaseBatch.objects.select_for_update(no_key=True, of=("self",)).select_related("jurisdiction").get(pk=batch.pk)
    )


def next_position(batch: CaseBatch) -> int:
    """The serial number after the batch's last case (call with the batch locked)."""
    return (Case.objects.filter(batch=batch).aggregate(m=Max("position"))["m"] or 0) + 1


def require_batch_office(batch_or_jurisdiction, user: User) -> None:
    jurisdiction = getattr(batch_or_jurisdiction, "jurisdiction", batch_or_jurisdiction)
    scope = scope_for(user)
    if scope.kind == "all":
        return
    if scope.kind == "subtree" and scope.role == "office" and jurisdiction.path.startswith(scope.root_path):
        return
    raise PermissionDenied(_("Only an office of the batch's jurisdiction (or above) may do this."))


# Rules and batches ---------------------------------------------------------------------------------


@transaction.atomic
def set_case_rule(
    inspection: Inspection, *, acting_user: User, deadline_days: int, working_days: bool = False
) -> CaseRule:
    """The inspection's reporting deadline for cases (5, 7, 10 … days after the hand-over)."""
    require_batch_office(inspection.inspected_unit, acting_user)
    rule, _created = CaseRule.objects.get_or_create(inspection=inspection)
    rule.deadline_days, rule.working_days = deadline_days, working_days
    rule.full_clean()
    stamp(rule, acting_user, "set case rule").save()
    return rule


def batch_due_date(inspection: Inspection, handed_over_on: date, deadline_days: int | None = None) -> date:
    rule = CaseRule.objects.filter(inspection=inspection).first() or CaseRule(inspection=inspection)
    return rule.due_after(handed_over_on, deadline_days)


@transaction.atomic
def create_batch(
    *,
    acting_user: User,
    inspection: Inspection,
    number: int,
    handed_over_on: date,
    jurisdiction: Unit,
    received_on: date | None = None,
    deadline_days: int | None = None,
    due_date: date | None = None,
    title: str = "",
) -> CaseBatch:
    """A new batch (第N批); its due date is given or follows the rule. ``ValidationError`` on a number taken."""
    require_batch_office(jurisdiction, acting_user)
    taken = ValidationError({"number": _("This inspection already has batch %(n)s.") % {"n": number}})
    if _batch_number_taken(inspection, number):
        raise taken
    batch = CaseBatch(
        inspection=inspection,
        number=number,
        title=title.strip(),
        received_on=received_on,
        handed_over_on=handed_over_on,
        deadline_days=deadline_days,
        due_date=due_date or batch_due_date(inspection, handed_over_on, deadline_days),
        jurisdiction=jurisdiction,
    )
    batch.full_clean(validate_constraints=False)  # the unique number: checked above, enforced below
    try:
        with transaction.atomic():  # a savepoint: two offices may create the same batch at once
            stamp(batch, acting_user, "create batch").save()
    except IntegrityError:
        raise taken from None
    return batch


def _batch_number_taken(inspection: Inspection, number: int) -> bool:
    return CaseBatch.objects.filter(inspection=inspection, number=number).exists()


def _case_number_taken(inspection_id: int, number: str) -> bool:
    return Case.objects.filter(inspection_id=inspection_id, number=number).exists()


# Cases -----------------------------------------------------------------------------------------------


def case_from_number(batch: CaseBatch, number: str, **fields: Any) -> Case:
    """An unsaved case of ``batch`` with its number parsed (shared by ``add_case`` and the batch import)."""
    parsed = parse_case_number(number)
    channel = fields.pop("channel", "") or parsed.channel
    return Case(
        inspection_id=batch.inspection_id,
        batch=batch,
        number=parsed.text,
        number_valid=parsed.valid,
        number_round=parsed.round,
        number_province=parsed.province_code,
        number_date=parsed.received_on,
        number_sequence=parsed.sequence,
        channel=channel,
        due_date=fields.pop("due_date", None) or batch.due_date,
        **fields,
    )


@transaction.atomic
def add_case(
    batch: CaseBatch,
    *,
    acting_user: User,
    number: str,
    content: str,
    units: Sequence[Unit] | Sequence[tuple[Unit, Decimal]],
    **fields: Any,
) -> Case:
    """One case by hand (the import creates many at once with the same rules). ``units``: units (equal
    shares) or ``(unit, share)`` pairs summing to 1."""
    require_batch_office(batch, acting_user)
    batch = lock_inspection_cases(batch)
    pairs = [u if isinstance(u, tuple) else (u, None) for u in units]
    if not pairs:
        raise ValidationError({"units": _("Name at least one responsible unit.")})
    if foreign := [m for u, _s in pairs if (m := foreign_unit_problem(batch, u))]:
        raise ValidationError({"units": foreign})
    region = fields.get("region")
    if region is not None and (message := foreign_unit_problem(batch, region, region=True)):
        raise ValidationError({"region": message})
    if any(share is None for _u, share in pairs):
        pairs = list(zip([u for u, _s in pairs], equal_shares(len(pairs)), strict=True))
    if message := check_shares([share for _u, share in pairs]):
        raise ValidationError({"units": message})
    if not (content or "").strip():
        raise ValidationError({"content": _("A case needs its complaint text.")})
    unknown = set(fields.get("pollution_types", [])) - set(PollutionType.values)
    if unknown:
        raise ValidationError({"pollution_types": _("Unknown pollution type.")})
    case = case_from_number(batch, number, content=content.strip(), **fields)
    if not case.number:
        raise ValidationError({"number": _("A case needs its case number.")})
    if message := case_number_date_problem(batch, case.number_date):
        raise ValidationError({"number": message})
    taken = ValidationError({"number": _("Case number %(n)s is already in this inspection.") % {"n": case.number}})
    if _case_number_taken(batch.inspection_id, case.number):
        raise taken
    if not case.position:
        case.position = next_position(batch)  # after the lock: two cases added at once get two serials
    case.full_clean(exclude=["batch", "inspection"], validate_constraints=False)
    try:
        with transaction.atomic():  # a savepoint: the database has the last word on the unique number
            stamp(case, acting_user, "add case").save()
    except IntegrityError:
        raise taken from None
    for unit, share in pairs:
        stamp(CaseAssignment(case=case, unit=unit, share=share), acting_user, "add case").save()
    return case


def _locked(case: Case, expected_version: int | None) -> Case:
    current = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(
            _("Someone else changed this case since you opened it. Reload it and try again."),
            current_version=current.version,
        )
    return current


def _save(case: Case, acting_user: User, reason: str) -> Case:
    case.version += 1
    case.updated_at = timezone.now()
    stamp(case, acting_user, reason).save()
    return case


@transaction.atomic
def record_handling(case: Case, *, acting_user: User, expected_version: int | None, changes: dict[str, Any]) -> Case:
    """Findings, status (正在办理/阶段性办结/已办结), the disclosure texts and the penalty counts.

    By an office over the case or an assigned unit (``Case.objects.handleable_by``). A signed-off case is
    frozen, and so is one under acceptance (``under_acceptance``); closing needs findings; 已验收销号 is
    set only by the acceptance chain (``sign_off_case``).
    """
    if not Case.objects.handleable_by(acting_user).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You may not record the handling of this case."))
    current = _locked(case, expected_version)
    if current.status == CaseStatus.SIGNED_OFF:
        raise ValidationError(_("This case is signed off; its handling can no longer change."))
    if under_acceptance(current):
        raise ValidationError(_("This case is under acceptance; its handling waits until the request returns."))
    allowed = {"findings", "status", *HANDLING_TEXT_FIELDS, *PENALTY_FIELDS}
    if extra := set(changes) - allowed:
        raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(extra))})
    status = changes.get("status", current.status)
    if status not in HANDLING_STATUSES:
        raise ValidationError({"status": _("Choose being handled, closed for this stage or closed.")})
    findings = changes.get("findings", current.findings)
    if findings and findings not in Findings.values:
        raise ValidationError({"findings": _("Unknown findings.")})
    if status == CaseStatus.CLOSED and not findings:
        raise ValidationError({"findings": _("A case is closed only with its findings (true, partly true, untrue).")})
    for name, value in changes.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.full_clean(exclude=["batch", "inspection", "region", "repeat_of"])
    _save(current, acting_user, "record handling")
    case.refresh_from_db()
    return current


def under_acceptance(case: Case) -> bool:
    """Whether an acceptance request on the case is under review or in 公示: its handling, units and
    links are what the reviewers are signing, so they wait (a returned request frees them again)."""
    from zhenggai.acceptance.choices import OPEN_REQUEST_STATUSES

    return case.acceptance_requests.filter(status__in=OPEN_REQUEST_STATUSES).exists()


@transaction.atomic
def sign_off_case(case: Case, *, acting_user: User, reason: str) -> Case:
    """已办结 → 已验收销号 at the end of the case's acceptance chain (``acceptance.actions``, whose signed
    step decisions are the record); the case is frozen from now on."""
    current = _locked(case, None)
    if current.status != CaseStatus.CLOSED:
        raise ValidationError(_("Only a closed case can be signed off."))
    current.status = CaseStatus.SIGNED_OFF
    _save(current, acting_user, reason)
    case.refresh_from_db()
    return current


@transaction.atomic
def mark_repeat(case: Case, repeat_of: Case | None, *, acting_user: User, expected_version: int | None = None) -> Case:
    """Link a repeated complaint (重复举报) to the case it repeats (of the same inspection), or unlink it.

    By whoever may handle the case (``handleable_by``); the case repeated must be one the user sees.
    Like the handling and the units, the link is frozen on a signed-off case and waits while the case is
    under acceptance (``under_acceptance``: the reviewers sign the case as it stands). ``expected_version``
    (a form's) makes a stale page a ``ConflictError``.
    """
    from zhenggai.ledger.models import Inspection

    if not Case.objects.handleable_by(acting_user).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You may not change this case."))
    # Why one lock on the inspection rather than on the cases: links only join cases of one inspection,
    # so a cycle is always within one. Locking the two cases of a link is not enough (with B→C and D→A
    # in place, A→B and C→D lock disjoint pairs and each walk sees no loop, yet together they close
    # one), and locking each case of the walked chain would take rows in chain order, so two people
    # walking the same loop from different ends would deadlock. Serialising every repeat link of the
    # inspection on its row (FOR NO KEY UPDATE, the lock ``lock_inspection_cases`` takes first, so the
    # same order: no deadlock with adding cases) costs nothing for a rare hand edit, and after the wait
    # the walk below reads every link committed before (READ COMMITTED: a new snapshot per statement).
    Inspection.objects.select_for_update(no_key=True).filter(pk=case.inspection_id).values_list("pk").get()
    current = _locked(case, expected_version)
    if current.status == CaseStatus.SIGNED_OFF:
        raise ValidationError(_("This case is signed off; its repeat link can no longer change."))
    if under_acceptance(current):
        raise ValidationError(_("This case is under acceptance; its repeat link waits until the request returns."))
    if repeat_of is not None:
        if repeat_of.pk == current.pk or repeat_of.inspection_id != current.inspection_id:
            raise ValidationError({"repeat_of": _("A case repeats another case of the same inspection.")})
        if not Case.objects.visible_to(acting_user).filter(pk=repeat_of.pk).exists():
            raise PermissionDenied(_("You do not see that case."))
        if _repeats(repeat_of.pk, current.pk):
            raise ValidationError({"repeat_of": _("That case already repeats this one (the links would go round).")})
    if current.repeat_of_id == (repeat_of.pk if repeat_of is not None else None):
        return current  # nothing to change: no new version, no history row
    current.repeat_of = repeat_of
    _save(current, acting_user, "mark repeat" if repeat_of is not None else "unmark repeat")
    case.refresh_from_db()
    return current


def _repeats(start: int, target: int) -> bool:
    """Whether the chain of repeat links from case ``start`` reaches case ``target`` (one query a link;
    call under ``mark_repeat``'s inspection lock, so no link of the chain changes meanwhile)."""
    seen: set[int] = set()
    pk: int | None = start
    while pk is not None and pk not in seen:
        if pk == target:
            return True
        seen.add(pk)
        pk = Case.objects.filter(pk=pk).values_list("repeat_of_id", flat=True).first()
    return False


@transaction.atomic
def set_case_units(
    case: Case,
    units_with_shares: Sequence[Unit] | Sequence[tuple[Unit, Decimal | None]],
    *,
    acting_user: User,
    expected_version: int | None,
) -> Case:
    """Replace the case's responsible units and shares (责任单位), by an office over its batch.

    ``units_with_shares``: units, or ``(unit, share)`` pairs; every share empty → equal shares, otherwise
    each given and together 1. Units must lie in the batch's jurisdiction, each named once; a signed-off
    case is frozen (its sign-off covered the units). Rows kept keep their id (a changed share is an update),
    so each assignment's history reads as one line; the case gets a new version and a history row.
    """
    batch = CaseBatch.objects.select_related("jurisdiction").get(pk=case.batch_id)
    require_batch_office(batch, acting_user)
    current = _locked(case, expected_version)
    if current.status == CaseStatus.SIGNED_OFF:
        raise ValidationError(_("This case is signed off; its units can no longer change."))
    if under_acceptance(current):  # the units and shares are part of what the reviewers sign
        raise ValidationError(_("This case is under acceptance; its units wait until the request returns."))
    pairs = [u if isinstance(u, tuple) else (u, None) for u in units_with_shares]
    if not pairs:
        raise ValidationError({"units": _("Name at least one responsible unit.")})
    if len({unit.pk for unit, _s in pairs}) != len(pairs):
        raise ValidationError({"units": _("A unit is named more than once.")})
    if foreign := [m for unit, _s in pairs if (m := foreign_unit_problem(batch, unit))]:
        raise ValidationError({"units": foreign})
    shares = [share for _u, share in pairs]
    if all(share is None for share in shares):
        shares = equal_shares(len(pairs))
    elif any(share is None for share in shares):
        # add_case evens out such a mix silently; on a form it would throw away shares someone typed.
        raise ValidationError({"units": _("Give every unit its share, or none for equal shares.")})
    if message := check_shares(shares):
        raise ValidationError({"units": message})
    wanted = {unit.pk: (unit, share) for (unit, _s), share in zip(pairs, shares, strict=True)}
    existing = {a.unit_id: a for a in CaseAssignment.objects.filter(case=current)}
    if {pk: a.share for pk, a in existing.items()} == {pk: share for pk, (_u, share) in wanted.items()}:
        return current  # the same units and shares: no new version, no history row
    reason = "set case units"
    for unit_id, assignment in existing.items():
        if unit_id not in wanted:  # deleted first: a unit's row is unique per case
            stamp(assignment, acting_user, reason).delete()
    for unit_id, (unit, share) in wanted.items():
        assignment = existing.get(unit_id)
        if assignment is None:
            stamp(CaseAssignment(case=current, unit=unit, share=share), acting_user, reason).save()
        elif assignment.share != share:
            assignment.share = share
            stamp(assignment, acting_user, reason).save(update_fields=["share"])
    _save(current, acting_user, reason)
    case.refresh_from_db()
    return current


# Disclosure ------------------------------------------------------------------------------------------


def publish_batch_disclosure(batch: CaseBatch, *, acting_user: User, title: str = ""):
    """Publish the batch's 公开情况一览表 on the portal: only the disclosure columns
    (``disclosure.disclosure_payload``), under the key ``case_batch:<id>``; a new version each time."""
    from zhenggai.cases.disclosure import disclosure_payload, disclosure_title
    from zhenggai.portal.actions import publish

    require_batch_office(batch, acting_user)
    return publish(
        kind="case_batch",
        key=f"case_batch:{batch.pk}",
        title=title or disclosure_title(batch),
        payload=disclosure_payload(batch),
        jurisdiction=batch.jurisdiction,
        acting_user=acting_user,
    )


# Background import ----------------------------------------------------------------------------------


@transaction.atomic
def request_import(batch: CaseBatch, data: bytes, *, acting_user: User):
    """Queue the import of a large batch file; the job (``tasks.import_batch``) runs after the commit.

    Returns the batch's job already under way instead of a second one (one active import per batch).
    """
    import hashlib
    from functools import partial

    from django.core.files.base import ContentFile

    from zhenggai.cases.choices import ImportStatus
    from zhenggai.cases.models import CaseImportJob

    require_batch_office(batch, acting_user)
    now = timezone.now()
    # A job whose worker died stays queued or running and would block the batch for good (one active
    # import per batch): silent for STALE_IMPORT_AFTER, it is marked failed (the task's updates and its
    # import are conditional on its status, so a late worker does nothing).
    CaseImportJob.objects.filter(batch=batch).active().filter(updated_at__lt=now - STALE_IMPORT_AFTER).update(
        status=ImportStatus.FAILED,
        error=_("The import was interrupted (no progress for %(minutes)d minutes).")
        % {"minutes": STALE_IMPORT_AFTER.total_seconds() // 60},
        finished_at=now,
        updated_at=now,
    )
    active = CaseImportJob.objects.filter(batch=batch).active().first()
    if active is not None:
        return active
    digest = hashlib.sha256(data).hexdigest()
    job = CaseImportJob(requested_by=acting_user, batch=batch, sha256=digest, created_at=now, updated_at=now)
    job.file.save(f"{digest[:16]}.xlsx", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        job.file.storage.delete(job.file.name)
        return CaseImportJob.objects.filter(batch=batch).active().get()
    except BaseException:
        job.file.storage.delete(job.file.name)  # not left behind by a failed request
        raise
    transaction.on_commit(partial(_enqueue_import, job.pk))
    return job


def _enqueue_import(job_id: int) -> None:
    from zhenggai.cases.tasks import import_batch

    import_batch.enqueue(job_id)
