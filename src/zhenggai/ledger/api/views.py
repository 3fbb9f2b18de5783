"""API endpoints of the ledger. Querysets come from ``visible_to``; writes go through actions."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from zhenggai.core.errors import ConflictError
from zhenggai.ledger import actions
from zhenggai.ledger.api.serializers import (
    InspectionSerializer,
    MeasureSerializer,
    PlanSerializer,
    ProblemDetailSerializer,
    ProblemSerializer,
    ProblemUpdateSerializer,
)
from zhenggai.ledger.filtersets import MeasureFilterSet, PlanFilterSet, ProblemFilterSet
from zhenggai.ledger.models import Assignment, Inspection, Measure, Plan, Problem
from zhenggai.ledger.querysets import visible_problem_count

_ASSIGNMENTS = Assignment.objects.select_related("unit", "person", "inherited_from")


class ProblemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Problems (督察反馈问题) visible to the caller. PATCH needs the ``version`` you read."""

    filterset_class = ProblemFilterSet

    def get_queryset(self):
        queryset = Problem.objects.visible_to(self.request.user).order_by("plan_id", "position", "pk")
        if self.action == "list":
            return queryset.for_list()
        return queryset.for_detail(self.request.user)

    def get_serializer_class(self):
        return ProblemSerializer if self.action == "list" else ProblemDetailSerializer

    @extend_schema(request=ProblemUpdateSerializer, responses={200: ProblemDetailSerializer, 409: None})
    def partial_update(self, request, pk=None):
        problem = self.get_object()  # 404 when not visible
        if not Problem.objects.editable_by(request.user).filter(pk=problem.pk).exists():
            raise PermissionDenied(_("You may read this problem but not change it."))
        data = ProblemUpdateSerializer(data=request.data, problem=problem)
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k != "version"}
        try:
            actions.update_problem(
                problem, acting_user=request.user, expected_version=data.validated_data["version"], changes=changes
            )
        except ConflictError as exc:
            return Response(
                {"detail": str(exc), "current_version": exc.current_version}, status=status.HTTP_409_CONFLICT
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(ProblemDetailSerializer(self.get_queryset().get(pk=problem.pk)).data)


class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """Measures (整改措施) of the problems visible to the caller."""

    serializer_class = MeasureSerializer
    filterset_class = MeasureFilterSet

    def get_queryset(self):
        return (
            Measure.objects.visible_to(self.request.user)
            .prefetch_related(Prefetch("assignments", queryset=_ASSIGNMENTS, to_attr="own_assignments"))
            .order_by("problem_id", "position", "pk")
        )


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Rectification plans (整改方案) visible to the caller."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet

    def get_queryset(self):
        return (
            Plan.objects.visible_to(self.request.user)
            .select_related("jurisdiction")
            .annotate(problem_count=visible_problem_count(self.request.user))
            .order_by("-issue_date", "pk")
        )


class InspectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Inspections (督察) visible to the caller."""

    serializer_class = InspectionSerializer

    def get_queryset(self):
        return Inspection.objects.visible_to(self.request.user).select_related("inspected_unit").order_by("pk")
