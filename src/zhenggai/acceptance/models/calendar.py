"""Working days the office enters itself (法定节假日和调休), ahead of the calendar library."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class WorkdayOverride(models.Model):
    """One day declared a holiday or an adjusted working day (调休), e.g. for a year the
    ``chinesecalendar`` release does not cover yet. Consulted before the library by every working-day
    count (公示 windows)."""

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)  # 春节, 国庆节调休上班 …

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_working_day else '休息'}"
