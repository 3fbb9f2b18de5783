"""Import records and pending uploads, read-only: they change only through ``imports.actions``."""

from django.contrib import admin

from zhenggai.imports.models import ImportRecord, PendingImport
from zhenggai.ledger.admin import ReadOnlyAdminMixin


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("filename", "kind", "plan", "created_by", "created_at")
    list_select_related = ("plan", "created_by")
    list_filter = ("kind",)
    search_fields = ("filename", "sha256")
    date_hierarchy = "created_at"


@admin.register(PendingImport)
class PendingImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("filename", "status", "warning_count", "jurisdiction", "plan", "uploaded_by", "created_at")
    list_select_related = ("jurisdiction", "plan", "uploaded_by")
    list_filter = ("status",)
    search_fields = ("filename", "sha256")
    exclude = ("data",)  # the file's bytes: the review page shows its text
