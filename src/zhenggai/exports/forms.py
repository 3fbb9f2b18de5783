"""The upload form of a returned ledger workbook."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# The upload is kept in the session between the dry run and the confirmation; larger files are refused.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Ledger workbook"),
        help_text=_("The .xlsx file exported from this plan, edited in Excel (at most 2 MB)."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB; upload a smaller ledger."), code="too_large")
        return upload
