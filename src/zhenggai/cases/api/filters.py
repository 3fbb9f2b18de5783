"""Query-parameter filters of the cases API (django-filter).

A ``batch`` or ``inspection`` filter accepts only rows the caller may see, so an id outside the caller's
scope is refused like an unknown one (400). Units are shared reference data (any signed-in user reads the
registry), so ``region`` and ``unit`` accept any unit. The filters mirror the case list page's
(``cases.views.filter_cases``): several ``status`` or ``findings`` values at once, ``findings=none`` for
cases not yet investigated.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenggai.cases.case_numbers import normalize_case_number
from zhenggai.cases.choices import CaseStatus, Channel, Findings, PollutionType
from zhenggai.cases.models import Case, CaseAssignment, CaseBatch
from zhenggai.cases.querysets import overdue_condition
from zhenggai.ledger.models import Inspection
from zhenggai.organizations.models import Unit

__all__ = ["CaseBatchFilterSet", "CaseFilterSet"]

NOT_INVESTIGATED = "none"


class CaseBatchFilterSet(django_filters.FilterSet):
    inspection = django_filters.ModelChoiceFilter(queryset=Inspection.objects.none())

    class Meta:
        model = CaseBatch
        fields = ["inspection"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["inspection"].queryset = Inspection.objects.visible_to(getattr(self.request, "user", None))


class CaseFilterSet(django_filters.FilterSet):
    batch = django_filters.ModelChoiceFilter(queryset=CaseBatch.objects.none())
    inspection = django_filters.ModelChoiceFilter(queryset=Inspection.objects.none())
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices)
    findings = django_filters.MultipleChoiceFilter(
        choices=[*Findings.choices, (NOT_INVESTIGATED, _("Not investigated yet"))], method="filter_findings"
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    region = django_filters.ModelChoiceFilter(queryset=Unit.objects.all())
    unit = django_filters.ModelChoiceFilter(
        field_name="assignments__unit",
        queryset=Unit.objects.all(),
        method="filter_unit",
        help_text=_("A responsible unit of the case."),
    )
    pollution_type = django_filters.ChoiceFilter(
        field_name="pollution_types", choices=PollutionType.choices, method="filter_pollution_type"
    )
    is_key = django_filters.BooleanFilter()
    number = django_filters.CharFilter(
        method="filter_number", help_text=_("Part of the case number (full-width or lower case is fine).")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text=_("Past the due date and still being handled.")
    )

    class Meta:
        model = Case
        fields = ["batch", "inspection", "status", "findings", "channel", "region", "is_key"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["batch"].queryset = CaseBatch.objects.visible_to(user)
        self.filters["inspection"].queryset = Inspection.objects.visible_to(user)

    def filter_findings(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(findings__in=["" if v == NOT_INVESTIGATED else v for v in value])

    def filter_unit(self, queryset: QuerySet, name: str, value: Unit | None) -> QuerySet:
        if value is None:
            return queryset
        # A semi-join, not a join: a case co-handled by two units must not come back twice.
        return queryset.filter(pk__in=CaseAssignment.objects.filter(unit=value).values("case_id"))

    def filter_pollution_type(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.with_pollution_type(value) if value else queryset

    def filter_number(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Numbers are stored normalised (half-width, upper case, no spaces); so is the search.
        text = normalize_case_number(value)
        return queryset.filter(number__contains=text) if text else queryset

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        # The one overdue rule of the statistics and the case list (``cases.querysets.overdue_condition``).
        late = overdue_condition(timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)
