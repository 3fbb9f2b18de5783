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
