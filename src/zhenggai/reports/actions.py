"""Generating a periodic report: ``generate_report(plan, *, acting_user, as_of, title)``."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.ledger.models import Plan
from zhenggai.reports.docx_report import chinese_date, compose, render
from zhenggai.reports.models import GeneratedReport

if TYPE_CHECKING:
    from zhenggai.accounts.models import User

__all__ = ["can_generate", "generate_report", "plan_start"]


def can_generate(user, plan: Plan) -> bool:
    """The plan's office (or an office above it) and administrators: ``Plan.objects.editable_by``."""
    return Plan.objects.editable_by(user).filter(pk=plan.pk).exists()


def plan_start(plan: Plan) -> date:
    """The first day a report can speak of: the plan's issue date, else the day it was recorded."""
    return plan.issue_date or timezone.localdate(plan.created_at)


def _validate(plan: Plan, as_of: date, title: str) -> None:
    errors = {}
    start = plan_start(plan)
    if as_of < start:
        errors["as_of"] = _("The report date %(as_of)s is before the plan existed (%(start)s).") % {
            "as_of": chinese_date(as_of),
            "start": chinese_date(start),
        }
    elif as_of > timezone.localdate():
        # The numbers of a future day would still change: a frozen snapshot must describe the past.
        errors["as_of"] = _("The report date %(as_of)s is in the future.") % {"as_of": chinese_date(as_of)}
    if not title.strip():
        errors["title"] = _("Give the report a title.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def generate_report(
    plan: Plan, *, acting_user: User, as_of: date, title: str, issuer: str | None = None
) -> GeneratedReport:
    """Build the report of ``plan`` on ``as_of`` and store it as the plan's next version.

    Refused (``PermissionDenied``) unless ``acting_user`` may edit the plan; refused
    (``ValidationError`` on ``as_of``) for a date before the plan existed or after today. The plan
    row is locked while the version number is taken, so two people generating at once get versions
    n and n + 1. ``issuer`` defaults to the plan's jurisdiction. If the transaction rolls back after
    the file was written, the file stays behind unreferenced (never served)."""
    if not can_generate(acting_user, plan):
        raise PermissionDenied(_("Only the plan's office generates its reports."))
    _validate(plan, as_of, title)
    locked = Plan.objects.select_for_update().select_related("jurisdiction").get(pk=plan.pk)
    version = (GeneratedReport.objects.filter(plan=locked).aggregate(last=Max("version"))["last"] or 0) + 1
    issuer = locked.jurisdiction.name if issuer is None else issuer
    content = compose(locked, as_of)
    data = render(content, title=title.strip(), issuer=issuer)
    report = GeneratedReport(
        plan=locked,
        version=version,
        as_of=as_of,
        title=title.strip(),
        issuer=issuer,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        summary=content.summary,
        created_by=acting_user,
    )
    report.file.save(f"v{version}-{as_of:%Y%m%d}.docx", ContentFile(data), save=False)
    report.save()
    return report
