"""Django admin of the statistics snapshots: view-only (they are derived; ``zhenggai snapshots`` or the
daily job rewrites them from the ledger's history)."""

from __future__ import annotations

from django.contrib import admin

from zhenggai.ledger.admin import ReadOnlyAdminMixin
from zhenggai.stats.models import DailySnapshot, PlanStatistics


@admin.register(DailySnapshot)
class DailySnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "day",
        "plan",
        "unit_name",
        "tasks_total",
        "tasks_closed",
        "overdue",
        "behind",
        "measures_total",
        "measures_closed",
        "taken_at",
        "taken_by",
    )
    list_filter = ("day",)
    list_select_related = ("plan", "taken_by")
    search_fields = ("unit_name", "plan__title")
    date_hierarchy = "day"


@admin.register(PlanStatistics)
class PlanStatisticsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("day", "plan", "taken_at")
    list_filter = ("day",)
    list_select_related = ("plan",)
    exclude = ("data",)  # a plan's ids behind every number: too long to show
    date_hierarchy = "day"
