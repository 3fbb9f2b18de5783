"""Django admin of acceptance and sign-off (验收销号).

Acceptance chains are configuration: offices set up each level's chain (or one plan's) here, steps
inline, with the chain's history through simple-history. A chain's steps are locked while a request
is under review or in public notice on it (requests walk the steps by position). Everything else is view-only: requests,
signed decisions, public notices and objections, reopenings and look-back campaigns change only through
``acceptance.actions`` and ``acceptance.campaigns`` (append-only signed rows, race-safe transitions).
The decisions list recomputes each signature (``signatures.verify``), so a record edited in the
database, a changed item or an altered file shows at a glance.
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from zhenggai.acceptance.campaigns import campaign_counts
from zhenggai.acceptance.choices import OPEN_REQUEST_STATUSES
from zhenggai.acceptance.models import (
    AcceptanceAttachment,
    AcceptanceChain,
    AcceptanceRequest,
    ChainStep,
    LookbackCampaign,
    LookbackFinding,
    Objection,
    PublicNotice,
    Reopening,
    StepDecision,
    WorkdayOverride,
)
from zhenggai.acceptance.signatures import verify
from zhenggai.ledger.admin import ReadOnlyAdminMixin

# --- chains (editable) ----------------------------------------------------------------------------


def chain_in_use(chain) -> bool:
    """A request under review or in public notice walks the chain's steps by position: while one does,
    the steps stay as they are (the chain's name and notice length may still change)."""
    return (
        chain is not None and AcceptanceRequest.objects.filter(chain=chain, status__in=OPEN_REQUEST_STATUSES).exists()
    )


class ChainStepInline(admin.TabularInline):
    model = ChainStep
    fields = ("position", "name", "kind", "actor_level")
    extra = 0
    ordering = ("position",)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not chain_in_use(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not chain_in_use(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not chain_in_use(obj)


@admin.register(AcceptanceChain)
class AcceptanceChainAdmin(SimpleHistoryAdmin):
    list_display = ("name", "subject", "plan_level", "plan", "notice_workdays", "allow_same_person")
    list_select_related = ("plan",)
    list_filter = ("subject", "plan_level")
    search_fields = ("name", "plan__title")
    autocomplete_fields = ("plan",)
    inlines = (ChainStepInline,)


# --- requests and their signed decisions (view-only) ---------------------------------------------


class StepDecisionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StepDecision
    fields = ("round", "position", "step", "decision", "opinion", "actor", "acting_unit", "acted_at", "content_hash")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("step", "actor", "acting_unit")


class AcceptanceAttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AcceptanceAttachment
    fields = ("original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


@admin.register(AcceptanceRequest)
class AcceptanceRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "problem",
        "case",
        "unit",
        "status",
        "round",
        "position",
        "requested_by",
        "requested_at",
    )
    list_select_related = ("problem", "case", "unit", "requested_by")
    list_filter = ("status",)
    search_fields = ("problem__title", "problem__number_text", "case__number", "report")
    date_hierarchy = "requested_at"
    inlines = (AcceptanceAttachmentInline, StepDecisionInline)


@admin.register(StepDecision)
class StepDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "request",
        "step",
        "decision",
        "actor",
        "acting_unit",
        "acted_at",
        "short_hash",
        "verification",
    )
    list_select_related = ("request", "step", "actor", "acting_unit")
    list_filter = ("decision",)
    list_per_page = 50  # each row re-reads its item and hashes its files
    fields = (
        "request",
        "step",
        "round",
        "position",
        "decision",
        "opinion",
        "actor",
        "acting_unit",
        "acted_at",
        "content_hash",
        "verification",
        "content",
    )
    readonly_fields = ("verification", "content")

    @admin.display(description=_("SHA-256"))
    def short_hash(self, decision: StepDecision) -> str:
        return f"{decision.content_hash[:12]}…"

    @admin.display(description=_("verify"))
    def verification(self, decision: StepDecision):
        result = verify(decision)
        if result.ok:
            return format_html('<span style="color: green">✓ {}</span>', _("intact"))
        problems = ([] if result.record_intact else [str(_("record not intact"))]) + result.changes
        return format_html('<span style="color: #b00">✗ {}</span>', "；".join(problems))

    @admin.display(description=_("content signed"))
    def content(self, decision: StepDecision):
        text = json.dumps(decision.frozen_content, ensure_ascii=False, indent=1, sort_keys=True)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


# --- public notices and objections (view-only) -----------------------------------------------------


class ObjectionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Objection
    fields = ("name", "contact", "text", "submitted_at", "status", "handled_by", "handled_at", "handling_note")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("handled_by")


@admin.register(PublicNotice)
class PublicNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "request", "round", "starts_on", "ends_on", "closed_at")
    list_select_related = ("request",)
    date_hierarchy = "starts_on"
    inlines = (ObjectionInline,)


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "notice", "name", "submitted_at", "submitted_ip", "status", "handled_by", "handled_at")
    list_select_related = ("notice", "handled_by")
    list_filter = ("status",)
    search_fields = ("name", "text")


# --- reopenings and look-back campaigns (view-only) -------------------------------------------------


@admin.register(Reopening)
class ReopeningAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("problem", "kind", "reason", "finding", "reopened_by", "reopened_at")
    list_select_related = ("problem", "finding", "reopened_by")
    list_filter = ("kind",)


class LookbackFindingInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LookbackFinding
    fields = ("problem", "result", "finding", "checked_by", "checked_at")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("problem", "checked_by")


@admin.register(LookbackCampaign)
class LookbackCampaignAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "jurisdiction", "created_by", "created_at")
    list_select_related = ("jurisdiction", "created_by")
    fields = ("name", "jurisdiction", "selection", "created_by", "created_at", "counts")
    readonly_fields = ("counts",)
    inlines = (LookbackFindingInline,)

    @admin.display(description=_("progress"))
    def counts(self, campaign: LookbackCampaign) -> str:
        return "，".join(f"{key} {value}" for key, value in campaign_counts(campaign).items())


@admin.register(LookbackFinding)
class LookbackFindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "campaign", "problem", "result", "checked_by", "checked_at")
    list_select_related = ("campaign", "problem", "checked_by")
    list_filter = ("result",)


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(SimpleHistoryAdmin):
    """Offices enter published holidays and 调休 days here for years the calendar library lacks."""

    list_display = ("day", "is_working_day", "note")
    list_filter = ("is_working_day",)
    date_hierarchy = "day"
