"""Generating a periodic report, and the offices' own templates for it.

``generate_report(plan, *, acting_user, as_of, title, template=None)`` stores a new version;
``upload_template(upload, *, acting_user, name, plan=… | jurisdiction=…)`` and
``retire_template(template, *, acting_user)`` manage the templates (history rows are their audit
trail). Who may do any of it: the office of the plan or jurisdiction (or one above it) and
administrators — the rule of ``Plan.objects.editable_by``.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.accounts.scope import ALL, SUBTREE, scope_for
from zhenggai.core.audit import stamp
from zhenggai.ledger.models import Plan
from zhenggai.reports import docx_template
from zhenggai.reports.docx_report import chinese_date, compose, render
from zhenggai.reports.models import GeneratedReport, ReportTemplate
from zhenggai.reports.template_context import build_context

if TYPE_CHECKING:
    from zhenggai.accounts.models import User
    from zhenggai.organizations.models import Unit

__all__ = [
    "can_generate",
    "can_manage_templates_of",
    "generate_report",
    "plan_start",
    "retire_template",
    "upload_template",
]


def can_generate(user, plan: Plan) -> bool:
    """The plan's office (or an office above it) and administrators: ``Plan.objects.editable_by``."""
    return Plan.objects.editable_by(user).filter(pk=plan.pk).exists()


def can_manage_templates_of(user, unit: Unit) -> bool:
    """The office of ``unit``'s jurisdiction or of one above it, and administrators (the path rule of
    ``Plan.objects.editable_by``, asked of a unit instead of a plan)."""
    scope = scope_for(user)
    if scope.kind == ALL:
        return True
    return scope.role == "office" and scope.kind == SUBTREE and unit.path.startswith(scope.root_path)


def _may_manage(user, plan: Plan | None, jurisdiction: Unit | None) -> bool:
    if plan is not None:
        return can_generate(user, plan)
    return can_manage_templates_of(user, jurisdiction)


def plan_start(plan: Plan) -> date:
    """The first day a report can speak of: ``Plan.known_since`` — the issue date, else the feedback of
    the plan's inspection (a plan known only from a progress report), else the day it was recorded."""
    return plan.known_since()


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
    plan: Plan,
    *,
    acting_user: User,
    as_of: date,
    title: str,
    issuer: str | None = None,
    template: ReportTemplate | None = None,
) -> GeneratedReport:
    """Build the report of ``plan`` on ``as_of`` and store it as the plan's next version.

    Refused (``PermissionDenied``) unless ``acting_user`` may edit the plan; refused
    (``ValidationError`` on ``as_of``) for a date before the plan existed or after today. The plan
    row is locked while the version number is taken, so two people generating at once get versions
    n and n + 1. ``issuer`` defaults to the plan's jurisdiction.

    With ``template`` (an active ``ReportTemplate`` of the plan or its jurisdiction) the office's
    .docx is filled from ``template_context.build_context`` instead of the built-in layout; a
    retired or foreign template, a stored file that no longer matches its SHA-256, or a template
    that fails on this plan's data (``{{ overdue[0].title }}`` with nothing overdue) is refused
    with a ``ValidationError`` on ``template`` and nothing is stored. If the transaction rolls back
    after the file was written, the file stays behind unreferenced (never served)."""
    if not can_generate(acting_user, plan):
        raise PermissionDenied(_("Only the plan's office generates its reports."))
    _validate(plan, as_of, title)
    locked = Plan.objects.select_for_update().select_related("jurisdiction").get(pk=plan.pk)
    version = (GeneratedReport.objects.filter(plan=locked).aggregate(last=Max("version"))["last"] or 0) + 1
    issuer = locked.jurisdiction.name if issuer is None else issuer
    if template is not None:
        template = _usable_template(template, locked)
    content = compose(locked, as_of)
    if template is None:
        data = render(content, title=title.strip(), issuer=issuer)
    else:
        context = build_context(content, title=title.strip(), issuer=issuer)
        try:
            data = docx_template.render_template(_template_bytes(template), context)
        except ValidationError as exc:
            raise ValidationError({"template": exc.error_list}) from exc
    report = GeneratedReport(
        plan=locked,
        version=version,
        as_of=as_of,
        title=title.strip(),
        issuer=issuer,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        summary=content.summary,
        template=template,
        created_by=acting_user,
    )
    report.file.save(f"v{version}-{as_of:%Y%m%d}.docx", ContentFile(data), save=False)
    report.save()
    return report


def _usable_template(template: ReportTemplate, plan: Plan) -> ReportTemplate:
    """The template row, locked against a retirement in between, if it may serve ``plan``."""
    locked = ReportTemplate.objects.select_for_update().filter(pk=template.pk).first()
    if locked is None or not locked.is_active:
        raise ValidationError({"template": ValidationError(_("This template has been retired."), code="retired")})
    if locked.plan_id != plan.pk and locked.jurisdiction_id != plan.jurisdiction_id:
        message = _("This template does not belong to this plan or its jurisdiction.")
        raise ValidationError({"template": ValidationError(message, code="foreign")})
    return locked


def _template_bytes(template: ReportTemplate) -> bytes:
    try:
        with template.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError) as exc:
        raise ValidationError(_("The template file is missing from the storage."), code="missing") from exc
    if hashlib.sha256(data).hexdigest() != template.sha256:
        # What was checked and chosen is what gets printed, or nothing.
        raise ValidationError(_("The stored template file no longer matches what was uploaded."), code="changed")
    return data


@transaction.atomic
def upload_template(
    upload,
    *,
    acting_user: User,
    name: str,
    plan: Plan | None = None,
    jurisdiction: Unit | None = None,
) -> ReportTemplate:
    """Check and store an office's .docx template for one ``plan`` or for every plan of ``jurisdiction``.

    ``upload`` is a file object (an ``UploadedFile``, ``ContentFile`` …). Refused with
    ``PermissionDenied`` unless ``acting_user`` may edit the plan / is the jurisdiction's office (or
    one above it); with ``ValidationError`` — and nothing stored, no row, no file — for a missing
    name, a file that is not a .docx, a placeholder syntax error, unknown placeholders (all listed),
    a template that fails on the sample context (``docx_template.check_template``) or the same file
    already active for the same plan or jurisdiction. The history row records who and when."""
    if (plan is None) == (jurisdiction is None):
        raise ValueError("A template is for one plan or for one jurisdiction.")
    if not _may_manage(acting_user, plan, jurisdiction):
        raise PermissionDenied(_("Only the office of the plan or jurisdiction uploads its report templates."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": ValidationError(_("Give the template a name."), code="required")})
    size = getattr(upload, "size", None)
    too_large = ValidationError({"file": ValidationError(_("The template is larger than 10 MB."), code="too_large")})
    if size is not None and size > docx_template.MAX_BYTES:
        raise too_large
    upload.seek(0)
    data = upload.read()
    if not data:
        raise ValidationError({"file": ValidationError(_("The file is empty."), code="empty")})
    if len(data) > docx_template.MAX_BYTES:
        raise too_large
    try:
        docx_template.check_template(data)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from exc
    digest = hashlib.sha256(data).hexdigest()
    scope = {"plan": plan} if plan is not None else {"jurisdiction": jurisdiction}
    if ReportTemplate.objects.filter(sha256=digest, is_active=True, **scope).exists():
        message = _("This file is already an active template here.")
        raise ValidationError({"file": ValidationError(message, code="duplicate")})
    template = ReportTemplate(
        name=name,
        original_name=os.path.basename(getattr(upload, "name", "") or "")[:255],
        size=len(data),
        sha256=digest,
        uploaded_by=acting_user,
        **scope,
    )
    template.file.save(f"{digest[:16]}.docx", ContentFile(data), save=False)
    stamp(template, acting_user, "uploaded")
    template.save()
    return template


@transaction.atomic
def retire_template(template: ReportTemplate, *, acting_user: User, reason: str = "") -> ReportTemplate:
    """Take ``template`` out of use (``is_active`` off); it stays, with the reports made from it.

    Same permission as uploading (``PermissionDenied``); an already retired template is a
    ``ValidationError``. The history row records who, when and ``reason``."""
    locked = (
        ReportTemplate.objects.select_for_update(of=("self",))
        .select_related("plan", "jurisdiction")
        .get(pk=template.pk)
    )
    if not _may_manage(acting_user, locked.plan, locked.jurisdiction):
        raise PermissionDenied(_("Only the office of the plan or jurisdiction retires its report templates."))
    if not locked.is_active:
        raise ValidationError(_("This template has been retired."), code="retired")
    locked.is_active = False
    stamp(locked, acting_user, reason.strip() or "retired")
    locked.save(update_fields=["is_active"])
    template.is_active = False
    return locked
