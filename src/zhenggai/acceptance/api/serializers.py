"""API representations of acceptance chains, acceptance requests and their signed decisions.

Output serializers read rows prepared by the views (steps, decisions and attachments prefetched);
the decision input only checks the body's shape and hands it to ``acceptance.actions.decide_step``,
which holds every rule.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhenggai.acceptance.choices import OPEN_REQUEST_STATUSES, Decision
from zhenggai.acceptance.models import (
    AcceptanceAttachment,
    AcceptanceChain,
    AcceptanceRequest,
    ChainStep,
    StepDecision,
)
from zhenggai.acceptance.signatures import content_hash, verify
from zhenggai.progress.api.serializers import RefSerializer, UserRefSerializer


class ChainStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChainStep
        fields = ["id", "position", "name", "kind", "actor_level"]


class AcceptanceChainSerializer(serializers.ModelSerializer):
    """验收流程: the steps a request passes, for problems of one plan level (``plan`` null) or one plan, or
    for complaint cases of one level (``subject`` "case")."""

    steps = ChainStepSerializer(many=True, read_only=True)

    class Meta:
        model = AcceptanceChain
        fields = ["id", "name", "subject", "plan_level", "plan", "notice_workdays", "allow_same_person", "steps"]


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")

    class Meta:
        model = AcceptanceAttachment
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at"]


class StepDecisionSerializer(serializers.ModelSerializer):
    """A signed decision. ``record_intact``: the stored content still hashes to ``content_hash``."""

    step_name = serializers.CharField(source="step.name", read_only=True)
    actor = UserRefSerializer(read_only=True)
    acting_unit = RefSerializer(allow_null=True, read_only=True)
    record_intact = serializers.SerializerMethodField()

    class Meta:
        model = StepDecision
        fields = [
            "id",
            "round",
            "position",
            "step",
            "step_name",
            "decision",
            "opinion",
            "actor",
            "acting_unit",
            "acted_at",
            "content_hash",
            "record_intact",
        ]

    def get_record_intact(self, decision) -> bool:
        return content_hash(decision.frozen_content) == decision.content_hash


class VerificationSerializer(serializers.Serializer):
    """``signatures.verify`` of one decision: is the record intact, and what changed since it was signed."""

    record_intact = serializers.BooleanField()
    changes = serializers.ListField(child=serializers.CharField())
    ok = serializers.BooleanField()


class VerifiedStepDecisionSerializer(StepDecisionSerializer):
    """A decision as the detail shows it: also compared with today's item and files."""

    verification = serializers.SerializerMethodField()

    class Meta(StepDecisionSerializer.Meta):
        fields = [*StepDecisionSerializer.Meta.fields, "verification"]

    @extend_schema_field(VerificationSerializer)
    def get_verification(self, decision) -> dict:
        result = verify(decision)
        return {"record_intact": result.record_intact, "changes": result.changes, "ok": result.ok}


class AcceptanceRequestSerializer(serializers.ModelSerializer):
    """验收申请 as listed: where it stands, its files, and every decision with its signature hash."""

    unit = RefSerializer(allow_null=True, read_only=True)
    requested_by = UserRefSerializer(read_only=True)
    waiting_step = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    decisions = StepDecisionSerializer(many=True, read_only=True)

    class Meta:
        model = AcceptanceRequest
        fields = [
            "id",
            "problem",
            "case",
            "chain",
            "unit",
            "requested_by",
            "requested_at",
            "report",
            "signed_by_head",
            "checklist",
            "status",
            "round",
            "position",
            "waiting_step",
            "closed_at",
            "attachments",
            "decisions",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_waiting_step(self, request) -> str | None:
        """The name of the step the request waits at (null unless under review or in public notice)."""
        if request.status not in OPEN_REQUEST_STATUSES:
            return None
        for step in request.chain.steps.all():  # prefetched by the view
            if step.position == request.position:
                return step.name
        return None


class AcceptanceRequestDetailSerializer(AcceptanceRequestSerializer):
    """One request: each decision is also verified against today's item and files."""

    decisions = VerifiedStepDecisionSerializer(many=True, read_only=True)


class DecideStepSerializer(serializers.Serializer):
    """Pass or return the step the request waits at; a return needs an opinion."""

    decision = serializers.ChoiceField(choices=Decision.choices)
    opinion = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Required to return the request.")
    )
