"""Forms of the accountability pages. They validate input; the actions change the data."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.accountability.choices import InvestigationStatus, Rank, Sanction
from zhenggai.accountability.models import AccountablePerson, TransferredProblem, office_root
from zhenggai.ledger.models import Inspection, Problem
from zhenggai.organizations.models import Unit, path_prefix

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TransferredProblemForm(forms.Form):
    """A transferred problem's fields; the handling unit is chosen in the office's own subtree."""

    number = forms.CharField(label=_("Number"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    transferred_on = forms.DateField(label=_("Transferred on"), widget=DATE, required=False)
    handling_unit = forms.ModelChoiceField(label=_("Investigating unit"), queryset=Unit.objects.none(), required=False)
    handling_unit_text = forms.CharField(
        label=_("Investigating unit as written"),
        max_length=200,
        required=False,
        help_text=_("When the unit is not in the registry, e.g. 自治区纪委监委"),
    )
    status = forms.ChoiceField(label=_("Investigation status"), choices=InvestigationStatus.choices)
    findings = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}), required=False, help_text=_("Never published")
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("The handling outcome as it may be published"),
    )
    problems = forms.ModelMultipleChoiceField(
        label=_("Ledger problems"), queryset=Problem.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=100, required=False)

    def __init__(self, *args, user, inspection: Inspection, instance: TransferredProblem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        root = office_root(user) or ""
        units = Unit.objects.filter(path_prefix("path", root)) if root else Unit.objects.all()
        self.fields["handling_unit"].queryset = units.order_by("path")
        self.fields["problems"].queryset = (
            Problem.objects.visible_to(user).filter(plan__inspection=inspection).order_by("plan_id", "pk")
        )
        if instance is None:
            del self.fields["reason"]

    @staticmethod
    def initial_for(transferred: TransferredProblem) -> dict:
        fields = ("number", "title", "description", "transferred_on", "handling_unit_text", "status")
        return {name: getattr(transferred, name) for name in (*fields, "findings", "outcome")} | {
            "handling_unit": transferred.handling_unit_id,
            "problems": list(transferred.problems.values_list("pk", flat=True)),
        }


class PersonForm(forms.Form):
    """A person held accountable, with an optional decision document (type checked by the action)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    post = forms.CharField(label=_("Unit and post as written"), max_length=300)
    rank = forms.ChoiceField(label=_("Rank"), choices=Rank.choices)
    sanction = forms.ChoiceField(label=_("Sanction"), choices=Sanction.choices)
    sanction_detail = forms.CharField(
        label=_("Sanction in detail"), max_length=200, required=False, help_text=_("e.g. 党内警告, 政务记过")
    )
    decided_on = forms.DateField(label=_("Decision date"), widget=DATE, required=False)
    document = forms.FileField(label=_("Decision document"), required=False)
    publish_name = forms.BooleanField(
        label=_("Publish the name"),
        required=False,
        help_text=_("Without it the public portal shows the post, never the name"),
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=100, required=False)

    def __init__(self, *args, instance: AccountablePerson | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["reason"]

    @staticmethod
    def initial_for(person: AccountablePerson) -> dict:
        names = ("name", "post", "rank", "sanction", "sanction_detail", "decided_on", "publish_name")
        return {name: getattr(person, name) for name in names}
