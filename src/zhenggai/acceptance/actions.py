"""State changes of acceptance and sign-off (验收销号). Views, the API and commands call these.

Each action is one transaction with a keyword ``acting_user``. Decisions are append-only
``StepDecision`` rows carrying their signature; a refused transition raises ``ValidationError`` (or
``PermissionDenied`` / ``ConflictError``) and is logged on the ``zhenggai.audit`` logger with the
user, the request and the reason, so refusals are audited too.

The path of a request: ``request_acceptance`` → for each review step ``decide_step`` (pass, or
return with an opinion) → at the 公示 step the notice opens automatically; ``file_objection`` /
``handle_objection`` during it; ``close_notice`` once the window has closed with no open objection
→ the sign-off step's ``decide_step`` sets 完成交账销号. A returned request is ``resubmit``-ted into
the next round. ``reopen`` opens a signed-off problem again.

The item is a problem or a complaint case (信访件): the same chain, decisions, 公示 and objections
close both; what differs (the chain that applies, who the office is, what must hold before asking,
what is signed, what sign-off does to the item) comes from ``acceptance.subjects``.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.acceptance import rules
from zhenggai.acceptance.choices import (
    CHECKLIST,
    Decision,
    ObjectionStatus,
    ReopenKind,
    RequestStatus,
    StepKind,
)
from zhenggai.acceptance.models import (
    AcceptanceAttachment,
    AcceptanceRequest,
    Objection,
    PublicNotice,
    Reopening,
    StepDecision,
)
from zhenggai.acceptance.signatures import content_hash, snapshot
from zhenggai.acceptance.subjects import plan_office, subject_for
from zhenggai.core.errors import ConflictError
from zhenggai.core.workdays import add_working_days, is_working_day
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.models import Problem
from zhenggai.portal.actions import publish_opened_notice, withdraw_closed_notice
from zhenggai.progress.evidence import check_evidence

if TYPE_CHECKING:
    from zhenggai.accounts.models import User
    from zhenggai.cases.models import Case

__all__ = [
    "close_notice",
    "decide_step",
    "file_objection",
    "handle_objection",
    "reopen",
    "request_acceptance",
    "resubmit",
]

audit = logging.getLogger("zhenggai.audit")


def _refuse(error: Exception, *, user, request=None, what: str) -> Exception:
    audit.warning(
        "refused %s by %s on request %s: %s",
        what,
        getattr(user, "username", "?"),
        getattr(request, "pk", None),
        "; ".join(getattr(error, "messages", [str(error)])),
    )
    return error


# --- asking for acceptance ----------------------------------------------------------------------


def _validate_request(subject, report: str, signed_by_head: str, checklist: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = subject.request_errors()
    if not (report or "").strip():
        errors.setdefault("report", []).append(_("Write the acceptance report (自查情况)."))
    if not (signed_by_head or "").strip():
        errors.setdefault("signed_by_head", []).append(_("The unit's head must sign the self-check."))
    missing = [str(label) for key, label in CHECKLIST if not checklist.get(key)]
    if missing:
        errors.setdefault("checklist", []).insert(
            0, _("Not yet met: %(standards)s") % {"standards": "；".join(missing)}
        )
    if errors:
        raise ValidationError(errors)


def _attach(request: AcceptanceRequest, files, acting_user: User) -> None:
    for upload in files:
        facts = check_evidence(upload)
        attachment = AcceptanceAttachment(
            request=request,
            original_name=(upload.name or "file")[:255],
            content_type=facts.content_type,
            size=facts.size,
            sha256=facts.sha256,
            uploaded_by=acting_user,
        )
        attachment.file.save(upload.name or "attachment", upload, save=False)
        attachment.save()


@transaction.atomic
def request_acceptance(
    item: Problem | Case,
    *,
    acting_user: User,
    report: str,
    signed_by_head: str,
    checklist: dict[str, Any],
    files: list | None = None,
) -> AcceptanceRequest:
    """The responsible unit asks for acceptance of a problem or a case: its report, the head's signature,
    the standards met, files."""
    # The item's row is locked first: a concurrent change of its state (a case set back to 正在办理) then
    # waits for this request, and the next change sees the request open (``cases.actions.under_acceptance``).
    subject = subject_for(item).locked()
    if not subject.may_request(acting_user):
        raise _refuse(
            PermissionDenied(_("You may not ask for this item's acceptance.")), user=acting_user, what="request"
        )
    try:
        _validate_request(subject, report, signed_by_head, checklist)
    except ValidationError as exc:
        raise _refuse(exc, user=acting_user, what="request") from None
    chain = subject.chain()
    if chain is None or not chain.steps.exists():
        raise ValidationError(_("No acceptance chain is configured for items of this level."))
    try:
        with transaction.atomic():
            request = AcceptanceRequest.objects.create(
                **subject.request_fields(),
                chain=chain,
                unit=acting_user.unit if acting_user.unit_id else None,
                requested_by=acting_user,
                report=report.strip(),
                signed_by_head=signed_by_head.strip(),
                checklist={key: bool(checklist.get(key)) for key, _label in CHECKLIST},
            )
    except IntegrityError as exc:
        raise ConflictError(_("This item already has an acceptance request under way.")) from exc
    _attach(request, files or [], acting_user)
    return request


@transaction.atomic
def resubmit(request: AcceptanceRequest, *, acting_user: User, report: str = "", files: list | None = None):
    """After a return: the unit resubmits; the chain starts again in the next round."""
    request = _locked(request)
    subject = request.subject.locked()
    if not subject.may_request(acting_user):
        raise _refuse(
            PermissionDenied(_("You may not resubmit this request.")),
            user=acting_user,
            request=request,
            what="resubmit",
        )
    try:
        if request.status != RequestStatus.RETURNED:
            raise ValidationError(_("Only a returned request can be resubmitted."))
        # The standards are checked again: a measure added or reopened since the return blocks it.
        _validate_request(subject, report or request.report, request.signed_by_head, request.checklist)
    except ValidationError as exc:
        raise _refuse(exc, user=acting_user, request=request, what="resubmit") from None
    request.round += 1
    request.position = 0
    request.status = RequestStatus.IN_REVIEW
    if (report or "").strip():
        request.report = report.strip()
    request.save(update_fields=["round", "position", "status", "report"])
    _attach(request, files or [], acting_user)
    return request


# --- decisions ----------------------------------------------------------------------------------


def _locked(request: AcceptanceRequest) -> AcceptanceRequest:
    # ``of=("self",)``: PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins.
    return (
        AcceptanceRequest.objects.select_for_update(of=("self",))
        .select_related("chain", "problem__plan__jurisdiction", "case__batch__jurisdiction", "case__region")
        .get(pk=request.pk)
    )


def _step(request: AcceptanceRequest):
    return request.chain.steps.get(position=request.position)


def _sign(request, step, *, acting_user, decision: str, opinion: str, now) -> StepDecision:
    content = snapshot(request)
    content["decision"] = {
        "step": step.name,
        "position": step.position,
        "round": request.round,
        "decision": decision,
        "opinion": opinion,
        "signer": acting_user.get_username(),
        "at": now.isoformat(),
    }
    try:
        with transaction.atomic():
            return StepDecision.objects.create(
                request=request,
                step=step,
                round=request.round,
                position=step.position,
                decision=decision,
                opinion=opinion,
                actor=acting_user,
                acting_unit=rules.acting_unit(acting_user, step, request.item),
                acted_at=now,
                frozen_content=content,
                content_hash=content_hash(content),
            )
    except IntegrityError as exc:
        raise ConflictError(_("Someone decided this step a moment ago.")) from exc


def _check_actor(request, step, acting_user) -> None:
    if not rules.may_act(acting_user, step, request.item):
        raise PermissionDenied(_("This step (%(step)s) is not yours to decide.") % {"step": step.name})
    if acting_user.pk == request.requested_by_id:
        raise ValidationError(_("The requester cannot decide on their own request."))
    # The previous *level*: closing 公示 is the office's formality, not a level of acceptance.
    previous = (
        request.decisions.filter(round=request.round, position__lt=step.position)
        .exclude(step__kind=StepKind.NOTICE)
        .order_by("-position")
        .first()
    )
    if previous and previous.actor_id == acting_user.pk and not request.chain.allow_same_person:
        raise ValidationError(_("The same person cannot pass two consecutive levels."))


def _open_notice(request: AcceptanceRequest, step, today: date) -> PublicNotice:
    starts = today if is_working_day(today) else add_working_days(today, 1)
    ends = add_working_days(starts, max(request.chain.notice_workdays - 1, 0))
    text = request.subject.notice_text()
    return PublicNotice.objects.create(request=request, round=request.round, starts_on=starts, ends_on=ends, text=text)


def _advance(request: AcceptanceRequest, *, acting_user, now) -> None:
    """Move past a passed step: open 公示 when it comes next, sign off after the last step."""
    steps = list(request.chain.steps.order_by("position"))
    done = steps[request.position]
    if done.kind == StepKind.SIGN_OFF or request.position + 1 >= len(steps):
        request.subject.sign_off(acting_user=acting_user, request=request)
        request.status, request.closed_at = RequestStatus.SIGNED_OFF, now
        request.save(update_fields=["status", "closed_at"])
        return
    request.position += 1
    if steps[request.position].kind == StepKind.NOTICE:
        notice = _open_notice(request, steps[request.position], timezone.localdate(now))
        # The portal shows the notice once this decision commits (robust: a failure there is logged and
        # leaves the decision standing; the office can still publish it from the portal's pages).
        transaction.on_commit(lambda: publish_opened_notice(notice.pk, acting_user.pk), robust=True)
        request.status = RequestStatus.IN_NOTICE
    request.save(update_fields=["position", "status"])


@transaction.atomic
def decide_step(request: AcceptanceRequest, *, acting_user: User, decision: str, opinion: str = "") -> StepDecision:
    """Pass or return the step the request waits at, signed; a return needs an opinion."""
    request = _locked(request)
    try:
        if request.status != RequestStatus.IN_REVIEW:
            raise ValidationError(
                _("The request is %(status)s: no step is waiting for a decision.")
                % {"status": request.get_status_display()}
            )
        step = _step(request)
        if step.kind == StepKind.NOTICE:
            raise ValidationError(_("公示 closes by itself when its window ends; it is not decided."))
        if decision not in Decision.values:
            raise ValidationError({"decision": _("Pass or return.")})
        if decision == Decision.RETURN and not (opinion or "").strip():
            raise ValidationError({"opinion": _("A return needs an opinion saying what is missing.")})
        _check_actor(request, step, acting_user)
    except (ValidationError, PermissionDenied) as exc:
        raise _refuse(exc, user=acting_user, request=request, what="decision") from None
    now = timezone.now()
    signed = _sign(request, step, acting_user=acting_user, decision=decision, opinion=(opinion or "").strip(), now=now)
    if decision == Decision.RETURN:
        request.status = RequestStatus.RETURNED
        request.save(update_fields=["status"])
    else:
        _advance(request, acting_user=acting_user, now=now)
    return signed


# --- public notice (公示) ------------------------------------------------------------------------


def current_notice(request: AcceptanceRequest) -> PublicNotice | None:
    return request.notices.filter(round=request.round, closed_at__isnull=True).first()


@transaction.atomic
def close_notice(request: AcceptanceRequest, *, acting_user: User) -> StepDecision:
    """End 公示: allowed once its last working day has passed and no objection is open."""
    request = _locked(request)
    notice = current_notice(request)
    try:
        if request.status != RequestStatus.IN_NOTICE or notice is None:
            raise ValidationError(_("The request is not in public notice."))
        step = _step(request)
        if not rules.may_act(acting_user, step, request.item):
            raise PermissionDenied(_("Only the plan's office closes the public notice."))
        today = timezone.localdate()
        if today <= notice.ends_on:
            raise ValidationError(
                _("The public notice runs until %(date)s; sign-off must wait.") % {"date": notice.ends_on}
            )
        if notice.objections.filter(status=ObjectionStatus.OPEN).exists():
            raise ValidationError(_("An objection is still open; handle it first."))
    except (ValidationError, PermissionDenied) as exc:
        raise _refuse(exc, user=acting_user, request=request, what="close notice") from None
    now = timezone.now()
    opinion = _("Public notice %(start)s–%(end)s ended without an objection upheld.") % {
        "start": notice.starts_on,
        "end": notice.ends_on,
    }
    signed = _sign(request, step, acting_user=acting_user, decision=Decision.PASS, opinion=opinion, now=now)
    notice.closed_at = now
    notice.save(update_fields=["closed_at"])
    # The portal takes the notice down once this commits (robust: a failure is logged, the decision stands).
    transaction.on_commit(lambda: withdraw_closed_notice(notice.pk, acting_user.pk), robust=True)
    request.status = RequestStatus.IN_REVIEW
    _advance(request, acting_user=acting_user, now=now)
    return signed


@transaction.atomic
def file_objection(
    notice: PublicNotice, *, name: str, contact: str, text: str, attachment=None, ip: str | None = None
) -> Objection:
    """Anyone may object while the notice is open (no login); the office is told on its dashboard."""
    notice = PublicNotice.objects.select_for_update().get(pk=notice.pk)
    errors = {}
    if not notice.is_open_on(timezone.localdate()):
        raise ValidationError(_("This public notice is not open for objections."))
    for field, value, message in (
        ("name", name, _("Give your name.")),
        ("contact", contact, _("Give a telephone number or e-mail address.")),
        ("text", text, _("Describe the objection.")),
    ):
        if not (value or "").strip():
            errors[field] = message
    digest = ""
    if attachment is not None:
        try:
            digest = check_evidence(attachment).sha256
        except ValidationError as exc:
            errors["attachment"] = exc.messages
    if errors:
        raise ValidationError(errors)
    objection = Objection(
        notice=notice,
        name=name.strip()[:60],
        contact=contact.strip()[:100],
        text=text.strip(),
        attachment_sha256=digest,
        submitted_ip=ip,
    )
    if attachment is not None:
        objection.attachment.save(attachment.name or "objection", attachment, save=False)
    objection.save()
    return objection


@transaction.atomic
def handle_objection(objection: Objection, *, acting_user: User, uphold: bool, note: str) -> Objection:
    """The office rules on an objection; upheld, it returns the request (a signed return of 公示)."""
    objection = Objection.objects.select_for_update().select_related("notice__request").get(pk=objection.pk)
    request = _locked(objection.notice.request)
    try:
        if not request.subject.is_office(acting_user):
            raise PermissionDenied(_("Only the plan's office handles objections."))
        if objection.status != ObjectionStatus.OPEN:
            raise ValidationError(_("This objection was already handled."))
        if not (note or "").strip():
            raise ValidationError({"handling_note": _("Record how the objection was checked.")})
    except (ValidationError, PermissionDenied) as exc:
        raise _refuse(exc, user=acting_user, request=request, what="objection") from None
    now = timezone.now()
    updated = Objection.objects.filter(pk=objection.pk, status=ObjectionStatus.OPEN).update(
        status=ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED,
        handled_by=acting_user,
        handled_at=now,
        handling_note=note.strip(),
    )
    if not updated:
        raise ConflictError(_("This objection was already handled."))
    if uphold and request.status == RequestStatus.IN_NOTICE:
        step = _step(request)
        opinion = _("Objection upheld: %(note)s") % {"note": note.strip()}
        _sign(request, step, acting_user=acting_user, decision=Decision.RETURN, opinion=opinion, now=now)
        PublicNotice.objects.filter(pk=objection.notice_id).update(closed_at=now)
        # The portal takes the notice down once this commits (robust: a failure is logged, the ruling stands).
        notice_id = objection.notice_id
        transaction.on_commit(
            lambda: withdraw_closed_notice(notice_id, acting_user.pk, objection_upheld=True), robust=True
        )
        request.status = RequestStatus.RETURNED
        request.save(update_fields=["status"])
    objection.refresh_from_db()
    return objection


# --- reopening (反弹) ----------------------------------------------------------------------------


@transaction.atomic
def reopen(problem: Problem, *, acting_user: User, reason: str, kind: str = ReopenKind.REBOUND, finding=None):
    """Open a signed-off problem again with the reason; the sign-off stays in its history."""
    if not plan_office(acting_user, problem.plan):
        raise _refuse(PermissionDenied(_("Only the plan's office reopens a problem.")), user=acting_user, what="reopen")
    if not (reason or "").strip():
        error = ValidationError({"reason": _("Give the reason for reopening.")})
        raise _refuse(error, user=acting_user, what="reopen")
    ledger.reopen_problem(problem, acting_user=acting_user, reason=f"reopen: {kind}")
    return Reopening.objects.create(
        problem=problem, kind=kind, reason=reason.strip(), finding=finding, reopened_by=acting_user
    )
