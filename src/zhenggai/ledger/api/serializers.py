"""API representations of the ledger."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhenggai.ledger.actions import PROBLEM_EDITABLE_FIELDS
from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Assignment, Category, Inspection, Measure, Plan, Problem, Target


class DeadlineSerializer(serializers.Serializer):
    """A deadline as written and as parsed."""

    raw = serializers.CharField(source="due_raw")
    due_date = serializers.DateField(allow_null=True)
    precision = serializers.CharField(source="due_precision")
    immediate = serializers.BooleanField(source="due_immediate")
    long_term = serializers.BooleanField(source="due_long_term")
    conditional = serializers.BooleanField(source="due_conditional")
    recurrence = serializers.CharField(source="due_recurrence")
    needs_review = serializers.BooleanField(source="due_ambiguous")
    kinds = serializers.ListField(child=serializers.CharField(), source="deadline_kinds")


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AssignmentSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(allow_null=True)
    person = serializers.SerializerMethodField()
    inherited_from = UnitRefSerializer(allow_null=True)

    class Meta:
        model = Assignment
        fields = ["id", "role", "unit", "person", "raw_text", "target", "measure", "inherited_from"]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_person(self, obj):
        if obj.person_id is None:
            return None
        return {"id": obj.person.pk, "name": obj.person.name, "title": obj.person.title}


class TargetSerializer(serializers.ModelSerializer):
    deadline = DeadlineSerializer(source="*")
    assignments = AssignmentSerializer(many=True, source="own_assignments", read_only=True)

    class Meta:
        model = Target
        fields = ["id", "number_text", "text", "deadline", "assignments"]


class MeasureSerializer(serializers.ModelSerializer):
    deadline = DeadlineSerializer(source="*")
    assignments = AssignmentSerializer(many=True, source="own_assignments", read_only=True)

    class Meta:
        model = Measure
        fields = ["id", "problem", "target", "number_text", "text", "status", "deadline", "assignments"]


class ProblemSerializer(serializers.ModelSerializer):
    """A problem as listed: its fields, deadline and lead units."""

    deadline = DeadlineSerializer(source="*")
    lead_units = serializers.SerializerMethodField()
    plan_title = serializers.CharField(source="plan.title", read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "plan",
            "plan_title",
            "category",
            "parent",
            "merged_into",
            "number",
            "number_text",
            "title",
            "status",
            "version",
            "deadline",
            "lead_units",
        ]

    @extend_schema_field(UnitRefSerializer(many=True))
    def get_lead_units(self, obj):
        # The list prefetches lead_assignments; the detail has every problem-level assignment.
        leads = getattr(obj, "lead_assignments", None)
        if leads is None:
            leads = [a for a in getattr(obj, "problem_assignments", []) if a.role == "lead"]
        return [{"id": a.unit_id, "name": a.holder_name} for a in leads]


class ProblemDetailSerializer(ProblemSerializer):
    """A problem with description, cause, targets, measures and every assignment."""

    targets = TargetSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)
    assignments = AssignmentSerializer(many=True, source="problem_assignments", read_only=True)

    class Meta(ProblemSerializer.Meta):
        fields = [*ProblemSerializer.Meta.fields, "description", "cause", "targets", "measures", "assignments"]


class ProblemUpdateSerializer(serializers.Serializer):
    """Input for PATCH: the version you loaded plus the fields to change."""

    version = serializers.IntegerField(min_value=1)
    number_text = serializers.CharField(max_length=40, required=False, allow_blank=True)
    title = serializers.CharField(max_length=500, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    cause = serializers.CharField(required=False, allow_blank=True)
    deadline = serializers.CharField(max_length=500, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=ItemStatus.choices, required=False)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.none(), required=False, allow_null=True)

    def __init__(self, *args, problem: Problem | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the problem's own plan's categories: another plan's category id must look like any unknown id.
        if problem is not None:
            self.fields["category"].queryset = Category.objects.filter(plan_id=problem.plan_id)

    def validate(self, attrs):
        changes = {k: v for k, v in attrs.items() if k in PROBLEM_EDITABLE_FIELDS}
        if not changes:
            raise serializers.ValidationError(_("Give at least one field to change."))
        return attrs


class PlanSerializer(serializers.ModelSerializer):
    jurisdiction = UnitRefSerializer()
    problem_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "inspection",
            "title",
            "doc_number",
            "issue_date",
            "level",
            "status",
            "jurisdiction",
            "declared_problem_count",
            "current_revision",
            "problem_count",
        ]


class InspectionSerializer(serializers.ModelSerializer):
    inspected_unit = UnitRefSerializer()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "level",
            "kind",
            "round_label",
            "team",
            "inspected_unit",
            "stationed_from",
            "stationed_to",
            "feedback_date",
        ]
