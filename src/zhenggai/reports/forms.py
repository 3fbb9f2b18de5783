"""The form that generates a new version of a plan's progress report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.reports.models import GeneratedReport

TITLE_MAX_LENGTH = GeneratedReport._meta.get_field("title").max_length


class GenerateReportForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"),
        help_text=_("The report describes the plan as it stood at the end of this day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
