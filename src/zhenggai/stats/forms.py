"""The statistics page's choices: which plan (or every plan the user sees) and the as-of date."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenggai.ledger.models import Plan


class StatisticsForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), required=False)
    as_of = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    show = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.visible_to(user).order_by("-issue_date", "pk")

    def as_of_date(self):
        return (self.cleaned_data.get("as_of") if self.is_valid() else None) or timezone.localdate()
