"""Forms of the scheduling pages: the dashboard's date, the warning filters, escalations, extensions, muting."""

from __future__ import annotations

import functools

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.ledger.filtersets import set_unit_choices, units_in_scope
from zhenggai.ledger.models import Assignment, Measure, Plan, Problem
from zhenggai.ledger.querysets import problems_held_under
from zhenggai.organizations.models import Unit
from zhenggai.progress.choices import EscalationKind, Grade, Pace, WarningKind
from zhenggai.progress.models import WarningItem

_ANY = [("", "---------")]


class DashboardForm(forms.Form):
    """``?as_of=YYYY-MM-DD`` (default today), one optional drill-down (pace, grade or kind), and
    ``?units=all`` for every row of the unit tables."""

    as_of = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    pace = forms.ChoiceField(label=_("Status"), choices=_ANY + Pace.choices, required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=_ANY + Grade.choices, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=_ANY + WarningKind.choices, required=False)
    # the unit tables show their first rows; ``?units=all`` every unit (a country has thousands)
    units = forms.ChoiceField(choices=[("", ""), ("all", "all")], required=False, widget=forms.HiddenInput)


class WarningFilterSet(django_filters.FilterSet):
    """Filters of the warning list; plan and unit accept only what the user may see."""

    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=Grade.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=WarningKind.choices)
    plan = django_filters.ModelChoiceFilter(label=_("Plan"), queryset=Plan.objects.none())
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit (and units under it)"), queryset=Unit.objects.none(), method="filter_unit"
    )

    class Meta:
        model = WarningItem
        fields = ["grade", "kind", "plan", "unit"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["plan"].queryset = Plan.objects.visible_to(user).only("pk", "title")
        self.filters["unit"].queryset = units_in_scope(user)

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_choices_set", False):
            user = getattr(self.request, "user", None)
            selected = self.data.get("unit") if self.data else None
            selected = int(selected) if selected and str(selected).isdigit() else None
            # Evaluated only when the selects render; the unit select lists a shallow part of the tree.
            set_unit_choices(form.fields["unit"], user, selected)
            plans = self.filters["plan"].queryset
            form.fields["plan"].widget.choices = functools.cache(lambda: _ANY + list(plans.values_list("pk", "title")))
            form._choices_set = True
        return form

    def filter_unit(self, queryset, name, unit):
        if unit is None:
            return queryset
        return queryset.filter(problem_id__in=problems_held_under(unit.path))


class EscalationForm(forms.Form):
    """督办: the step, the unit it is addressed to (one holding a role on the problem), the document."""

    kind = forms.ChoiceField(label=_("Step"), choices=EscalationKind.choices)
    to_unit = forms.ModelChoiceField(label=_("Addressed to"), queryset=Unit.objects.none(), required=False)
    doc_reference = forms.CharField(label=_("Document reference"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    measure = forms.ModelChoiceField(queryset=Measure.objects.none(), required=False, widget=forms.HiddenInput)
    suggested = forms.ChoiceField(choices=_ANY + EscalationKind.choices, required=False, widget=forms.HiddenInput)
    grade = forms.ChoiceField(choices=_ANY + Grade.choices, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, problem: Problem, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        holders = Assignment.objects.filter(problem=problem, unit__isnull=False).values("unit_id")
        self.fields["to_unit"].queryset = Unit.objects.filter(pk__in=holders).order_by("path")
        self.fields["measure"].queryset = Measure.objects.filter(problem=problem)

    def suggested_by_grade(self) -> str:
        """The warning grade, when the office records the step that grade suggested."""
        data = self.cleaned_data
        return data["grade"] if data.get("grade") and data.get("suggested") == data["kind"] else ""


class ExtensionRequestForm(forms.Form):
    """延期申请: the new deadline as it would be written, and the reasons."""

    requested_raw = forms.CharField(
        label=_("Requested deadline"), max_length=200, help_text=_("As it would be written, e.g. 2027年6月30日前")
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}))


class ExtensionDecisionForm(forms.Form):
    DECISIONS = [("approve", _("Approve")), ("reject", _("Reject"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when rejecting."),
    )


class MuteForm(forms.Form):
    """Mute a unit's digests; the unit must be in the office's scope."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_in_scope(user)
        set_unit_choices(self.fields["unit"], user)
