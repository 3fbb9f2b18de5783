"""Django admin of complaint cases.

Administrators browse batches, cases, their responsible units and import jobs here, with each row's
history (simple-history). All of these are view-only: they change only through ``cases.actions`` (version
checks, shares summing to 1, numbers parsed and unique per inspection, the import's locks), so no change
skips a rule or its history reason. The one setting, an inspection's reporting deadline (``CaseRule``),
may be edited; saving it calls ``actions.set_case_rule``. Sign-off is not done here: a case is signed off
at /acceptance/cases/<id>/ through the acceptance chain (``zhenggai.acceptance``, whose admin shows the
requests and their signed step decisions).

Foreign keys to units use autocomplete (the registry may hold many thousands of units), and every list
selects its related rows in the same query.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from zhenggai.cases import actions
from zhenggai.cases.models import Case, CaseAssignment, CaseBatch, CaseImportJob, CaseRule
from zhenggai.ledger.admin import ReadOnlyAdminMixin


@admin.register(CaseRule)
class CaseRuleAdmin(SimpleHistoryAdmin):
    """An inspection's deadline for reporting cases back; saved through ``actions.set_case_rule``."""

    list_display = ("inspection", "deadline_days", "working_days")
    list_select_related = ("inspection",)
    list_filter = ("working_days",)
    autocomplete_fields = ("inspection",)

    def get_readonly_fields(self, request, obj=None):
        # The rule belongs to its inspection: moving it would silently leave the old inspection on the default.
        return ("inspection",) if obj is not None else ()

    def save_model(self, request, obj: CaseRule, form, change: bool) -> None:
        rule = actions.set_case_rule(
            obj.inspection, acting_user=request.user, deadline_days=obj.deadline_days, working_days=obj.working_days
        )
        obj.pk = rule.pk  # the admin's log entry and redirect name the saved row

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # no action removes a rule; set the default (10 calendar days) instead


@admin.register(CaseBatch)
class CaseBatchAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "inspection", "number", "jurisdiction", "handed_over_on", "due_date", "case_count")
    list_select_related = ("inspection", "jurisdiction")
    list_filter = ("inspection",)
    search_fields = ("title", "jurisdiction__name")
    autocomplete_fields = ("inspection", "jurisdiction")
    ordering = ("-handed_over_on", "-number")

    def get_queryset(self, request):
        # A correlated count rather than a join and GROUP BY, so the changelist's COUNT(*)s stay plain.
        counted = Case.objects.filter(batch=OuterRef("pk")).order_by().values("batch").annotate(n=Count("pk"))
        return super().get_queryset(request).annotate(case_count=Coalesce(Subquery(counted.values("n")), 0))

    @admin.display(description=_("cases"), ordering="case_count")
    def case_count(self, batch: CaseBatch) -> int:
        return batch.case_count


class CaseAssignmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseAssignment
    fields = ("unit", "share")
    autocomplete_fields = ("unit",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("number", "batch", "position", "region", "status", "findings", "is_key", "due_date")
    list_select_related = ("batch", "region")
    list_filter = ("status", "findings", "channel", "is_key")
    search_fields = ("number", "reported_party")
    autocomplete_fields = ("inspection", "batch", "region", "repeat_of")
    readonly_fields = ("version",)
    # A province may hold tens of thousands of cases: no second COUNT(*) of the whole table under a filter.
    show_full_result_count = False
    inlines = (CaseAssignmentInline,)


@admin.register(CaseAssignment)
class CaseAssignmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("case", "unit", "share")
    list_select_related = ("case", "unit")
    search_fields = ("case__number", "unit__name")
    autocomplete_fields = ("case", "unit")
    show_full_result_count = False


@admin.register(CaseImportJob)
class CaseImportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Background imports and their row errors. The uploaded workbook stays in the private storage: its name
    and digest are shown, not a link into the storage."""

    list_display = (
        "__str__",
        "batch",
        "status",
        "requested_by",
        "rows_done",
        "rows_total",
        "imported",
        "created_at",
        "finished_at",
    )
    list_select_related = ("batch", "requested_by")
    list_filter = ("status",)
    fields = (
        "batch",
        "requested_by",
        "file_name",
        "sha256",
        "status",
        "rows_done",
        "rows_total",
        "imported",
        "errors",
        "error",
        "created_at",
        "updated_at",
        "finished_at",
    )
    readonly_fields = ("file_name",)

    @admin.display(description=_("file"))
    def file_name(self, job: CaseImportJob) -> str:
        return job.file.name
