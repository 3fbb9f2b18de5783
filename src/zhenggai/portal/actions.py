"""Publishing to the public portal: the only way anything reaches ``/public/``.

The contract other apps build against (``publish`` / ``withdraw``):

``publish(kind=, key=, title=, payload=, jurisdiction=, acting_user=, parent=None) -> PublishedItem``
    ``kind`` is one of ``Kind`` (plan, problem, notice, case_batch, accountability); ``key`` the
    internal identity of what is published (never shown): the same key again adds a new version of the
    same item, with the same public ``code``; ``payload`` a JSON-serialisable dict of whitelisted fields,
    chosen by the caller and rendered by ``portal/kinds/<kind>.html``; ``jurisdiction`` the publishing
    office's unit (``None``: only an administrator may publish). A withdrawn item published again is
    live again (the new version's ``note`` quotes the withdrawal).
``withdraw(key=, acting_user=, reason=) -> PublishedItem``
    The item (and the items published as its parts, e.g. a plan's tasks) leaves the portal: its pages
    answer 404. A reason is required. An unknown key raises ``PublishedItem.DoesNotExist``.

Who may: an office (整改办) whose jurisdiction is the item's jurisdiction or above, or an administrator
(``may_publish``); when an existing item is published again or withdrawn, its stored jurisdiction is
checked too, so an office cannot overwrite another city's item by naming its own unit. Otherwise
``PermissionDenied``; bad input ``ValidationError``. Refusals and every publication and withdrawal are
logged on the ``zhenggai.audit`` logger; the append-only ``Publication`` rows and the withdrawal fields
are the audit trail in the database.

The portal's own publishers: ``publish_plan`` (the plan and one ``problem`` item per task, through the
whitelists of ``portal.snapshots``; tasks published earlier but no longer in the plan are withdrawn) and
``publish_notice`` (an open 公示, linking to its objection page ``/notices/<uuid>/``). Only an approved
or published plan (已审定/已印发) is published, never a draft. A task the office withdrew on its own
while its plan stayed live stays withdrawn when the plan is published again; ``publish_task`` puts it
back. A notice is published automatically when it opens (the acceptance action that opens it calls
``publish_opened_notice`` on commit, recorded as published by the user whose decision opened it) and
withdrawn when it closes, normally or ended by an upheld objection (``withdraw_closed_notice``, on
commit of that decision).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.acceptance.models import PublicNotice
from zhenggai.accounts.choices import Role
from zhenggai.accounts.scope import ALL, SUBTREE, scope_for
from zhenggai.ledger.choices import PlanStatus
from zhenggai.ledger.models import Plan
from zhenggai.portal import snapshots
from zhenggai.portal.models import Kind, Publication, PublishedItem

if TYPE_CHECKING:
    from zhenggai.accounts.models import User
    from zhenggai.organizations.models import Unit

__all__ = [
    "may_publish",
    "publish",
    "publish_notice",
    "publish_opened_notice",
    "publish_plan",
    "publish_task",
    "withdraw",
    "withdraw_closed_notice",
]

audit = logging.getLogger("zhenggai.audit")

# A draft plan is not public yet: only an approved (已审定) or published (已印发) plan goes on the portal.
PUBLISHABLE_PLAN_STATUSES = frozenset({PlanStatus.APPROVED, PlanStatus.PUBLISHED})


def may_publish(user, jurisdiction: Unit | None) -> bool:
    """An administrator; or an office whose unit is ``jurisdiction`` or above it (no query when the
    user's unit is loaded)."""
    scope = scope_for(user)
    if scope.kind == ALL:
        return True
    if jurisdiction is None or scope.kind != SUBTREE or scope.role != Role.OFFICE:
        return False
    return jurisdiction.path.startswith(scope.root_path)


def _refuse(error: Exception, *, user, what: str, key: str) -> Exception:
    audit.warning(
        "portal: refused %s of %s by %s: %s",
        what,
        key,
        getattr(user, "username", "?"),
        "; ".join(getattr(error, "messages", [str(error)])),
    )
    return error


def _check(user, jurisdictions: list, *, what: str, key: str) -> None:
    if not all(may_publish(user, unit) for unit in jurisdictions):
        raise _refuse(
            PermissionDenied(_("Only an office of this jurisdiction (or above) may publish or withdraw it.")),
            user=user,
            what=what,
            key=key,
        )


def _validate(kind: str, key: str, title: str, payload: Any) -> None:
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Unknown kind of publication: %(kind)s") % {"kind": kind}})
    if not key or len(key) > 200:
        raise ValidationError({"key": _("A key of 1 to 200 characters is required.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("A published item needs a title.")})
    if not isinstance(payload, dict):
        raise ValidationError({"payload": _("The published fields must be a dict.")})
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as exc:
        message = _("The published fields are not plain JSON: %(error)s") % {"error": exc}
        raise ValidationError({"payload": message}) from None


def _locked_item(key: str) -> PublishedItem | None:
    """The item under ``key``, locked for this transaction, or ``None`` when the key is new."""
    return PublishedItem.objects.select_for_update(of=("self",)).select_related("jurisdiction").filter(key=key).first()


def _existing(*, kind: str, key: str, jurisdiction, acting_user: User, check: bool) -> PublishedItem | None:
    """The locked item under ``key`` once the publisher may publish it (``None``: a new key)."""
    try:
        item = _locked_item(key)
        if check:
            _check(acting_user, [jurisdiction] + ([item.jurisdiction] if item else []), what="publication", key=key)
        if item and item.kind != kind:
            raise ValidationError({"kind": _("This key was published as another kind.")})
    except ValidationError as exc:
        raise _refuse(exc, user=acting_user, what="publication", key=key) from None
    return item


def _publish(
    *,
    kind: str,
    key: str,
    title: str,
    payload: dict,
    jurisdiction,
    acting_user: User,
    parent: PublishedItem | None = None,
    check: bool = True,
    note: str = "",
) -> PublishedItem:
    """``publish`` inside the caller's transaction; ``check=False`` only for a publication another
    audited action has already authorised (a notice opened by an acceptance decision)."""
    try:
        _validate(kind, key, title, payload)
    except ValidationError as exc:
        raise _refuse(exc, user=acting_user, what="publication", key=key) from None
    values = {"title": title.strip(), "payload": payload, "jurisdiction": jurisdiction, "parent": parent}
    item = _existing(kind=kind, key=key, jurisdiction=jurisdiction, acting_user=acting_user, check=check)
    if item is None:
        try:
            # A savepoint: on PostgreSQL a failed insert would otherwise break the whole transaction.
            with transaction.atomic():
                return _new_version(PublishedItem(kind=kind, key=key), acting_user=acting_user, note=note, **values)
        except IntegrityError:
            # Another publisher inserted the same new key between our look-up and our insert (nothing
            # to lock before the row exists): publish a new version of the item it created instead.
            item = _existing(kind=kind, key=key, jurisdiction=jurisdiction, acting_user=acting_user, check=check)
            if item is None:
                raise
            audit.info("portal: %s was first published concurrently; adding a version instead", key)
    return _new_version(item, acting_user=acting_user, note=note, **values)


def _new_version(
    item: PublishedItem, *, title: str, payload: dict, jurisdiction, parent, acting_user: User, note: str
) -> PublishedItem:
    now = timezone.now()
    if item.withdrawn_at is not None:
        quoted = _("published again after its withdrawal on %(when)s by %(who)s: %(reason)s") % {
            "when": timezone.localtime(item.withdrawn_at).strftime("%Y-%m-%d %H:%M"),
            "who": getattr(item.withdrawn_by, "username", "?"),
            "reason": item.withdrawal_reason,
        }
        note = f"{note}; {quoted}" if note else quoted
    item.title, item.jurisdiction, item.parent = title, jurisdiction, parent
    item.current_version += 1
    item.published_at = now
    item.withdrawn_at, item.withdrawn_by, item.withdrawal_reason, item.withdrawn_alone = None, None, "", False
    item.save()
    Publication.objects.create(
        item=item,
        version=item.current_version,
        title=title,
        payload=payload,
        published_at=now,
        published_by=acting_user,
        note=note,
    )
    audit.info(
        "portal: published %s %s (code %s) version %d by %s%s",
        item.kind,
        item.key,
        item.code,
        item.current_version,
        acting_user.username,
        f" ({note})" if note else "",
    )
    return item


@transaction.atomic
def publish(
    *,
    kind: str,
    key: str,
    title: str,
    payload: dict,
    jurisdiction,
    acting_user: User,
    parent: PublishedItem | None = None,
) -> PublishedItem:
    """Publish ``payload`` under ``key`` as a new version (module docstring); return the item."""
    return _publish(
        kind=kind,
        key=key,
        title=title,
        payload=payload,
        jurisdiction=jurisdiction,
        acting_user=acting_user,
        parent=parent,
    )


def _withdraw(item: PublishedItem, *, acting_user: User, reason: str, now, alone: bool = False) -> None:
    item.withdrawn_at, item.withdrawn_by, item.withdrawal_reason = now, acting_user, reason
    item.withdrawn_alone = alone
    item.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "withdrawn_alone"])
    audit.info("portal: withdrew %s %s (code %s) by %s: %s", item.kind, item.key, item.code, acting_user, reason)


@transaction.atomic
def withdraw(*, key: str, acting_user: User, reason: str) -> PublishedItem:
    """Take the item under ``key`` (and its live parts) off the portal, with the reason.

    A part withdrawn while its parent is live is marked ``withdrawn_alone``: publishing the parent again
    leaves it withdrawn (the office took it down on purpose)."""
    item = PublishedItem.objects.select_for_update(of=("self",)).select_related("jurisdiction", "parent").get(key=key)
    reason = (reason or "").strip()
    try:
        _check(acting_user, [item.jurisdiction], what="withdrawal", key=key)
        if not reason:
            raise ValidationError({"reason": _("Give the reason for withdrawing.")})
        if item.withdrawn_at is not None:
            raise ValidationError(_("This item has already been withdrawn."))
    except ValidationError as exc:
        raise _refuse(exc, user=acting_user, what="withdrawal", key=key) from None
    now = timezone.now()
    alone = item.parent is not None and item.parent.is_live
    _withdraw(item, acting_user=acting_user, reason=reason, now=now, alone=alone)
    for part in item.children.select_for_update().filter(withdrawn_at__isnull=True):
        _withdraw(part, acting_user=acting_user, reason=reason, now=now)
    return item


# --- the portal's own publishers -----------------------------------------------------------------


def plan_key(plan: Plan) -> str:
    return f"plan:{plan.pk}"


def problem_key(problem_id: int) -> str:
    return f"problem:{problem_id}"


def notice_key(notice: PublicNotice) -> str:
    return f"notice:{notice.pk}"


@transaction.atomic
def publish_plan(plan: Plan, *, acting_user: User) -> PublishedItem:
    """Publish the plan and each of its tasks as they stand today (whitelists in ``portal.snapshots``).

    Only an approved or published plan (``ValidationError`` for a draft). Tasks published before that
    are no longer tasks of the plan (deleted, merged, made an aspect) are withdrawn; a task the office
    withdrew on its own while the plan stayed live is left withdrawn (``publish_task`` brings it back).
    Returns the plan's item."""
    plan = Plan.objects.select_related("jurisdiction").get(pk=plan.pk)
    key = plan_key(plan)
    _check(acting_user, [plan.jurisdiction], what="publication", key=key)
    _require_publishable(plan, acting_user=acting_user, key=key)
    today = timezone.localdate()
    item = _publish(
        kind=Kind.PLAN,
        key=key,
        title=plan.title,
        payload=snapshots.plan_payload(plan, today),
        jurisdiction=plan.jurisdiction,
        acting_user=acting_user,
    )
    tasks = snapshots.public_tasks(plan)
    kept_down = set(
        PublishedItem.objects.filter(
            key__in=[problem_key(task.pk) for task in tasks], withdrawn_at__isnull=False, withdrawn_alone=True
        ).values_list("key", flat=True)
    )
    tasks = [task for task in tasks if problem_key(task.pk) not in kept_down]
    payloads = snapshots.problem_payloads(plan, tasks, today)
    for task in tasks:
        _publish(
            kind=Kind.PROBLEM,
            key=problem_key(task.pk),
            title=task.title,
            payload=payloads[task.pk],
            jurisdiction=plan.jurisdiction,
            acting_user=acting_user,
            parent=item,
        )
    current = {problem_key(task.pk) for task in tasks} | kept_down
    now = timezone.now()
    gone = item.children.select_for_update().filter(withdrawn_at__isnull=True).exclude(key__in=current)
    for part in gone:
        _withdraw(part, acting_user=acting_user, reason=_("no longer a task of the published plan"), now=now)
    return item


def plan_publishable(plan: Plan) -> bool:
    """An approved or published plan: a draft is not published (the plan page hides the button)."""
    return plan.status in PUBLISHABLE_PLAN_STATUSES


def _require_publishable(plan: Plan, *, acting_user: User, key: str) -> None:
    if not plan_publishable(plan):
        raise _refuse(
            ValidationError(
                _("The plan is %(status)s: only an approved or published plan is published on the portal.")
                % {"status": plan.get_status_display()}
            ),
            user=acting_user,
            what="publication",
            key=key,
        )


@transaction.atomic
def publish_task(item: PublishedItem, *, acting_user: User) -> PublishedItem:
    """Publish again one withdrawn task of a live published plan, as it stands today.

    The explicit way back for a task the office withdrew on its own (publishing the plan again leaves it
    withdrawn). ``ValidationError`` unless the item is a withdrawn task whose plan item is live, the
    plan is still approved or published and the problem is still one of its public tasks."""
    item = PublishedItem.objects.select_related("jurisdiction", "parent").get(pk=item.pk)
    _check(acting_user, [item.jurisdiction], what="publication", key=item.key)
    parent = item.parent
    try:
        if item.kind != Kind.PROBLEM or parent is None:
            raise ValidationError(_("Only a task of a published plan is published again this way."))
        if item.withdrawn_at is None:
            raise ValidationError(_("This task is on the portal already."))
        if not parent.is_live:
            raise ValidationError(_("The plan is not on the portal: publish the plan again instead."))
    except ValidationError as exc:
        raise _refuse(exc, user=acting_user, what="publication", key=item.key) from None
    plan = Plan.objects.select_related("jurisdiction").get(pk=int(parent.key.split(":", 1)[1]))
    _check(acting_user, [plan.jurisdiction], what="publication", key=item.key)
    _require_publishable(plan, acting_user=acting_user, key=item.key)
    task = next((t for t in snapshots.public_tasks(plan) if problem_key(t.pk) == item.key), None)
    if task is None:
        raise _refuse(
            ValidationError(_("This problem is no longer a task of the plan.")),
            user=acting_user,
            what="publication",
            key=item.key,
        )
    payload = snapshots.problem_payloads(plan, [task], timezone.localdate())[task.pk]
    return _publish(
        kind=Kind.PROBLEM,
        key=item.key,
        title=task.title,
        payload=payload,
        jurisdiction=plan.jurisdiction,
        acting_user=acting_user,
        parent=parent,
    )


def _load_notice(notice: PublicNotice) -> PublicNotice:
    return PublicNotice.objects.select_related(
        "request__problem__parent",
        "request__problem__plan__jurisdiction",
        "request__case__batch__jurisdiction",
        "request__case__region",
    ).get(pk=notice.pk)


@transaction.atomic
def publish_notice(notice: PublicNotice, *, acting_user: User) -> PublishedItem:
    """Publish an open 公示 (not closed, its last day not passed): the task, the period and the link to
    its objection page. The office of the plan's jurisdiction (or above) or an administrator."""
    notice = _load_notice(notice)
    key = notice_key(notice)
    jurisdiction = notice.request.subject.office_unit
    _check(acting_user, [jurisdiction], what="publication", key=key)
    if notice.closed_at is not None or notice.ends_on < timezone.localdate():
        raise _refuse(
            ValidationError(_("Only an open public notice is published.")),
            user=acting_user,
            what="publication",
            key=key,
        )
    return _publish(
        kind=Kind.NOTICE,
        key=key,
        title=snapshots.notice_title(notice),
        payload=snapshots.notice_payload(notice),
        jurisdiction=jurisdiction,
        acting_user=acting_user,
    )


@transaction.atomic
def publish_opened_notice(notice_id: int, acting_user_id: int) -> PublishedItem | None:
    """Publish a notice that an acceptance decision has just opened (called on commit of that decision).

    The decision is the authorisation (its actor may be a reviewer or an acceptance unit rather than an
    office), so no office check is made; the version's note says it was automatic. Nothing happens if
    the notice has closed meanwhile or was already published."""
    from zhenggai.accounts.models import User

    notice = _load_notice(PublicNotice(pk=notice_id))
    if notice.closed_at is not None or PublishedItem.objects.filter(key=notice_key(notice)).exists():
        return None
    return _publish(
        kind=Kind.NOTICE,
        key=notice_key(notice),
        title=snapshots.notice_title(notice),
        payload=snapshots.notice_payload(notice),
        jurisdiction=notice.request.subject.office_unit,
        acting_user=User.objects.get(pk=acting_user_id),
        check=False,
        note=_("published automatically when the notice opened"),
    )


@transaction.atomic
def withdraw_closed_notice(notice_id: int, acting_user_id: int, *, objection_upheld: bool = False) -> bool:
    """Withdraw a notice's item once the notice has closed (called on commit of the acceptance decision
    that closed it: the period ended, or an upheld objection ended it early).

    The decision is the authorisation, as for ``publish_opened_notice``: no office check. Nothing happens
    (``False``) when the notice was never published or its item is already withdrawn."""
    from zhenggai.accounts.models import User

    item = _locked_item(f"notice:{notice_id}")
    if item is None or item.withdrawn_at is not None:
        return False
    reason = _("Objection upheld: the public notice was ended") if objection_upheld else _("The public notice ended")
    _withdraw(item, acting_user=User.objects.get(pk=acting_user_id), reason=reason, now=timezone.now())
    return True
