"""API endpoints of complaint cases: batches (read) and cases (read, and recording their handling).

Every queryset starts from ``visible_to(request.user)``, so a batch or case outside the caller's scope
answers 404. The one write, PATCH on a case, validates the body and calls ``cases.actions.record_handling``
(who may: ``Case.objects.handleable_by``; a caller who sees the case but may not handle it gets 403). Like
the ledger's problems, it carries the ``version`` the caller read: a stale one answers 409 with the current
version. Acceptance and sign-off are not offered here: a case is signed off at /acceptance/cases/<id>/
through the acceptance chain (``zhenggai.acceptance``), whose API lists the requests.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from zhenggai.cases import actions
from zhenggai.cases.api.filters import CaseBatchFilterSet, CaseFilterSet
from zhenggai.cases.api.serializers import CaseBatchSerializer, CaseHandlingSerializer, CaseSerializer
from zhenggai.cases.models import Case, CaseAssignment, CaseBatch
from zhenggai.core.errors import ConflictError

__all__ = ["CaseBatchViewSet", "CaseViewSet"]

_ASSIGNMENTS = Prefetch("assignments", queryset=CaseAssignment.objects.select_related("unit").order_by("pk"))

HANDLING_ERRORS = {
    400: OpenApiResponse(description="Invalid input, or a rule of the handling broken: the fields' messages."),
    403: OpenApiResponse(description="The caller sees the case but may not record its handling."),
    404: OpenApiResponse(description="Not found, or not visible to the caller."),
    409: OpenApiResponse(description="Someone else changed the case since the given version (current_version)."),
}


@extend_schema_view(
    list=extend_schema(summary="Complaint batches visible to the caller, newest hand-over first."),
    retrieve=extend_schema(summary="One complaint batch."),
)
class CaseBatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Complaint batches (交办批次). ``case_count`` counts the batch's cases the caller sees."""

    serializer_class = CaseBatchSerializer
    filterset_class = CaseBatchFilterSet

    def get_queryset(self):
        user = self.request.user
        # A correlated count, not a join and GROUP BY: the page's COUNT(*) then stays a plain count of batches.
        counted = (
            Case.objects.visible_to(user)
            .filter(batch=OuterRef("pk"))
            .order_by()
            .values("batch")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            CaseBatch.objects.visible_to(user)
            .select_related("jurisdiction")
            .annotate(case_count=Coalesce(Subquery(counted), 0))
            .order_by("-handed_over_on", "-number", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Complaint cases visible to the caller, by batch and serial number."),
    retrieve=extend_schema(summary="One complaint case with its responsible units and handling."),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Complaint cases (信访件). PATCH records the handling and needs the ``version`` you read."""

    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    parser_classes = [JSONParser]

    def get_queryset(self):
        user = self.request.user
        visible = Case.objects.visible_to(user)
        # Whether the caller may see the repeated case: a correlated EXISTS in the rows' query, not a query a row.
        repeat_visible = Exists(visible.filter(pk=OuterRef("repeat_of_id")))
        return (
            visible.select_related("region")
            .prefetch_related(_ASSIGNMENTS)
            .annotate(repeat_of_visible=repeat_visible)
            .order_by("batch_id", "position", "pk")
        )

    @extend_schema(
        summary="Record the handling of a case: findings, status, the disclosure texts, penalty counts.",
        description=(
            "Send the version you read and the fields to change. Closing (closed) needs findings; a signed-off "
            "case no longer changes (400). Signing off is not done here. A stale version answers 409 with "
            "current_version."
        ),
        request=CaseHandlingSerializer,
        responses={200: CaseSerializer, **HANDLING_ERRORS},
    )
    def partial_update(self, request, pk=None):
        case = self.get_object()  # 404 when not visible
        if not Case.objects.handleable_by(request.user).filter(pk=case.pk).exists():
            raise PermissionDenied(_("You may read this case but not record its handling."))
        data = CaseHandlingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            actions.record_handling(
                case,
                acting_user=request.user,
                expected_version=data.validated_data["version"],
                changes=CaseHandlingSerializer.changes_of(data.validated_data),
            )
        except ConflictError as exc:
            return Response(
                {"detail": str(exc), "current_version": exc.current_version}, status=status.HTTP_409_CONFLICT
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise ValidationError(exc.message_dict) from exc
            raise ValidationError({"non_field_errors": exc.messages}) from exc
        fresh = self.get_queryset().get(pk=case.pk)
        return Response(self.get_serializer(fresh).data)
