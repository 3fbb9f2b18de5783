"""Daily digests (每日提醒): one in-app notification and at most one e-mail per recipient per day.

Never one mail per item. A user whose warnings list is empty gets nothing (and a digest built
earlier that day is withdrawn). A unit user's digest lists the warnings on the problems the user
sees; an office user's digest counts its jurisdiction's warnings by grade and lists the red ones.
Users of a muted unit (``NotificationMute``) get no digest. The scheduled scan sends the e-mails;
later refreshes on the same day rebuild the in-app digest without mailing again.
"""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import User
from zhenggai.ledger.models import Problem
from zhenggai.progress.choices import Grade
from zhenggai.progress.models import Notification, NotificationMute, WarningItem, WarningRun

__all__ = ["build_digest", "send_digests"]

_RECIPIENT_ROLES = (Role.UNIT, Role.SUPERVISOR, Role.OFFICE)
_LISTED = 30  # items listed in one digest; the rest are counted


def _recipients():
    muted = NotificationMute.objects.values("unit_id")
    return (
        User.objects.filter(is_active=True, role__in=_RECIPIENT_ROLES, unit__isnull=False)
        .exclude(unit_id__in=muted)
        .select_related("unit")
        .order_by("pk")
    )


def build_digest(user: User, run: WarningRun) -> tuple[str, str, int] | None:
    """(subject, body, item count) of the user's digest for ``run``, or None when there is nothing to say."""
    items = (
        WarningItem.objects.filter(run=run, problem__in=Problem.objects.visible_to(user).values("pk"))
        .select_related("problem", "measure")
        .order_by("problem__plan_id", "problem__position", "problem_id", "measure_id", "pk")
    )
    if user.role == Role.OFFICE:
        items = items.filter(problem__plan__in=_office_plans(user))
    listed = list(items[: _LISTED + 1]) if user.role != Role.OFFICE else list(items.filter(grade=Grade.RED)[:_LISTED])
    counts = Counter(items.values_list("grade", flat=True))
    total = sum(counts.values())
    if not total:
        return None
    with override(settings.LANGUAGE_CODE):
        grades = "，".join(f"{Grade(g).label}{counts[g]}项" for g in (Grade.RED, Grade.YELLOW, Grade.BLUE) if counts[g])
        subject = _("Rectification warnings on %(date)s: %(summary)s") % {"date": run.as_of, "summary": grades}
        lines = [
            f"[{item.get_grade_display()}] {item.problem.label} {item.problem.title[:30]}"
            f"{' ' + item.measure.number_text if item.measure else ''} — {item.get_kind_display()}：{item.reason}"
            for item in listed[:_LISTED]
        ]
        if total > len(lines):
            lines.append(_("… and %(n)d more.") % {"n": total - len(lines)})
        lines.append(f"{settings.SITE_URL}/progress/")
    return subject[:200], "\n".join(lines), total


def _office_plans(user):
    from zhenggai.ledger.models import Plan

    return Plan.objects.editable_by(user).values("pk")


def users_concerned(problem_id: int):
    """The recipients who see the problem: its units' users (with predecessors and collectives, through
    the visibility rule) and the offices above its plan's jurisdiction."""
    from zhenggai.organizations.models import Unit, UnitMembership

    problem = Problem.objects.select_related("plan__jurisdiction").get(pk=problem_id)
    unit_ids = set(problem.assignments.exclude(unit=None).values_list("unit_id", flat=True))
    unit_ids |= set(UnitMembership.objects.filter(collective_id__in=unit_ids).values_list("member_id", flat=True))
    unit_ids |= set(Unit.objects.filter(successor_id__in=unit_ids).values_list("pk", flat=True))
    unit_ids |= set(Unit.objects.filter(pk__in=unit_ids).exclude(successor=None).values_list("successor_id", flat=True))
    path = problem.plan.jurisdiction.path if problem.plan.jurisdiction_id else ""
    ancestors = [path[:end] for end in range(7, len(path) + 1, 7)]
    offices = Unit.objects.filter(path__in=ancestors).values("pk")
    candidates = _recipients().filter(Q(unit_id__in=unit_ids) | Q(role=Role.OFFICE, unit__in=offices))
    return [user for user in candidates if Problem.objects.visible_to(user).filter(pk=problem_id).exists()]


def rebuild_digests_for(problem_id: int) -> int:
    """Rebuild today's in-app digests of the users who see the problem (no e-mail); returns how many."""
    from zhenggai.progress.jobs import current_run

    run = current_run()
    if run is None or run.as_of != timezone.localdate():
        return 0
    return _deliver(run, users_concerned(problem_id), mail=False)[1]


def send_digests(run: WarningRun, *, mail: bool = True) -> int:
    """Build today's digest for every recipient; e-mail each at most once a day. Returns mails sent."""
    return _deliver(run, _recipients(), mail=mail)[0]


def _deliver(run: WarningRun, users, *, mail: bool) -> tuple[int, int]:
    """(mails sent, digests written) for ``users``."""
    sent = written = 0
    for user in users:
        digest = build_digest(user, run)
        with transaction.atomic():
            if digest is None:
                Notification.objects.filter(user=user, day=run.as_of, read_at__isnull=True).delete()
                continue
            subject, body, count = digest
            notification, _created = Notification.objects.update_or_create(
                user=user, day=run.as_of, defaults={"subject": subject, "body": body, "item_count": count}
            )
            written += 1
            if mail and user.email and notification.emailed_at is None:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
                notification.emailed_at = timezone.now()
                notification.save(update_fields=["emailed_at"])
                sent += 1
    return sent, written
