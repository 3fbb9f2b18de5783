"""The upload form of the review flow: a file and where it goes (a new plan's jurisdiction or an existing plan)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.ledger.filtersets import units_in_scope
from zhenggai.ledger.models import Plan
from zhenggai.organizations.choices import UnitLevel

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
JURISDICTION_LEVELS = (UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY, UnitLevel.TOWNSHIP)


def plans_importable_by(user):
    """Plans the user may change: every plan for administrators, its jurisdiction's plans for an office."""
    return Plan.objects.editable_by(user)


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


# --- Corrections before import (see imports.review) -------------------------------------------------


def _names(value: str) -> list[str]:
    """One name per line: the reviewer decides where a list splits, so no separator is guessed here."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class NameListField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("One per line."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return _names(super().to_python(value))


def _text(**kwargs) -> forms.CharField:
    return forms.CharField(required=False, **kwargs)


class ProblemEditForm(forms.Form):
    """One parsed problem (or aspect) as the reviewer corrects it."""

    number_text = _text(label=_("Number"), max_length=50)
    title = forms.CharField(label=_("Title"), max_length=500)
    description = _text(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    cause = _text(label=_("Cause"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = _text(label=_("Deadline as written"), max_length=500)
    responsible_units = NameListField(label=_("Responsible units"))
    cooperating_units = NameListField(label=_("Cooperating units"))
    supervising_units = NameListField(label=_("Supervising units"))
    responsible_leaders = NameListField(label=_("Responsible leaders"))
    responsible_persons = NameListField(label=_("Responsible persons"))
    remove = forms.BooleanField(label=_("Leave this item out of the import"), required=False)

    @classmethod
    def initial_from(cls, item: dict) -> dict:
        initial = {name: item.get(name) for name in cls.base_fields if name not in ("deadline", "remove")}
        initial["deadline"] = (item.get("deadline") or {}).get("raw") or ""
        return initial


class MeasureEditForm(forms.Form):
    """One measure of a parsed problem; ``source`` is its position before the edit (keeps its progress text)."""

    source = forms.IntegerField(required=False, widget=forms.HiddenInput)
    number_text = _text(label=_("Number"), max_length=50)
    text = _text(label=_("Measure"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = _text(label=_("Deadline as written"), max_length=500)
    responsible_units = NameListField(label=_("Responsible units"))

    @classmethod
    def initial_from(cls, index: int, measure: dict) -> dict:
        return {
            "source": index,
            "number_text": measure.get("number_text") or "",
            "text": measure.get("text") or "",
            "deadline": (measure.get("deadline") or {}).get("raw") or "",
            "responsible_units": measure.get("responsible_units") or [],
        }


MeasureFormSet = forms.formset_factory(MeasureEditForm, extra=1, can_delete=True)


class GeneralMeasureEditForm(forms.Form):
    """One numbered measure of a narrative plan as the reviewer corrects it."""

    number_text = _text(label=_("Number"), max_length=50)
    title = forms.CharField(label=_("Title"), max_length=500)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
    deadlines = NameListField(label=_("Deadlines as written"))
    responsible_units = NameListField(label=_("Responsible units"))
    cooperating_units = NameListField(label=_("Cooperating units"))
    remove = forms.BooleanField(label=_("Leave this item out of the import"), required=False)

    @classmethod
    def initial_from(cls, item: dict) -> dict:
        initial = {name: item.get(name) for name in cls.base_fields if name not in ("deadlines", "remove")}
        initial["deadlines"] = [d.get("raw") or "" for d in item.get("deadlines") or [] if d]
        return initial
