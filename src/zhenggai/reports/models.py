"""Generated reports, each one a frozen snapshot of what was published, and the offices' own templates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhenggai.progress.models.reports import evidence_storage


def report_path(instance: GeneratedReport, filename: str) -> str:
    return f"reports/plan-{instance.plan_id}/{filename}"


def template_path(instance: ReportTemplate, filename: str) -> str:
    return f"reports/templates/{filename}"


class ReportTemplateQuerySet(models.QuerySet):
    def for_plan(self, plan) -> ReportTemplateQuerySet:
        """The active templates a plan's report may use: the plan's own and its jurisdiction's."""
        return self.filter(Q(plan=plan) | Q(jurisdiction_id=plan.jurisdiction_id), is_active=True)


class ReportTemplate(models.Model):
    """An office's own .docx layout for a periodic report (docxtpl placeholders, Jinja2 syntax).

    It applies either to every plan of one jurisdiction (``jurisdiction``) or to one plan
    (``plan``), never both. The file is checked when uploaded — a real .docx whose every
    placeholder is a name of ``zhenggai.reports.template_context`` and which renders the sample
    context — and then never changes: ``sha256`` and ``size`` describe the stored bytes, which are
    checked again before each use, and a generated report names the template it was made from.
    Retiring (``is_active`` off) hides it from the choice; a retired template stays, for the
    reports made from it. The history table (django-simple-history) is the audit trail: who
    uploaded and who retired it, when, and why. Only ``zhenggai.reports.actions.upload_template``
    and ``retire_template`` write these rows; ``save()`` refuses any change but ``is_active``.
    """

    name = models.CharField(_("name"), max_length=200)
    jurisdiction = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Applies to every plan of this jurisdiction"),
    )
    plan = models.ForeignKey(
        "ledger.Plan",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_templates",
        help_text=_("Applies to this plan only"),
    )
    file = models.FileField(_("file"), storage=evidence_storage, upload_to=template_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = ReportTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(jurisdiction__isnull=True, plan__isnull=False)
                | Q(jurisdiction__isnull=False, plan__isnull=True),
                name="reports_template_for_a_jurisdiction_or_a_plan",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding and set(kwargs.get("update_fields") or ()) != {"is_active"}:
            raise ValueError("A report template's file and scope never change: upload a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A report template is retired, never deleted.")


class GeneratedReport(models.Model):
    """One published version of a plan's periodic progress report (.docx).

    A row and its file never change once written: ``version`` counts up per plan (1, 2, …) and
    re-generating, even for the same ``as_of``, makes a new version beside the old one. ``sha256``
    is the digest of the stored bytes, so anyone can check a copy against what was published;
    ``summary`` is the summary paragraph as printed; ``template`` the office's template it was
    rendered from (empty: the built-in layout of ``docx_report``). The file lives in the private evidence storage
    (outside the web root) and is only ever served by a checked view. ``save()`` refuses to update
    an existing row and ``delete()`` refuses to remove one; the only way in is
    ``zhenggai.reports.actions.generate_report``.
    """

    plan = models.ForeignKey(
        "ledger.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="generated_reports"
    )
    version = models.PositiveIntegerField(_("version"))
    as_of = models.DateField(_("as of"))
    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    file = models.FileField(_("file"), storage=evidence_storage, upload_to=report_path, max_length=300)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    summary = models.TextField(_("summary"))
    template = models.ForeignKey(
        ReportTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text=_("Empty: the built-in layout"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("generated by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("generated at"), default=timezone.now)

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["plan", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="reports_one_version_number_per_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}（{self.as_of}）"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("A generated report is frozen: generate a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A generated report is never deleted.")
