"""Progress reports (整改进展) with their quantitative indicators and evidence files."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenggai.progress.choices import ClaimedStatus
from zhenggai.progress.querysets import ProgressReportQuerySet, ReportChildQuerySet


def evidence_storage():
    """Evidence lives outside the web root (``EVIDENCE_ROOT``): it is only ever served by a checked view."""
    return storages["evidence"]


class ProgressReport(models.Model):
    """整改进展: a unit's report on one measure (or on a whole problem) for one reporting period.

    A submitted report is never edited: a correction is a new row with ``version + 1`` that
    ``supersedes`` the old one, and only the newest is ``is_current``. Two partial unique
    constraints allow one current report per measure (or problem) and period, so two people
    submitting the same period at once cannot both win.
    """

    problem = models.ForeignKey(
        "ledger.Problem", verbose_name=_("problem"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    # PROTECT: a report (and the evidence an acceptance may rely on) never disappears with its measure.
    measure = models.ForeignKey(
        "ledger.Measure",
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("reporting unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    narrative = models.TextField(_("progress"))
    percent = models.DecimalField(_("percent complete"), max_digits=5, decimal_places=2, null=True, blank=True)
    milestones = models.TextField(_("milestones reached"), blank=True)
    claimed_status = models.CharField(
        _("status claimed"), max_length=20, choices=ClaimedStatus.choices, default=ClaimedStatus.IN_PROGRESS
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    is_current = models.BooleanField(_("current version"), default=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period_end", "-version", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period_start"],
                condition=Q(is_current=True, measure__isnull=False),
                name="progress_one_current_report_per_measure_period",
            ),
            models.UniqueConstraint(
                fields=["problem", "period_start"],
                condition=Q(is_current=True, measure__isnull=True),
                name="progress_one_current_report_per_problem_period",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="progress_percent_between_0_and_100",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="progress_period_order"),
        ]
        indexes = [
            models.Index(fields=["problem", "submitted_at"], name="progress_report_problem_time"),
            models.Index(fields=["measure", "submitted_at"], name="progress_report_measure_time"),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id}/{self.measure_id or '-'} {self.period_start}–{self.period_end} v{self.version}"


class Indicator(models.Model):
    """量化指标: a number the report gives, e.g. 172 stations to retrofit (target), 160 done (achieved)."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="indicators"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit of measure"), max_length=30)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2, null=True, blank=True)
    achieved = models.DecimalField(_("achieved"), max_digits=16, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ReportChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["report", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.achieved}/{self.target or '—'} {self.unit}"


class Evidence(models.Model):
    """佐证材料: a file attached to a report. Its type is read from its content, not its name; its
    SHA-256 is kept so a later acceptance can prove which file it saw. A correction carries the
    previous version's files forward as new rows pointing at the same stored file."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), storage=evidence_storage, upload_to="evidence/%Y/%m/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = ReportChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.original_name
