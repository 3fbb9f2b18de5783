"""The warning job's runs and the warnings each run found (预警)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenggai.progress.choices import Grade, RunStatus, WarningKind
from zhenggai.progress.querysets import ProblemChildQuerySet


class WarningRun(models.Model):
    """One run of the warning job (预警计算): when, for which as-of date, how long, how it ended.

    Every overdue flag in the UI comes from the latest successful run, so the admin shows these
    rows as the job's health: a missing or failed run means the flags are stale.
    """

    as_of = models.DateField(_("as of"))
    trigger = models.CharField(_("started by"), max_length=20, default="schedule")  # schedule | command | manual
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    item_count = models.PositiveIntegerField(_("warnings found"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("warning job run")
        verbose_name_plural = _("warning job runs")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["status", "-started_at"], name="progress_warningrun_latest")]

    def __str__(self) -> str:
        return f"{self.as_of} {self.status}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 3)


class WarningItem(models.Model):
    """One warning on one measure (or problem) found by one run: kind, grade and a short reason."""

    run = models.ForeignKey(WarningRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="items")
    plan = models.ForeignKey("ledger.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+")
    problem = models.ForeignKey("ledger.Problem", verbose_name=_("problem"), on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey(
        "ledger.Measure", verbose_name=_("measure"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=WarningKind.choices)
    grade = models.CharField(_("grade"), max_length=8, choices=Grade.choices)
    reason = models.CharField(_("reason"), max_length=200)

    objects = ProblemChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["run", "problem", "measure", "pk"]
        indexes = [
            models.Index(fields=["run", "grade"], name="progress_warning_run_grade"),
            models.Index(fields=["run", "problem"], name="progress_warning_run_problem"),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} {self.get_kind_display()} {self.reason}"


class ProblemStanding(models.Model):
    """A problem's standing (整改态势) in one warning run: its pace on the run's date and, when one of its
    items is overdue, by how many days. The dashboard counts and lists these rows instead of evaluating
    the whole ledger on every request; like the warnings, they are refreshed per problem
    (``jobs.refresh_problem``) when a report, an extension, a reassignment or a status changes it."""

    run = models.ForeignKey(WarningRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="standings")
    problem = models.ForeignKey("ledger.Problem", verbose_name=_("problem"), on_delete=models.CASCADE, related_name="+")
    pace = models.CharField(_("pace"), max_length=20, blank=True)  # a ``Pace`` value; empty: no items
    overdue_days = models.PositiveIntegerField(_("days overdue"), null=True, blank=True)  # empty: not overdue

    objects = ProblemChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem standing")
        verbose_name_plural = _("problem standings")
        constraints = [models.UniqueConstraint(fields=["run", "problem"], name="progress_standing_once_per_run")]
        indexes = [models.Index(fields=["run", "pace"], name="progress_standing_run_pace")]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.pace}"


class ReportingShare(models.Model):
    """One lead unit's reporting (报送情况) on one problem's open items in one warning run, by the rule of
    ``progress.dashboard.reporting_overview``: the reports expected in the last closed periods and those
    made on time, and the items with no report yet for the current period (with that period's window
    close). Summed over the problems a user sees, they give the dashboard's ranking and 未报送 list."""

    run = models.ForeignKey(WarningRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="shares")
    problem = models.ForeignKey("ledger.Problem", verbose_name=_("problem"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("lead unit"), on_delete=models.CASCADE, related_name="+"
    )
    expected = models.PositiveIntegerField(_("reports expected"), default=0)
    on_time = models.PositiveIntegerField(_("reports on time"), default=0)
    missing = models.PositiveIntegerField(_("items not reported this period"), default=0)
    window_close = models.DateField(_("window closes"), null=True, blank=True)

    objects = ProblemChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting share")
        verbose_name_plural = _("reporting shares")
        constraints = [models.UniqueConstraint(fields=["run", "problem", "unit"], name="progress_share_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.on_time}/{self.expected}"
