"""Forms of the cases pages: a new batch, the handling of a case, a sign-off decision, a batch file."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.cases.choices import HANDLING_STATUSES, CaseStatus, Findings
from zhenggai.cases.models import PENALTY_FIELDS, Case
from zhenggai.ledger.models import Inspection
from zhenggai.organizations.models import Unit

# Kept in the session between the dry run and the confirmation; a 3 000-row batch is about 200 kB.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class BatchForm(forms.Form):
    inspection = forms.ModelChoiceField(label=_("Inspection"), queryset=Inspection.objects.none())
    number = forms.IntegerField(label=_("Batch number"), min_value=1)
    jurisdiction = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=Unit.objects.none())
    received_on = forms.DateField(
        label=_("Received on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    handed_over_on = forms.DateField(label=_("Handed over on"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline_days = forms.IntegerField(
        label=_("Days to report back"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Empty: the inspection's rule (10 days unless set)."),
    )

    def __init__(self, *args, inspections, jurisdictions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = inspections
        self.fields["jurisdiction"].queryset = jurisdictions


class HandlingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    findings = forms.ChoiceField(label=_("Findings"), choices=[("", "—"), *Findings.choices], required=False)
    status = forms.ChoiceField(
        label=_("Handling status"), choices=[(s.value, s.label) for s in CaseStatus if s in HANDLING_STATUSES]
    )
    investigation = forms.CharField(label=_("Investigation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    handling = forms.CharField(
        label=_("Handling and rectification"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    accountability = forms.CharField(
        label=_("Accountability"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in PENALTY_FIELDS:
            model_field = Case._meta.get_field(name)
            if name == "fine_amount":
                self.fields[name] = forms.DecimalField(
                    label=model_field.verbose_name, min_value=0, max_digits=14, decimal_places=4
                )
            else:
                self.fields[name] = forms.IntegerField(label=model_field.verbose_name, min_value=0)

    @classmethod
    def for_case(cls, case: Case) -> HandlingForm:
        initial = {name: getattr(case, name) for name in ("version", "findings", "investigation", "handling")}
        initial |= {"accountability": case.accountability, **{n: getattr(case, n) for n in PENALTY_FIELDS}}
        initial["status"] = case.status if case.status in HANDLING_STATUSES else CaseStatus.CLOSED
        return cls(initial=initial)

    def changes(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class BatchUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Batch workbook"),
        help_text=_(
            "An .xlsx sheet with the columns 受理编号, 行政区域, 信访内容 and 责任单位 "
            "(optional: 污染类型, 来源, 重点, 被举报对象); at most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."), code="too_large")
        return upload


class VersionForm(forms.Form):
    """The case version a page was loaded with (optimistic locking), for pages whose other fields are a formset."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CaseSearchForm(forms.Form):
    """The repeat page's search: part of a case number of the same inspection (GET)."""

    q = forms.CharField(label=_("Case number"), max_length=64, required=False)


class RepeatLinkForm(forms.Form):
    """Link the case to the case it repeats, or unlink it (``unlink``); ``cases`` are the ones it may repeat."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    repeat_of = forms.ModelChoiceField(queryset=Case.objects.none(), required=False, widget=forms.HiddenInput)
    unlink = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, cases, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["repeat_of"].queryset = cases
        self.fields["repeat_of"].error_messages["invalid_choice"] = _(
            "Choose a case of the same inspection that you see."
        )

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("unlink") and data.get("repeat_of") is None and "repeat_of" not in self.errors:
            raise forms.ValidationError(_("Choose the case this one repeats."), code="required")
        return data


class CaseUnitRowForm(forms.Form):
    """One responsible unit and its share; ``unit_choices`` (id, label) are computed once for all rows, so
    the rows' selects cost one query together instead of one each."""

    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)
    share = forms.DecimalField(
        label=_("Share"), required=False, min_value=Decimal("0.0001"), max_value=1, max_digits=5, decimal_places=4
    )

    def __init__(self, *args, unit_choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *unit_choices]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("unit") is None and data.get("share") is not None:
            self.add_error("unit", _("Choose the unit of this share."))
        return data


class BaseCaseUnitFormSet(forms.BaseFormSet):
    """The rows of the units page; empty rows are skipped, at least one unit, none twice."""

    def clean(self) -> None:
        if any(self.errors):
            return
        chosen = [form.cleaned_data["unit"] for form in self.forms if form.cleaned_data.get("unit") is not None]
        if not chosen:
            raise forms.ValidationError(_("Name at least one responsible unit."), code="empty")
        if len(set(chosen)) != len(chosen):
            raise forms.ValidationError(_("A unit is named more than once."), code="duplicate")

    def refuse(self, messages: list[str]) -> None:
        """Show the action's refusal (``ValidationError.messages``) above the rows."""
        self._non_form_errors = self.error_class(messages, error_class="nonform", renderer=self.renderer)

    def pairs(self, units_by_id: dict) -> list[tuple]:
        """``(unit, share or None)`` of the filled rows, in order; call after ``is_valid()``."""
        return [
            (units_by_id[form.cleaned_data["unit"]], form.cleaned_data.get("share"))
            for form in self.forms
            if form.cleaned_data.get("unit") is not None
        ]


# Two empty rows to add units; 30 rows at most (a case is rarely shared by more than a handful).
CaseUnitFormSet = forms.formset_factory(
    CaseUnitRowForm, formset=BaseCaseUnitFormSet, extra=2, max_num=30, absolute_max=30, validate_max=True
)
