"""Query-parameter filters of the acceptance API. ``problem`` and ``case`` accept only problems and cases
the caller may see, so an id outside the caller's scope is refused like an unknown one (400)."""

from __future__ import annotations

import django_filters

from zhenggai.acceptance.choices import RequestStatus
from zhenggai.acceptance.models import AcceptanceRequest
from zhenggai.cases.models import Case
from zhenggai.ledger.models import Problem


class AcceptanceRequestFilterSet(django_filters.FilterSet):
    problem = django_filters.ModelChoiceFilter(queryset=Problem.objects.none())
    case = django_filters.ModelChoiceFilter(queryset=Case.objects.none())
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices)

    class Meta:
        model = AcceptanceRequest
        fields = ["problem", "case", "status"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["problem"].queryset = Problem.objects.visible_to(user)
        self.filters["case"].queryset = Case.objects.visible_to(user)
