"""Django admin of accountability: transferred problems and persons held accountable, view-only.

Only ``accountability.actions`` write these rows (checks on numbers, handling units and decision documents,
history reasons), so the admin lets administrators browse them and their history (simple-history, with the
linked ledger problems) without changing them. A decision document stays in the private storage: the admin
shows its name and digest and links to the accountability page that serves it after the visibility check,
never into the storage.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from zhenggai.accountability.models import AccountablePerson, TransferredProblem
from zhenggai.ledger.admin import ReadOnlyAdminMixin


def document_link(person: AccountablePerson) -> str:
    if not person.document:
        return "—"
    url = reverse("accountability:document", args=[person.pk])
    return format_html('<a href="{}">{}</a>', url, person.document_name or _("decision document"))


class AccountablePersonInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AccountablePerson
    fields = ("name", "post", "rank", "sanction", "sanction_detail", "decided_on", "publish_name", "document_file")
    readonly_fields = ("document_file",)
    extra = 0
    show_change_link = True

    @admin.display(description=_("decision document"))
    def document_file(self, person: AccountablePerson) -> str:
        return document_link(person)


@admin.register(TransferredProblem)
class TransferredProblemAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("number", "title", "inspection", "handled_by", "status", "transferred_on")
    list_select_related = ("inspection", "handling_unit")
    list_filter = ("status", "inspection")
    search_fields = ("number", "title", "handling_unit__name", "handling_unit_text")
    autocomplete_fields = ("inspection", "handling_unit", "problems")
    inlines = (AccountablePersonInline,)

    @admin.display(description=_("investigating unit"))
    def handled_by(self, transferred: TransferredProblem) -> str:
        return transferred.handled_by


@admin.register(AccountablePerson)
class AccountablePersonAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "post", "rank", "sanction", "decided_on", "publish_name", "transferred_problem")
    list_select_related = ("transferred_problem",)
    list_filter = ("rank", "sanction", "publish_name")
    search_fields = ("name", "post", "transferred_problem__title")
    autocomplete_fields = ("transferred_problem",)
    fields = (
        "transferred_problem",
        "name",
        "post",
        "rank",
        "sanction",
        "sanction_detail",
        "decided_on",
        "publish_name",
        "document_file",
        "document_type",
        "document_size",
        "document_sha256",
        "created_by",
        "created_at",
    )
    readonly_fields = ("document_file", "created_at")

    @admin.display(description=_("decision document"))
    def document_file(self, person: AccountablePerson) -> str:
        return document_link(person)
