"""The forms of a plan's report page: generate a new version (built-in layout or a template), upload a template."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.ledger.models import Plan
from zhenggai.reports.models import GeneratedReport, ReportTemplate

TITLE_MAX_LENGTH = GeneratedReport._meta.get_field("title").max_length
BUILT_IN = ""
FOR_PLAN, FOR_JURISDICTION = "plan", "jurisdiction"


class GenerateReportForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"),
        help_text=_("The report describes the plan as it stood at the end of this day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    template = forms.ChoiceField(label=_("Layout"), required=False)

    def __init__(self, *args, templates: list[ReportTemplate] = (), **kwargs) -> None:
        """``templates``: the plan's active templates, already read by the page (no query here)."""
        super().__init__(*args, **kwargs)
        self.templates = {str(template.pk): template for template in templates}
        self.fields["template"].choices = [(BUILT_IN, _("Built-in layout")), *self._choices(templates)]

    @staticmethod
    def _choices(templates) -> list[tuple[str, str]]:
        return [(str(template.pk), template.name) for template in templates]

    def clean_template(self) -> ReportTemplate | None:
        return self.templates.get(self.cleaned_data["template"])


class UploadTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=ReportTemplate._meta.get_field("name").max_length)
    applies_to = forms.ChoiceField(label=_("Applies to"), widget=forms.RadioSelect, initial=FOR_PLAN)
    file = forms.FileField(
        label=_("Word template (.docx)"),
        help_text=_("Placeholders such as {{ summary }}; the names you may use are listed below."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
        ),
    )

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applies_to"].choices = [
            (FOR_PLAN, _("This plan only")),
            (FOR_JURISDICTION, _("Every plan of %(jurisdiction)s") % {"jurisdiction": plan.jurisdiction.name}),
        ]
