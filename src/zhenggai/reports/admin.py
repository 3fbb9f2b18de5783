"""Django admin of generated reports and report templates: view-only, with the templates' history.

Both change only through ``zhenggai.reports.actions`` (numbered frozen versions; checked uploads and
retirements with their history rows), so the admin lets administrators browse them and nothing more.
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zhenggai.ledger.admin import ReadOnlyAdminMixin
from zhenggai.reports.models import GeneratedReport, ReportTemplate


@admin.register(ReportTemplate)
class ReportTemplateAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "plan", "jurisdiction", "is_active", "uploaded_by", "uploaded_at", "sha256")
    list_filter = ("is_active",)
    list_select_related = ("plan", "jurisdiction", "uploaded_by")
    search_fields = ("name", "original_name", "sha256")


@admin.register(GeneratedReport)
class GeneratedReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("plan", "version", "as_of", "title", "template", "created_by", "created_at", "sha256")
    list_select_related = ("plan", "template", "created_by")
    search_fields = ("title", "sha256", "plan__title")
    date_hierarchy = "as_of"
