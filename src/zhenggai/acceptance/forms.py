"""Forms of the acceptance pages. They check what a person typed; ``acceptance.actions`` decides.

Files are checked here as well as in the action (``progress.evidence.check_evidence``: size and
type read from the content), so a refused file is reported on the file field of the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhenggai.acceptance.choices import CHECKLIST, Decision
from zhenggai.progress.evidence import check_evidence
from zhenggai.progress.forms import MultipleFileField

_FILES_HELP = _("PDF, images, Office documents or MP4; several files may be chosen at once.")


def _checked_files(files: list) -> list:
    errors = []
    for upload in files:
        try:
            check_evidence(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return files


class RequestForm(forms.Form):
    """验收申请: the self-check report, the head who signs it, the standards met, the materials."""

    report = forms.CharField(
        label=_("self-check report (自查情况)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was done for each measure, and how the result was checked."),
    )
    signed_by_head = forms.CharField(label=_("signed by the unit's head (主要负责人)"), max_length=60)
    checklist = forms.MultipleChoiceField(
        label=_("acceptance standards met"),
        choices=CHECKLIST,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    files = MultipleFileField(label=_("acceptance materials"), required=False, help_text=_FILES_HELP)

    def clean_files(self) -> list:
        return _checked_files(self.cleaned_data.get("files") or [])

    def checklist_input(self) -> dict[str, bool]:
        """Every standard with whether the unit ticked it, as the action takes it."""
        ticked = set(self.cleaned_data.get("checklist") or [])
        return {key: key in ticked for key, _label in CHECKLIST}


class DecisionForm(forms.Form):
    """Pass or return the step waiting; a return says what is missing."""

    decision = forms.ChoiceField(
        label=_("decision"),
        choices=Decision.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    opinion = forms.CharField(label=_("opinion"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == Decision.RETURN and not (data.get("opinion") or "").strip():
            self.add_error("opinion", _("A return needs an opinion saying what is missing."))
        return data


class ObjectionHandlingForm(forms.Form):
    """The office's ruling on an objection filed during 公示."""

    UPHOLD, DISMISS = "uphold", "dismiss"
    outcome = forms.ChoiceField(
        label=_("ruling"),
        choices=[
            (DISMISS, _("Dismiss: the objection does not hold")),
            (UPHOLD, _("Uphold: the request goes back to the unit")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(label=_("how the objection was checked"), widget=forms.Textarea(attrs={"rows": 4}))

    def upheld(self) -> bool:
        return self.cleaned_data["outcome"] == self.UPHOLD


class ResubmitForm(forms.Form):
    """After a return: the report as revised (blank keeps it) and further materials."""

    report = forms.CharField(
        label=_("self-check report (自查情况)"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    files = MultipleFileField(label=_("further materials"), required=False, help_text=_FILES_HELP)

    def clean_files(self) -> list:
        return _checked_files(self.cleaned_data.get("files") or [])


class ReopenForm(forms.Form):
    """Open a signed-off problem again (问题反弹); the reason is kept with the reopening."""

    reason = forms.CharField(label=_("reason for reopening"), widget=forms.Textarea(attrs={"rows": 4}))


class ObjectionForm(forms.Form):
    """异议: what anyone may file, without an account, while a notice is open."""

    name = forms.CharField(label=_("your name"), max_length=60)
    contact = forms.CharField(label=_("telephone or e-mail"), max_length=100)
    text = forms.CharField(label=_("objection"), widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(
        label=_("attachment (optional)"), required=False, help_text=_("One PDF, image or Office document.")
    )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            _checked_files([upload])
        return upload
