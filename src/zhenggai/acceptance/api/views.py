"""API endpoints of acceptance and sign-off (验收销号): requests with their signed decisions, and chains.

Requests come only from ``AcceptanceRequest.objects.visible_to(request.user)`` (the problems the caller
sees), so a request outside the caller's scope answers 404. The one write, deciding the step a request
waits at, calls ``acceptance.actions.decide_step``: a step that is not the caller's answers 403, a rule
broken 400 with the messages, a step someone decided a moment before 409. Requests are asked for, and
notices and objections handled, on the acceptance pages.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from zhenggai.acceptance import actions
from zhenggai.acceptance.api.filters import AcceptanceRequestFilterSet
from zhenggai.acceptance.api.serializers import (
    AcceptanceChainSerializer,
    AcceptanceRequestDetailSerializer,
    AcceptanceRequestSerializer,
    DecideStepSerializer,
)
from zhenggai.acceptance.models import AcceptanceAttachment, AcceptanceChain, AcceptanceRequest, ChainStep, StepDecision
from zhenggai.ledger.models import Plan
from zhenggai.progress.api.views import APPEND_ONLY, ERRORS, call_action

_STEPS = Prefetch("chain__steps", queryset=ChainStep.objects.order_by("position"))
_DECISIONS = Prefetch(
    "decisions",
    queryset=StepDecision.objects.select_related("step", "actor", "acting_unit").order_by("round", "position", "pk"),
)
_ATTACHMENTS = Prefetch("attachments", queryset=AcceptanceAttachment.objects.order_by("pk"))


@extend_schema_view(
    list=extend_schema(summary="Acceptance requests on the problems visible to the caller, newest first."),
    retrieve=extend_schema(
        summary="One acceptance request; each decision is verified against today's item and files.",
        description=(
            "verification.ok is false when the stored record no longer hashes to its signature "
            "(record_intact false) or when the item or an evidence file changed since it was signed "
            "(changes lists what)."
        ),
    ),
)
class AcceptanceRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Acceptance requests (验收申请) with their attachments' metadata and signed step decisions."""

    filterset_class = AcceptanceRequestFilterSet
    http_method_names = APPEND_ONLY
    parser_classes = [JSONParser]

    def get_queryset(self):
        return (
            AcceptanceRequest.objects.visible_to(self.request.user)
            .select_related("chain", "unit", "requested_by")
            .prefetch_related(_STEPS, _DECISIONS, _ATTACHMENTS)
            .order_by("-requested_at", "-pk")
        )

    def get_serializer_class(self):
        return AcceptanceRequestSerializer if self.action == "list" else AcceptanceRequestDetailSerializer

    @extend_schema(
        summary="Pass or return the step the request waits at (signed).",
        description=(
            "Only the unit or office the step names may decide it (403 otherwise); the requester never "
            "decides their own request. A return needs an opinion. Two reviewers deciding at once: one "
            "wins, the other gets 409 (or 400 once the request has moved on)."
        ),
        request=DecideStepSerializer,
        responses={200: AcceptanceRequestDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        acceptance = self.get_object()  # 404 when not visible
        data = DecideStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_action(
            actions.decide_step,
            acceptance,
            acting_user=request.user,
            decision=data.validated_data["decision"],
            opinion=data.validated_data["opinion"],
        )
        fresh = self.get_queryset().get(pk=acceptance.pk)
        serializer = AcceptanceRequestDetailSerializer(fresh, context=self.get_serializer_context())
        return Response(serializer.data, status=status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="Acceptance chains: the default of each plan level and those of visible plans."),
    retrieve=extend_schema(summary="One acceptance chain and its steps."),
)
class AcceptanceChainViewSet(viewsets.ReadOnlyModelViewSet):
    """Acceptance chains (验收流程), configured by offices in the admin; read-only here."""

    serializer_class = AcceptanceChainSerializer

    def get_queryset(self):
        visible_plans = Plan.objects.visible_to(self.request.user).values("pk")
        return (
            AcceptanceChain.objects.filter(Q(plan__isnull=True) | Q(plan__in=visible_plans))
            .prefetch_related(Prefetch("steps", queryset=ChainStep.objects.order_by("position")))
            .order_by("plan_id", "plan_level", "pk")
        )
