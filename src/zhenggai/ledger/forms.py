"""Forms of the ledger pages. They validate; the actions change the data."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Category, Problem


class ProblemForm(forms.Form):
    """Edit a problem's own fields. ``version`` carries the version the editor loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    number_text = forms.CharField(label=_("Number as written"), max_length=40, required=False)
    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    cause = forms.CharField(label=_("Cause analysis"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    deadline = forms.CharField(
        label=_("Deadline as written"),
        max_length=500,
        required=False,
        help_text=_("e.g. 2020年年底前, 立行立改，长期坚持, 2018年6月30日前完成，长期坚持"),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)

    def __init__(self, *args, problem: Problem, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.problem = problem
        self.fields["category"].queryset = Category.objects.filter(plan_id=problem.plan_id)
        # Sign-off comes from the acceptance procedure; an edit cannot choose it.
        self.fields["status"].choices = [c for c in ItemStatus.choices if c[0] != ItemStatus.SIGNED_OFF]

    @classmethod
    def initial_for(cls, problem: Problem) -> dict:
        return {
            "version": problem.version,
            "number_text": problem.number_text,
            "title": problem.title,
            "description": problem.description,
            "cause": problem.cause,
            "deadline": problem.due_raw,
            "status": problem.status,
            "category": problem.category_id,
        }

    def changes(self) -> dict:
        """Only the fields whose value differs from what is stored."""
        current = self.initial_for(self.problem)
        data = dict(self.cleaned_data)
        data.pop("version")
        changed = {}
        for field, value in data.items():
            stored = current[field]
            comparable = value.pk if field == "category" and value is not None else value
            if comparable != stored and not (comparable in ("", None) and stored in ("", None)):
                changed[field] = value
        return changed
