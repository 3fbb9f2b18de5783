"""API representations of complaint batches and cases, and the input for recording a case's handling.

Output serializers read rows the views prepared (units, region and responsible units selected or
prefetched, the visible batch's case count and the visibility of a repeat link annotated), so a list
costs the same queries however many rows. The handling input only checks the body's shape and types;
``cases.actions.record_handling`` holds every rule (who may, closing needs findings, a signed-off case is
frozen, the version).

One serializer per model serves both the list and the detail: the status and findings enums then live in
one schema component each, so drf-spectacular names them without a collision warning.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhenggai.cases.actions import HANDLING_TEXT_FIELDS
from zhenggai.cases.choices import HANDLING_STATUSES, CaseStatus, Findings, PollutionType
from zhenggai.cases.models import PENALTY_FIELDS, Case, CaseAssignment, CaseBatch
from zhenggai.cases.querysets import is_overdue as overdue_rule
from zhenggai.progress.api.serializers import RefSerializer

__all__ = ["CaseAssignmentSerializer", "CaseBatchSerializer", "CaseHandlingSerializer", "CaseSerializer", "is_overdue"]


def is_overdue(case: Case) -> bool:
    """Past its due date (before today, Beijing time) and still being handled (正在办理): the rule of the
    statistics, the dashboard and the case list (``cases.querysets.is_overdue``)."""
    return overdue_rule(case.status, case.due_date, timezone.localdate())


class CaseBatchSerializer(serializers.ModelSerializer):
    """A batch (第N批) and how many of its cases the caller sees."""

    jurisdiction = RefSerializer(read_only=True)
    case_count = serializers.IntegerField(read_only=True, help_text=_("The cases of the batch the caller sees."))

    class Meta:
        model = CaseBatch
        fields = [
            "id",
            "inspection",
            "number",
            "title",
            "received_on",
            "handed_over_on",
            "deadline_days",
            "due_date",
            "jurisdiction",
            "case_count",
            "created_at",
        ]


class CaseAssignmentSerializer(serializers.ModelSerializer):
    """A responsible unit (责任单位) and its share of the case (0.5 each for two co-handling units)."""

    unit = RefSerializer(read_only=True)

    class Meta:
        model = CaseAssignment
        fields = ["unit", "share"]


class CaseSerializer(serializers.ModelSerializer):
    """A complaint case (信访件) as handed over and as handled, with its responsible units and shares.

    ``overdue``: the due date has passed and the case is still being handled. ``repeat_of``: the case this
    one repeats, only when the caller may see that case too (null otherwise).
    """

    region = RefSerializer(allow_null=True, read_only=True)
    pollution_types = serializers.ListField(
        child=serializers.ChoiceField(choices=PollutionType.choices), read_only=True
    )
    assignments = CaseAssignmentSerializer(many=True, read_only=True)
    repeat_of = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "inspection",
            "batch",
            "position",
            "number",
            "number_valid",
            "number_date",
            "channel",
            "region",
            "region_text",
            "pollution_types",
            "is_key",
            "content",
            "reported_party",
            "assignments",
            "due_date",
            "overdue",
            "findings",
            "status",
            *HANDLING_TEXT_FIELDS,
            *PENALTY_FIELDS,
            "repeat_of",
            "version",
            "updated_at",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_repeat_of(self, case: Case) -> int | None:
        # ``repeat_of_visible`` is annotated by the view (the caller's visibility rule, in the same query).
        return case.repeat_of_id if getattr(case, "repeat_of_visible", False) else None

    def get_overdue(self, case: Case) -> bool:
        return is_overdue(case)


class CaseHandlingSerializer(serializers.Serializer):
    """Input for PATCH: the ``version`` you loaded plus the handling fields to change (at least one)."""

    version = serializers.IntegerField(min_value=1)
    findings = serializers.ChoiceField(choices=Findings.choices, required=False, allow_blank=True)
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in CaseStatus if s in HANDLING_STATUSES],
        required=False,
        help_text=_("Signing off is not done here."),
    )
    investigation = serializers.CharField(required=False, allow_blank=True)
    handling = serializers.CharField(required=False, allow_blank=True)
    accountability = serializers.CharField(required=False, allow_blank=True)
    ordered_to_correct = serializers.IntegerField(required=False, min_value=0)
    suspended = serializers.IntegerField(required=False, min_value=0)
    closed_down = serializers.IntegerField(required=False, min_value=0)
    penalty_cases = serializers.IntegerField(required=False, min_value=0)
    fine_amount = serializers.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=4)
    administrative_detention = serializers.IntegerField(required=False, min_value=0)
    criminal_detention = serializers.IntegerField(required=False, min_value=0)
    interviewed_persons = serializers.IntegerField(required=False, min_value=0)
    accountable_persons = serializers.IntegerField(required=False, min_value=0)

    def validate(self, attrs: dict) -> dict:
        if not self.changes_of(attrs):
            raise serializers.ValidationError(_("Give at least one field to change."))
        return attrs

    @staticmethod
    def changes_of(attrs: dict) -> dict:
        """The fields to change (everything but the version), as ``record_handling`` takes them."""
        return {name: value for name, value in attrs.items() if name != "version"}
