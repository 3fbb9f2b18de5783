"""Django admin of export jobs: view-only (who exported which plan, when, how it went).

Jobs change only through ``zhenggai.exports.actions.request_export`` and the ``export_ledger`` task;
the admin shows their state and error to an operator looking for a stuck or failed export.
"""

from __future__ import annotations

from django.contrib import admin

from zhenggai.exports.models import ExportJob
from zhenggai.ledger.admin import ReadOnlyAdminMixin


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "plan", "requested_by", "status", "rows_done", "rows_total", "created_at", "finished_at")
    list_filter = ("status",)
    list_select_related = ("plan", "requested_by")
    search_fields = ("plan__title", "requested_by__username", "sha256")
    date_hierarchy = "created_at"
