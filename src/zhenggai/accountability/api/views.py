"""API endpoints of accountability: transferred problems with their investigation, persons held accountable.

Read-only, for the same readers as the accountability pages (``accountability.views``): administrators and
offices, each through the models' ``visible_to`` (a row outside it answers 404). Any other signed-in role is
refused the lists with 403, like the pages' index, and gets 404 for any single row, so the API does not
even confirm that a row exists. Changes go through the pages (``accountability.actions``).
"""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated

from zhenggai.accountability.api.filters import AccountablePersonFilterSet, TransferredProblemFilterSet
from zhenggai.accountability.api.serializers import AccountablePersonSerializer, TransferredProblemSerializer
from zhenggai.accountability.models import AccountablePerson, TransferredProblem, office_root
from zhenggai.ledger.models import Problem

__all__ = ["AccountablePersonViewSet", "TransferredProblemViewSet"]


class ListsForOffices(BasePermission):
    """The lists answer 403 to roles that never see accountability (units, supervisors, reviewers), as the
    accountability index does; a single row answers them 404 through ``visible_to``."""

    message = _("Only offices and administrators see accountability.")

    def has_permission(self, request, view) -> bool:
        return view.action != "list" or office_root(request.user) is not None


@extend_schema_view(
    list=extend_schema(summary="Transferred problems visible to the caller (offices and administrators)."),
    retrieve=extend_schema(summary="One transferred problem and its investigation."),
)
class TransferredProblemViewSet(viewsets.ReadOnlyModelViewSet):
    """Problems an inspection transferred for accountability (移交问题) and their investigation."""

    serializer_class = TransferredProblemSerializer
    filterset_class = TransferredProblemFilterSet
    permission_classes = [IsAuthenticated, ListsForOffices]

    def get_queryset(self):
        user = self.request.user
        linked = Prefetch(
            "problems", queryset=Problem.objects.visible_to(user).order_by("pk"), to_attr="visible_problems"
        )
        return (
            TransferredProblem.objects.visible_to(user)
            .select_related("handling_unit")
            .prefetch_related(linked)
            .annotate(person_count=Count("persons"))
            .order_by("inspection_id", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Persons held accountable for the transferred problems visible to the caller."),
    retrieve=extend_schema(summary="One person held accountable, with the decision document's metadata."),
)
class AccountablePersonViewSet(viewsets.ReadOnlyModelViewSet):
    """Persons held accountable (追责问责人员) with rank, sanction and the decision document."""

    serializer_class = AccountablePersonSerializer
    filterset_class = AccountablePersonFilterSet
    permission_classes = [IsAuthenticated, ListsForOffices]

    def get_queryset(self):
        return AccountablePerson.objects.visible_to(self.request.user).order_by("transferred_problem_id", "pk")
