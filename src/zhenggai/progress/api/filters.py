"""Query-parameter filters of the progress API. A ``problem``, ``measure`` or ``plan`` filter accepts only
rows the caller may see, so an id outside the caller's scope is refused like an unknown one (400)."""

from __future__ import annotations

import django_filters

from zhenggai.ledger.models import Measure, Plan, Problem
from zhenggai.progress.choices import ExtensionStatus, Grade, RunStatus, WarningKind
from zhenggai.progress.models import DeadlineExtension, ProgressReport, WarningItem, WarningRun


class _VisibleChoices(django_filters.FilterSet):
    """Restricts the ``problem``/``measure``/``plan`` choices to the caller's visible rows."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        for name, model in (("problem", Problem), ("measure", Measure), ("plan", Plan)):
            if name in self.filters:
                self.filters[name].queryset = model.objects.visible_to(user)


class ProgressReportFilterSet(_VisibleChoices):
    problem = django_filters.ModelChoiceFilter(queryset=Problem.objects.none())
    measure = django_filters.ModelChoiceFilter(queryset=Measure.objects.none())
    period_start = django_filters.DateFilter()
    is_current = django_filters.BooleanFilter()

    class Meta:
        model = ProgressReport
        fields = ["problem", "measure", "period_start", "is_current"]


class WarningItemFilterSet(_VisibleChoices):
    grade = django_filters.ChoiceFilter(choices=Grade.choices)
    kind = django_filters.ChoiceFilter(choices=WarningKind.choices)
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.none())
    problem = django_filters.ModelChoiceFilter(queryset=Problem.objects.none())

    class Meta:
        model = WarningItem
        fields = ["grade", "kind", "plan", "problem"]


class WarningRunFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)
    trigger = django_filters.CharFilter()

    class Meta:
        model = WarningRun
        fields = ["status", "trigger"]


class DeadlineExtensionFilterSet(_VisibleChoices):
    problem = django_filters.ModelChoiceFilter(queryset=Problem.objects.none())
    measure = django_filters.ModelChoiceFilter(queryset=Measure.objects.none())
    status = django_filters.ChoiceFilter(choices=ExtensionStatus.choices)

    class Meta:
        model = DeadlineExtension
        fields = ["problem", "measure", "status"]
