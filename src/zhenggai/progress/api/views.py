"""API endpoints of progress scheduling (整改调度): reports, warnings, the warning job's runs, extensions.

Every queryset starts from ``visible_to(request.user)``, so a row outside the caller's scope answers
404. Writes validate the body and call ``zhenggai.progress.actions``: a refused right answers 403, a
rule broken 400 with the field's messages, a lost race or a duplicate 409. Reports and extensions are
append-only: there is no PUT, PATCH or DELETE (405).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from zhenggai.accounts.choices import Role
from zhenggai.core.errors import ConflictError
from zhenggai.progress import actions
from zhenggai.progress.api.filters import (
    DeadlineExtensionFilterSet,
    ProgressReportFilterSet,
    WarningItemFilterSet,
    WarningRunFilterSet,
)
from zhenggai.progress.api.serializers import (
    DeadlineExtensionInputSerializer,
    DeadlineExtensionSerializer,
    ExtensionDecisionSerializer,
    ProgressReportCorrectionSerializer,
    ProgressReportDetailSerializer,
    ProgressReportInputSerializer,
    ProgressReportSerializer,
    WarningItemSerializer,
    WarningRunSerializer,
)
from zhenggai.progress.choices import Grade, RunStatus
from zhenggai.progress.models import DeadlineExtension, ProgressReport, WarningItem, WarningRun

APPEND_ONLY = ["get", "post", "head", "options"]


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state.")
    default_code = "conflict"


def call_action(function, *args, renamed: dict[str, str] | None = None, **kwargs):
    """Run an action; its ConflictError becomes 409 and its ValidationError 400 with field messages
    (``renamed`` maps the action's field names to the API's). Django's PermissionDenied is already 403."""
    try:
        return function(*args, **kwargs)
    except ConflictError as exc:
        raise Conflict(str(exc)) from exc
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            renamed = renamed or {}
            raise ValidationError({renamed.get(k, k): v for k, v in exc.message_dict.items()}) from exc
        raise ValidationError({"non_field_errors": exc.messages}) from exc


ERRORS = {
    400: OpenApiResponse(description="Invalid input: the fields' messages."),
    403: OpenApiResponse(description="The caller sees the item but may not do this."),
    404: OpenApiResponse(description="Not found, or not visible to the caller."),
    409: OpenApiResponse(description="A conflict: a duplicate, or someone else was first."),
}
# A problem or measure the caller may not see is refused like an unknown id (400), not 404.
CREATE_ERRORS = {code: response for code, response in ERRORS.items() if code != 404}


# --- progress reports ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Progress reports visible to the caller, every version (filter is_current=true)."),
    retrieve=extend_schema(summary="One report with its indicators and the metadata of its evidence files."),
)
class ProgressReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Progress reports (整改进展). A report is never edited: POST a correction, which becomes a new version."""

    filterset_class = ProgressReportFilterSet
    http_method_names = APPEND_ONLY
    parser_classes = [JSONParser]  # nested indicators; no file upload through the API yet

    def get_queryset(self):
        corrections = ProgressReport.objects.filter(supersedes=OuterRef("pk")).values("pk")[:1]
        queryset = (
            ProgressReport.objects.visible_to(self.request.user)
            .select_related("unit", "reporter")
            .annotate(correction_id=Subquery(corrections))
            .order_by("-period_end", "-version", "-pk")
        )
        if self.action != "list":
            queryset = queryset.prefetch_related("indicators", "evidence")
        return queryset

    def get_serializer_class(self):
        return ProgressReportSerializer if self.action == "list" else ProgressReportDetailSerializer

    def _detail(self, report, code=status.HTTP_201_CREATED) -> Response:
        fresh = self.get_queryset().get(pk=report.pk)  # with indicators and evidence (not the list action)
        return Response(ProgressReportDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary="Submit the report of one period.",
        description=(
            "One report per measure (or per problem reported as a whole) and period: a second one answers 409 "
            "(submit a correction instead). Evidence files cannot be uploaded through the API yet; attach them "
            "on the report's page."
        ),
        request=ProgressReportInputSerializer,
        responses={201: ProgressReportDetailSerializer, **CREATE_ERRORS},
    )
    def create(self, request):
        data = ProgressReportInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        report = call_action(
            actions.submit_report,
            data.validated_data["problem"],
            data.to_report_input(),
            acting_user=request.user,
            measure=data.validated_data.get("measure"),
        )
        return self._detail(report)

    @extend_schema(
        summary="Correct a report: a new version that replaces it as the current one.",
        description=(
            "The same body as a new report plus correction_reason; the old version stays, no longer current, "
            "and its evidence files are carried forward. Correcting a version that is no longer current "
            "answers 409. No file upload through the API yet."
        ),
        request=ProgressReportCorrectionSerializer,
        responses={201: ProgressReportDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        report = self.get_object()  # 404 when not visible
        context = {**self.get_serializer_context(), "report": report}
        data = ProgressReportCorrectionSerializer(data=request.data, context=context)
        data.is_valid(raise_exception=True)
        new = call_action(
            actions.correct_report,
            report,
            data.to_report_input(),
            acting_user=request.user,
            reason=data.validated_data["correction_reason"],
        )
        return self._detail(new)


# --- warnings and the warning job ------------------------------------------------------------------

# Red first, then yellow, then blue.
_SEVERITY = Case(
    When(grade=Grade.RED, then=Value(0)),
    When(grade=Grade.YELLOW, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def current_run_id():
    """The latest successful run as a subquery: the same rule as ``jobs.current_run``, without a query of its own."""
    return Subquery(
        WarningRun.objects.filter(status=RunStatus.SUCCEEDED).order_by("-started_at", "-pk").values("pk")[:1]
    )


class WarningViewSet(viewsets.ReadOnlyModelViewSet):
    """Warnings (预警) of the latest successful run of the warning job, on the items visible to the caller,
    most severe first. Each row names its run and the run's as-of date; none before the first run."""

    serializer_class = WarningItemSerializer
    filterset_class = WarningItemFilterSet

    def get_queryset(self):
        return (
            WarningItem.objects.visible_to(self.request.user)
            .filter(run_id=current_run_id())
            .select_related("run", "problem")
            .order_by(_SEVERITY, "plan_id", "problem_id", "measure_id", "pk")
        )


class IsOfficeOrAdministrator(BasePermission):
    message = _("Only offices and administrators see the warning job's runs.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_superuser or user.role in (Role.ADMIN, Role.OFFICE)))


class WarningRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Runs of the warning job (预警计算), newest first: status, duration, warnings found, error. A failed or
    missing recent run means the warnings shown are stale. Offices and administrators only."""

    serializer_class = WarningRunSerializer
    filterset_class = WarningRunFilterSet
    permission_classes = [IsAuthenticated, IsOfficeOrAdministrator]

    def get_queryset(self):
        return WarningRun.objects.order_by("-started_at", "-pk")


# --- deadline extensions -------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Deadline extension requests visible to the caller."),
    retrieve=extend_schema(summary="One extension request and its decision."),
)
class DeadlineExtensionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Deadline extensions (延期申请): a unit asks, the plan's office approves or rejects once."""

    serializer_class = DeadlineExtensionSerializer
    filterset_class = DeadlineExtensionFilterSet
    http_method_names = APPEND_ONLY
    parser_classes = [JSONParser]

    def get_queryset(self):
        return (
            DeadlineExtension.objects.visible_to(self.request.user)
            .select_related("requested_by", "decided_by")
            .order_by("-requested_at", "-pk")
        )

    def _row(self, extension, code) -> Response:
        fresh = self.get_queryset().get(pk=extension.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        summary="Ask for a new deadline.",
        description="One pending request per item: a second one answers 409 until the first is decided.",
        request=DeadlineExtensionInputSerializer,
        responses={201: DeadlineExtensionSerializer, **CREATE_ERRORS},
    )
    def create(self, request):
        data = DeadlineExtensionInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        extension = call_action(
            actions.request_extension,
            values["problem"],
            acting_user=request.user,
            requested_raw=values["requested_raw"],
            reasons=values["reasons"],
            measure=values.get("measure"),
        )
        return self._row(extension, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve or reject a pending request (the plan's office).",
        description=(
            "Approving makes the requested deadline the item's deadline (the old one is kept in previous_raw "
            "and in the item's history). Rejecting needs a note. A request already decided answers 409."
        ),
        request=ExtensionDecisionSerializer,
        responses={200: DeadlineExtensionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        extension = self.get_object()  # 404 when not visible
        data = ExtensionDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = call_action(
            actions.decide_extension,
            extension,
            acting_user=request.user,
            approve=data.validated_data["approve"],
            note=data.validated_data["note"],
            renamed={"decision_note": "note"},
        )
        return self._row(decided, status.HTTP_200_OK)
