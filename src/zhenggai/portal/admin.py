"""The portal's tables in Django admin: view-only, so no publication or withdrawal skips the actions."""

from __future__ import annotations

from django.contrib import admin

from zhenggai.portal.models import Publication, PublishedItem


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PublicationInline(admin.TabularInline):
    model = Publication
    fields = ("version", "title", "published_at", "published_by", "note", "payload")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PublishedItem)
class PublishedItemAdmin(ReadOnlyAdmin):
    list_display = ("kind", "title", "code", "current_version", "published_at", "withdrawn_at")
    list_filter = ("kind",)
    search_fields = ("title", "key", "code")
    list_select_related = ("jurisdiction",)
    readonly_fields = ("code",)  # not editable, so admin would otherwise leave it out
    inlines = [PublicationInline]
