"""A plan's reporting rhythm and warning thresholds."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhenggai.core.schedule import Thresholds
from zhenggai.progress.choices import Cadence


def validate_thresholds(value) -> None:
    try:
        Thresholds.from_dict(value or {})
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class PlanSchedule(models.Model):
    """调度设置: how often a plan's units report, when the reporting window opens and closes, when
    rectification started (the start of 序时进度), the tolerance, and the warning thresholds.

    A plan without a row uses the defaults (``PlanSchedule.for_plan``): monthly, window the 25th to
    the 5th, start = the plan's issue date, tolerance 5 points, ``Thresholds()``.
    """

    plan = models.OneToOneField(
        "ledger.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="schedule"
    )
    cadence = models.CharField(_("reporting cadence"), max_length=16, choices=Cadence.choices, default=Cadence.MONTHLY)
    window_start_day = models.PositiveSmallIntegerField(
        _("reporting window opens on day"), default=25, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    window_end_day = models.PositiveSmallIntegerField(
        _("reporting window closes on day"), default=5, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    starts_on = models.DateField(_("rectification starts on"), null=True, blank=True)
    tolerance = models.DecimalField(
        _("tolerance (percentage points)"),
        max_digits=5,
        decimal_places=2,
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )
    thresholds = models.JSONField(_("warning thresholds"), default=dict, blank=True, validators=[validate_thresholds])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan schedule")
        verbose_name_plural = _("plan schedules")

    def __str__(self) -> str:
        return f"{self.plan_id} · {self.get_cadence_display()}"

    @classmethod
    def for_plan(cls, plan) -> PlanSchedule:
        """The plan's schedule, or an unsaved one with the defaults."""
        try:
            return plan.schedule
        except cls.DoesNotExist:
            return cls(plan=plan)

    def start_date(self) -> date | None:
        if self.starts_on:
            return self.starts_on
        # The plan's issue date; for a plan known only from a progress report (003), the inspection's
        # feedback, which the plan answers; else the day it was recorded.
        return self.plan.known_since() if self.plan.issue_date or self.plan.created_at else None

    def threshold_values(self) -> Thresholds:
        return Thresholds.from_dict(self.thresholds or {})
