"""Query-parameter filters of the accountability API. ``inspection`` and ``transferred_problem`` accept only
rows the caller may see, so an id outside the caller's scope is refused like an unknown one (400)."""

from __future__ import annotations

import django_filters

from zhenggai.accountability.choices import InvestigationStatus, Rank, Sanction
from zhenggai.accountability.models import AccountablePerson, TransferredProblem
from zhenggai.ledger.models import Inspection
from zhenggai.organizations.models import Unit

__all__ = ["AccountablePersonFilterSet", "TransferredProblemFilterSet"]


class TransferredProblemFilterSet(django_filters.FilterSet):
    inspection = django_filters.ModelChoiceFilter(queryset=Inspection.objects.none())
    status = django_filters.MultipleChoiceFilter(choices=InvestigationStatus.choices)
    handling_unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all())

    class Meta:
        model = TransferredProblem
        fields = ["inspection", "status", "handling_unit"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["inspection"].queryset = Inspection.objects.visible_to(getattr(self.request, "user", None))


class AccountablePersonFilterSet(django_filters.FilterSet):
    transferred_problem = django_filters.ModelChoiceFilter(queryset=TransferredProblem.objects.none())
    inspection = django_filters.ModelChoiceFilter(
        field_name="transferred_problem__inspection", queryset=Inspection.objects.none()
    )
    rank = django_filters.MultipleChoiceFilter(choices=Rank.choices)
    sanction = django_filters.MultipleChoiceFilter(choices=Sanction.choices)

    class Meta:
        model = AccountablePerson
        fields = ["transferred_problem", "inspection", "rank", "sanction"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["transferred_problem"].queryset = TransferredProblem.objects.visible_to(user)
        self.filters["inspection"].queryset = Inspection.objects.visible_to(user)
