"""The plan schedule form (调度设置): cadence, window, start, tolerance and the warning thresholds."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.core.schedule import Thresholds
from zhenggai.progress.models import PlanSchedule

# Each threshold as a form field: (name, label, decimal?)
THRESHOLD_FIELDS = (
    ("due_soon_days", _("Blue tag: days before the deadline"), False),
    ("yellow_overdue_days", _("Yellow card: days overdue"), False),
    ("red_overdue_days", _("Red light: days overdue"), False),
    ("behind_yellow_points", _("Yellow card: points behind schedule"), True),
    ("behind_red_points", _("Red light: points behind schedule"), True),
    ("no_report_yellow_periods", _("Yellow card: periods without a report"), False),
    ("no_report_red_periods", _("Red light: periods without a report"), False),
)


class PlanScheduleForm(forms.ModelForm):
    """The schedule's own fields plus one field per warning threshold (stored as JSON on the schedule)."""

    class Meta:
        model = PlanSchedule
        fields = ("cadence", "window_start_day", "window_end_day", "starts_on", "tolerance")
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.threshold_values().to_dict()
        for name, label, decimal in THRESHOLD_FIELDS:
            field_class = forms.DecimalField if decimal else forms.IntegerField
            self.fields[name] = field_class(label=label, min_value=0, initial=current[name])

    def clean(self):
        cleaned = super().clean()
        values = {
            name: float(cleaned[name]) if decimal else cleaned[name]
            for name, _label, decimal in THRESHOLD_FIELDS
            if cleaned.get(name) is not None
        }
        if len(values) == len(THRESHOLD_FIELDS):
            try:
                thresholds = Thresholds.from_dict(values)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc
            cleaned["thresholds"] = thresholds.to_dict()
        return cleaned

    def action_values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["thresholds"] = self.cleaned_data["thresholds"]
        return values
