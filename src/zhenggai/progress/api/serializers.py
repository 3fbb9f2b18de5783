"""API representations of progress reports, warnings, warning runs and deadline extensions.

Output serializers read rows; input serializers only check shapes and types and hand a
``ReportInput`` (or plain values) to ``zhenggai.progress.actions``, which holds every rule.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhenggai.ledger.models import Measure, Problem
from zhenggai.progress.actions import IndicatorInput, ReportInput
from zhenggai.progress.choices import ClaimedStatus
from zhenggai.progress.models import DeadlineExtension, Evidence, Indicator, ProgressReport, WarningItem, WarningRun


def evidence_download_url(pk: int) -> str:
    """The permission-checked page that serves an evidence file (defined by the progress pages)."""
    try:
        return reverse("progress:evidence_download", args=[pk])
    except NoReverseMatch:
        return f"/progress/evidence/{pk}/"


class RefSerializer(serializers.Serializer):
    """A linked row by id and name."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


# --- progress reports ----------------------------------------------------------------------------


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "target", "achieved", "note"]


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at", "download_url"]

    def get_download_url(self, evidence) -> str:
        return evidence_download_url(evidence.pk)


class ProgressReportSerializer(serializers.ModelSerializer):
    """A report as listed: the period, what it says, and which version it is."""

    unit = RefSerializer(allow_null=True, read_only=True)
    reporter = UserRefSerializer(read_only=True)
    corrected_by = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "problem",
            "measure",
            "unit",
            "period_start",
            "period_end",
            "narrative",
            "percent",
            "milestones",
            "claimed_status",
            "reporter",
            "submitted_at",
            "version",
            "is_current",
            "supersedes",
            "corrected_by",
            "correction_reason",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_corrected_by(self, report) -> int | None:
        # Annotated by the view (one subquery), so a page of reports costs no query per row.
        return getattr(report, "correction_id", None)


class ProgressReportDetailSerializer(ProgressReportSerializer):
    """A report with its indicators and the metadata of its evidence files."""

    indicators = IndicatorSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta(ProgressReportSerializer.Meta):
        fields = [*ProgressReportSerializer.Meta.fields, "indicators", "evidence"]


class IndicatorInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    unit = serializers.CharField(max_length=30, help_text=_("Unit of measure: 个, 座, 公里 …"))
    target = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True)
    achieved = serializers.DecimalField(max_digits=16, decimal_places=2)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReportFieldsSerializer(serializers.Serializer):
    """The fields a report and its correction share."""

    period_start = serializers.DateField()
    period_end = serializers.DateField()
    narrative = serializers.CharField()
    percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )
    milestones = serializers.CharField(required=False, allow_blank=True, default="")
    claimed_status = serializers.ChoiceField(choices=ClaimedStatus.choices, default=ClaimedStatus.IN_PROGRESS)
    indicators = IndicatorInputSerializer(many=True, required=False, default=list)

    def to_report_input(self) -> ReportInput:
        data = self.validated_data
        return ReportInput(
            period_start=data["period_start"],
            period_end=data["period_end"],
            narrative=data["narrative"],
            percent=data.get("percent"),
            milestones=data.get("milestones", ""),
            claimed_status=data["claimed_status"],
            indicators=[IndicatorInput(**item) for item in data.get("indicators", [])],
        )


class VisibleRelatedMixin:
    """``problem`` and ``measure`` accept only rows the caller may see: another unit's id reads
    exactly like an id that does not exist."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if "problem" in self.fields:
            self.fields["problem"].queryset = Problem.objects.visible_to(user)
        if "measure" in self.fields:
            self.fields["measure"].queryset = Measure.objects.visible_to(user)


class ProgressReportInputSerializer(VisibleRelatedMixin, ReportFieldsSerializer):
    """A new report for one period, on a measure or on the problem as a whole.

    Evidence files cannot be uploaded through the API yet; attach them on the report's page.
    """

    problem = serializers.PrimaryKeyRelatedField(queryset=Problem.objects.none())
    measure = serializers.PrimaryKeyRelatedField(queryset=Measure.objects.none(), required=False, allow_null=True)


class ProgressReportCorrectionSerializer(ReportFieldsSerializer):
    """A corrected version of a report: the same fields plus the reason. The problem and measure are
    those of the report corrected; if given, they must match it."""

    correction_reason = serializers.CharField()
    problem = serializers.IntegerField(required=False, help_text=_("Optional; must be the report's problem."))
    measure = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("Optional; must be the report's measure.")
    )

    def validate(self, attrs):
        report = self.context["report"]
        errors = {}
        if "problem" in attrs and attrs["problem"] != report.problem_id:
            errors["problem"] = _("A correction keeps the problem of the report it corrects.")
        if "measure" in attrs and attrs["measure"] != report.measure_id:
            errors["measure"] = _("A correction keeps the measure of the report it corrects.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# --- warnings ------------------------------------------------------------------------------------


class WarningItemSerializer(serializers.ModelSerializer):
    """One warning of the current run; ``run`` and ``as_of`` say which evaluation it comes from."""

    as_of = serializers.DateField(source="run.as_of", read_only=True)
    problem_number = serializers.CharField(source="problem.number_text", read_only=True)
    problem_title = serializers.CharField(source="problem.title", read_only=True)

    class Meta:
        model = WarningItem
        fields = [
            "id",
            "run",
            "as_of",
            "plan",
            "problem",
            "problem_number",
            "problem_title",
            "measure",
            "kind",
            "grade",
            "reason",
        ]


class WarningRunSerializer(serializers.ModelSerializer):
    """One run of the warning job: its health."""

    duration_seconds = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = WarningRun
        fields = [
            "id",
            "as_of",
            "trigger",
            "status",
            "started_at",
            "finished_at",
            "duration_seconds",
            "item_count",
            "error",
        ]


# --- deadline extensions -------------------------------------------------------------------------


class DeadlineExtensionSerializer(serializers.ModelSerializer):
    requested_by = UserRefSerializer(read_only=True)
    decided_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = DeadlineExtension
        fields = [
            "id",
            "problem",
            "measure",
            "requested_raw",
            "reasons",
            "status",
            "requested_by",
            "requested_at",
            "previous_raw",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class DeadlineExtensionInputSerializer(VisibleRelatedMixin, serializers.Serializer):
    """A request for a new deadline, written as in the plan (e.g. 2027年6月30日前), with reasons."""

    problem = serializers.PrimaryKeyRelatedField(queryset=Problem.objects.none())
    measure = serializers.PrimaryKeyRelatedField(queryset=Measure.objects.none(), required=False, allow_null=True)
    requested_raw = serializers.CharField(max_length=200)
    reasons = serializers.CharField()


class ExtensionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Required to reject."))
