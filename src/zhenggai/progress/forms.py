"""Forms of the progress-report pages. They validate what a person typed; ``progress.actions`` decides.

A report form offers the plan's recent reporting periods (the one being reported on now and the
three before it), the narrative, percent, milestones and claimed status, any number of evidence
files, and an indicator formset whose blank rows are ignored.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenggai.core.schedule import Period, period_for, previous_period
from zhenggai.progress.actions import IndicatorInput, ReportInput
from zhenggai.progress.choices import ClaimedStatus
from zhenggai.progress.models import PlanSchedule, ProgressReport

PERIODS_OFFERED = 4  # the period being reported on and the three before it


def offered_periods(plan, as_of: date | None = None) -> list[Period]:
    """The periods a report may be submitted for, newest first, in the plan's cadence and window."""
    schedule = PlanSchedule.for_plan(plan)
    days = {"window_start_day": schedule.window_start_day, "window_end_day": schedule.window_end_day}
    period = period_for(schedule.cadence, as_of or timezone.localdate(), **days)
    periods = [period]
    while len(periods) < PERIODS_OFFERED:
        period = previous_period(period, schedule.cadence, **days)
        periods.append(period)
    return periods


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once and cleans to a list (possibly empty)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        single_clean = super().clean
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single_clean(item, initial) for item in data]
        return [single_clean(data, initial)] if data else []


class ReportFieldsForm(forms.Form):
    """What a report says; the submit form adds the period, the correction form the reason."""

    narrative = forms.CharField(label=_("progress"), widget=forms.Textarea(attrs={"rows": 5}))
    percent = forms.DecimalField(
        label=_("percent complete"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
    )
    milestones = forms.CharField(
        label=_("milestones reached"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    claimed_status = forms.ChoiceField(
        label=_("status claimed"), choices=ClaimedStatus.choices, initial=ClaimedStatus.IN_PROGRESS
    )
    files = MultipleFileField(
        label=_("evidence files"),
        required=False,
        help_text=_("PDF, images, Office documents or MP4; several files may be chosen at once."),
    )

    def report_input(self, period_start: date, period_end: date, indicators: list[IndicatorInput]) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            period_start=period_start,
            period_end=period_end,
            narrative=data["narrative"],
            percent=data.get("percent"),
            milestones=data.get("milestones") or "",
            claimed_status=data["claimed_status"],
            indicators=indicators,
            files=list(data.get("files") or []),
        )


class ReportForm(ReportFieldsForm):
    """A new report: the fields plus the reporting period, chosen from :func:`offered_periods`."""

    period = forms.ChoiceField(label=_("reporting period"))
    field_order = ["period", "narrative", "percent", "milestones", "claimed_status", "files"]

    def __init__(self, *args: Any, periods: list[Period], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.periods = {period.start.isoformat(): period for period in periods}
        self.fields["period"].choices = [(key, period.label) for key, period in self.periods.items()]
        if periods and not self.is_bound:
            self.fields["period"].initial = periods[0].start.isoformat()

    def chosen_period(self) -> Period:
        return self.periods[self.cleaned_data["period"]]


class CorrectionForm(ReportFieldsForm):
    """A correction keeps the report's period; it needs a reason."""

    reason = forms.CharField(label=_("reason for the correction"), widget=forms.Textarea(attrs={"rows": 2}))

    @classmethod
    def initial_for(cls, report: ProgressReport) -> dict[str, Any]:
        return {
            "narrative": report.narrative,
            "percent": report.percent,
            "milestones": report.milestones,
            "claimed_status": report.claimed_status,
        }


class IndicatorForm(forms.Form):
    """One 量化指标 row. A row left blank is ignored; a row begun needs a name, a unit and a number."""

    name = forms.CharField(label=_("indicator"), max_length=200, required=False)
    unit = forms.CharField(label=_("unit of measure"), max_length=30, required=False)
    target = forms.DecimalField(label=_("target"), required=False, min_value=0, max_digits=16, decimal_places=2)
    achieved = forms.DecimalField(label=_("achieved"), required=False, min_value=0, max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.is_blank():
            return data
        if not (data.get("name") or "").strip():
            self.add_error("name", _("Give the indicator a name."))
        if not (data.get("unit") or "").strip():
            self.add_error("unit", _("Give the unit of measure (个, 座, 公里 …)."))
        if data.get("achieved") is None and "achieved" not in self.errors:
            self.add_error("achieved", _("Give the number achieved."))
        return data

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(value not in (None, "") and str(value).strip() for value in data.values())

    def indicator_input(self) -> IndicatorInput | None:
        if self.is_blank():
            return None
        data = self.cleaned_data
        return IndicatorInput(
            name=data["name"].strip(),
            unit=data["unit"].strip(),
            target=data.get("target"),
            achieved=data.get("achieved"),
            note=(data.get("note") or "").strip(),
        )


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=2)
INDICATOR_PREFIX = "indicators"


def indicator_formset(data=None, *, report: ProgressReport | None = None) -> forms.BaseFormSet:
    """The indicator rows: prefilled from ``report`` (a correction), plus two blank rows."""
    initial = None
    if report is not None:
        initial = [
            {"name": i.name, "unit": i.unit, "target": i.target, "achieved": i.achieved, "note": i.note}
            for i in report.indicators.all()
        ]
    return IndicatorFormSet(data, initial=initial, prefix=INDICATOR_PREFIX)


def indicator_inputs(formset: forms.BaseFormSet) -> list[IndicatorInput]:
    """The rows filled in, in order; call after ``formset.is_valid()``."""
    return [item for form in formset.forms if (item := form.indicator_input()) is not None]
