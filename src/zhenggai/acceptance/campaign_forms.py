"""Forms of the look-back pages (回头看). They check what a person typed; ``acceptance.campaigns`` decides.

The choices offered are what the user may use: jurisdictions (province, city, county) in the user's
scope, the plans the user both sees and may change, their categories, and the units in scope.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.acceptance.choices import FindingResult
from zhenggai.ledger.filtersets import set_unit_choices, units_in_scope
from zhenggai.ledger.models import Category, Plan
from zhenggai.organizations.choices import UnitLevel
from zhenggai.organizations.models import Unit

__all__ = ["CAMPAIGN_LEVELS", "CampaignForm", "FindingForm", "campaign_plans", "finding_prefix"]

# A campaign looks back over a jurisdiction at one of these levels.
CAMPAIGN_LEVELS = (UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY)
SEED_MAX = 2**31 - 1  # the range the action draws a seed from when none is given


def campaign_plans(user):
    """Plans a campaign may be narrowed to: those the user sees and may change."""
    return Plan.objects.editable_by(user).visible_to(user)


class _CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.plan.title} · {obj.number_text}{obj.title}"


class CampaignForm(forms.Form):
    """A new 回头看: its name, the jurisdiction it covers, and how its items are chosen."""

    name = forms.CharField(label=_("name"), max_length=200)
    jurisdiction = forms.ModelChoiceField(label=_("jurisdiction"), queryset=Unit.objects.none())
    plan = forms.ModelChoiceField(label=_("plan"), queryset=Plan.objects.none(), required=False)
    unit = forms.ModelChoiceField(
        label=_("unit (and the units under it)"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("The problems this unit, or a unit under it, leads."),
    )
    category = _CategoryField(label=_("category"), queryset=Category.objects.none(), required=False)
    sample = forms.IntegerField(
        label=_("sample size"),
        min_value=1,
        required=False,
        help_text=_("Leave empty to check every problem selected."),
    )
    seed = forms.IntegerField(
        label=_("seed"),
        min_value=0,
        max_value=SEED_MAX,
        required=False,
        help_text=_("The same seed draws the same sample again; empty: one is drawn and kept."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = (
            units_in_scope(user).filter(level__in=CAMPAIGN_LEVELS, is_active=True).order_by("path")
        )
        plans = campaign_plans(user)
        self.fields["plan"].queryset = plans.select_related("jurisdiction").order_by("-pk")
        self.fields["category"].queryset = (
            Category.objects.filter(plan__in=plans.values("pk")).select_related("plan").order_by("plan", "position")
        )
        self.fields["unit"].queryset = units_in_scope(user)
        selected = self.data.get(self.add_prefix("unit")) if self.is_bound else None
        selected = int(selected) if selected and str(selected).isdigit() else None
        # Evaluated only when the select renders; it lists a shallow part of the tree (as the ledger filter).
        set_unit_choices(self.fields["unit"], user, selected)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("seed") is not None and data.get("sample") is None and "sample" not in self.errors:
            self.add_error("seed", _("A seed draws a sample: give the sample size too."))
        return data


def finding_prefix(finding_pk: int) -> str:
    """The prefix of a finding's inline form, so that several forms share one page."""
    return f"finding-{finding_pk}"


class FindingForm(forms.Form):
    """What the check of one item found: it holds, or it failed (with what was found)."""

    result = forms.ChoiceField(
        label=_("result"),
        choices=[
            (FindingResult.PASSED, FindingResult.PASSED.label),
            (FindingResult.FAILED, FindingResult.FAILED.label),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    finding = forms.CharField(
        label=_("finding"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the check failed: the problem is reopened with it."),
    )

    def __init__(self, *args, finding_pk: int, **kwargs) -> None:
        kwargs.setdefault("prefix", finding_prefix(finding_pk))
        super().__init__(*args, **kwargs)
        self.finding_pk = finding_pk

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("result") == FindingResult.FAILED and not (data.get("finding") or "").strip():
            self.add_error("finding", _("Say what was found: a failed finding reopens the problem."))
        return data
