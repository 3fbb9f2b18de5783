"""The statistics and charts pages' choices: which plan (or every plan the user sees), optionally one unit
(and the units under it: a department, a county, a whole jurisdiction), and the as-of date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenggai.ledger.filtersets import set_unit_choices, units_in_scope
from zhenggai.ledger.models import Plan, Problem
from zhenggai.ledger.querysets import problems_held_under
from zhenggai.organizations.models import Unit


class StatisticsForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("Unit (and units under it)"), queryset=Unit.objects.none(), required=False)
    as_of = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    show = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.visible_to(user).order_by("-issue_date", "pk")
        self.fields["unit"].queryset = units_in_scope(user)
        selected = self.data.get("unit") if self.data else None
        # A shallow list, read only when the form is rendered (a national registry has ~50 000 units).
        set_unit_choices(self.fields["unit"], user, selected)

    def select(self, problems: QuerySet[Problem]) -> tuple[QuerySet[Problem], Plan | None, Any]:
        """``problems`` narrowed to the chosen plan and unit (a unit: the problems in which it, a unit under
        it, or a collective it belongs to holds a role), with the plan and the unit."""
        valid = self.is_valid()
        plan = self.cleaned_data.get("plan") if valid else None
        unit = self.cleaned_data.get("unit") if valid else None
        if plan is not None:
            problems = problems.filter(plan=plan)
        if unit is not None:
            problems = problems.filter(pk__in=problems_held_under(unit.path))
        return problems, plan, unit

    def link_params(self) -> dict:
        """The plan and unit chosen, as query parameters for links that keep the selection."""
        valid = self.is_valid()
        return {
            name: self.cleaned_data[name].pk
            for name in ("plan", "unit")
            if valid and self.cleaned_data.get(name) is not None
        }

    def as_of_date(self):
        return (self.cleaned_data.get("as_of") if self.is_valid() else None) or timezone.localdate()
