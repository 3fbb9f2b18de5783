"""The upload form of the review flow: a file and where it goes (a new plan's jurisdiction or an existing plan)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.accounts.scope import ALL, scope_for
from zhenggai.ledger.filtersets import units_in_scope
from zhenggai.ledger.models import Plan
from zhenggai.organizations.choices import UnitLevel

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
JURISDICTION_LEVELS = (UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY, UnitLevel.TOWNSHIP)


def plans_importable_by(user):
    """Plans the user sees and may change: every plan for administrators, its jurisdiction's plans for an office."""
    plans = Plan.objects.visible_to(user)
    if scope_for(user).kind == ALL:
        return plans
    return plans.filter(jurisdiction__in=units_in_scope(user).values("pk"))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Document"), help_text=_("Text, HTML, .docx or .xlsx."))
    jurisdiction = forms.ModelChoiceField(
        label=_("Jurisdiction of a new plan"), queryset=None, required=False, help_text=_("For a new plan.")
    )
    plan = forms.ModelChoiceField(
        label=_("Or an existing plan"), queryset=None, required=False, help_text=_("Add the problems to this plan.")
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = (
            units_in_scope(user).filter(level__in=JURISDICTION_LEVELS, is_active=True).order_by("path")
        )
        self.fields["plan"].queryset = plans_importable_by(user).select_related("jurisdiction").order_by("-pk")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("plan") and not cleaned.get("jurisdiction") and "jurisdiction" not in self.errors:
            self.add_error("jurisdiction", _("Choose the jurisdiction of a new plan or an existing plan."))
        return cleaned
