"""API representations of transferred problems (with their investigation) and persons held accountable.

Read-only: these rows change through ``accountability.actions`` on the accountability pages. Who reads them
is the models' rule (offices and administrators, ``visible_to``); whoever sees a person sees the name, as on
the pages — ``publish_name`` decides only what the public portal shows. A decision document is described
(name, type, size, SHA-256) and linked to the page that serves it after the same visibility check; the
storage path is never shown.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhenggai.accountability.models import AccountablePerson, TransferredProblem
from zhenggai.progress.api.serializers import RefSerializer

__all__ = ["AccountablePersonSerializer", "DecisionDocumentSerializer", "TransferredProblemSerializer"]


class TransferredProblemSerializer(serializers.ModelSerializer):
    """A transferred problem (移交的责任追究问题) and its investigation.

    ``findings`` is internal (never published); ``outcome`` is the text fit for publication. ``problems``
    lists the linked ledger problems the caller may open, ``person_count`` the persons held accountable.
    """

    handling_unit = RefSerializer(allow_null=True, read_only=True)
    handled_by = serializers.CharField(read_only=True)
    problems = serializers.SerializerMethodField()
    person_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TransferredProblem
        fields = [
            "id",
            "inspection",
            "number",
            "title",
            "description",
            "transferred_on",
            "handling_unit",
            "handling_unit_text",
            "handled_by",
            "status",
            "findings",
            "outcome",
            "problems",
            "person_count",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_problems(self, transferred: TransferredProblem) -> list[int]:
        # Prefetched by the view through ``Problem.objects.visible_to``: a hidden problem is not even an id.
        return [problem.pk for problem in transferred.visible_problems]


class DecisionDocumentSerializer(serializers.Serializer):
    """The decision document's metadata and the checked page that serves it."""

    name = serializers.CharField(source="document_name")
    content_type = serializers.CharField(source="document_type")
    size = serializers.IntegerField(source="document_size", allow_null=True)
    sha256 = serializers.CharField(source="document_sha256")
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, person: AccountablePerson) -> str:
        return reverse("accountability:document", args=[person.pk])


class AccountablePersonSerializer(serializers.ModelSerializer):
    """A person held accountable (追责问责) for a transferred problem; ``document`` is null without one."""

    document = serializers.SerializerMethodField()

    class Meta:
        model = AccountablePerson
        fields = [
            "id",
            "transferred_problem",
            "name",
            "post",
            "rank",
            "sanction",
            "sanction_detail",
            "decided_on",
            "publish_name",
            "document",
            "created_at",
        ]

    @extend_schema_field(DecisionDocumentSerializer(allow_null=True))
    def get_document(self, person: AccountablePerson) -> dict | None:
        if not person.document:
            return None
        return DecisionDocumentSerializer(person).data
