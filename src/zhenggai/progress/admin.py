"""Django admin of progress scheduling.

The warning job's runs are its health page: the list shows every run (status, duration, warnings
found, the error's headline), a summary above it says whether the flags the pages show are stale,
and an action runs the scan now. Reports, warnings, extensions, escalations and notifications are
view-only here — they change only through ``zhenggai.progress.actions`` (append-only rows, race-safe
decisions). A plan's schedule and the muted units are ordinary settings and may be edited.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from zhenggai.accounts.choices import Role
from zhenggai.ledger.admin import ReadOnlyAdminMixin
from zhenggai.progress.api.serializers import evidence_download_url
from zhenggai.progress.choices import RunStatus
from zhenggai.progress.jobs import current_run
from zhenggai.progress.models import (
    DeadlineExtension,
    Escalation,
    Evidence,
    Indicator,
    Notification,
    NotificationMute,
    PlanSchedule,
    ProgressReport,
    WarningItem,
    WarningRun,
)

RUN_SCAN_ACTION = "run_warning_scan"


def error_headline(error: str) -> str:
    """The one line that says what went wrong: a traceback's last line (the exception), else the first line."""
    lines = [line.strip() for line in (error or "").splitlines() if line.strip()]
    if not lines:
        return ""
    return lines[-1] if lines[0].startswith("Traceback") else lines[0]


def scan_queue_state() -> dict | None:
    """Waiting and running ``scan_warnings`` tasks in django-tasks-db's queue; None when tasks do not go
    through that queue (the ImmediateBackend runs them inside the request)."""
    if "django_tasks_db" not in settings.TASKS.get("default", {}).get("BACKEND", ""):
        return None
    from django_tasks_db.models import DBTaskResult

    from zhenggai.progress.tasks import scan_warnings

    waiting = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
    tasks = DBTaskResult.objects.filter(task_path=scan_warnings.module_path, status__in=waiting)
    try:
        with transaction.atomic():
            counts = dict(tasks.order_by().values_list("status").annotate(n=Count("pk")))
            next_run = (
                tasks.filter(status=TaskResultStatus.READY)
                .order_by("run_after")
                .values_list("run_after", flat=True)
                .first()
            )
    except DatabaseError:
        return {"unavailable": True}
    if next_run is not None and next_run.year >= 9999:
        next_run = None  # django-tasks-db's "no run_after": as soon as a worker is free
    return {
        "ready": counts.get(TaskResultStatus.READY, 0),
        "running": counts.get(TaskResultStatus.RUNNING, 0),
        "next_run_after": next_run,
    }


def job_health(now: datetime | None = None) -> dict:
    """What the health summary above the runs shows."""
    now = now or timezone.now()
    last_success = current_run()
    last_failure = WarningRun.objects.filter(status=RunStatus.FAILED).order_by("-started_at", "-pk").first()
    age = None
    if last_success is not None:
        age = now - (last_success.finished_at or last_success.started_at)
    stale_after = timedelta(hours=settings.WARNING_STALE_HOURS)
    return {
        "last_success": last_success,
        "age": age,
        "age_hours": None if age is None else round(age.total_seconds() / 3600, 1),
        "stale": age is None or age > stale_after,
        "stale_hours": settings.WARNING_STALE_HOURS,
        "last_failure": last_failure,
        "last_failure_headline": error_headline(last_failure.error) if last_failure else "",
        "failure_is_latest": bool(
            last_failure and (last_success is None or last_failure.started_at > last_success.started_at)
        ),
        "queue": scan_queue_state(),
    }


@admin.register(WarningRun)
class WarningRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The warning job's health page (no relations to select: the rows have no foreign keys)."""

    list_display = (
        "as_of",
        "trigger",
        "status",
        "started_at",
        "finished_at",
        "duration",
        "item_count",
        "error_summary",
    )
    list_filter = ("status", "trigger")
    fields = ("as_of", "trigger", "status", "started_at", "finished_at", "duration", "item_count", "error_text")
    readonly_fields = ("duration", "error_text")
    actions = (RUN_SCAN_ACTION,)

    @admin.display(description=_("duration (s)"))
    def duration(self, run: WarningRun):
        return run.duration_seconds

    @admin.display(description=_("error"))
    def error_summary(self, run: WarningRun) -> str:
        return error_headline(run.error)

    @admin.display(description=_("error"))
    def error_text(self, run: WarningRun):
        if not run.error:
            return "—"
        return format_html('<pre id="run-error" style="white-space: pre-wrap">{}</pre>', run.error)

    def has_run_scan_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and (user.is_superuser or user.role == Role.ADMIN))

    @admin.action(description=_("Run the warning scan now"), permissions=["run_scan"])
    def run_warning_scan(self, request, queryset=None):
        """Enqueue a scan for today (trigger "manual": no digests, no re-scheduling). The rows selected,
        if any, do not matter."""
        from zhenggai.progress.tasks import scan_warnings

        result = scan_warnings.enqueue(None, "manual")
        if result.status == TaskResultStatus.SUCCESSFUL:
            value = result.return_value
            self.message_user(
                request,
                gettext("The warning scan finished: run %(run)s found %(count)d warnings.")
                % {"run": value["run"], "count": value["warnings"]},
                messages.SUCCESS,
            )
        elif result.status == TaskResultStatus.FAILED:
            self.message_user(request, gettext("The warning scan failed; its run shows the error."), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("The warning scan is queued; a worker (zhenggai db_worker) will run it."),
                messages.INFO,
            )

    def changelist_view(self, request, extra_context=None):
        wants_scan = request.method == "POST" and request.POST.get("action") == RUN_SCAN_ACTION
        if wants_scan and not request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            # "Run now" needs no selection (and works before the first run): the button above the list
            # posts the action alone; Django would refuse an action without selected rows.
            if not self.has_run_scan_permission(request):
                raise PermissionDenied
            self.run_warning_scan(request)
            return HttpResponseRedirect(request.get_full_path())
        context = {
            **(extra_context or {}),
            "job_health": job_health(),
            "can_run_scan": self.has_run_scan_permission(request),
            "run_scan_action": RUN_SCAN_ACTION,
        }
        return super().changelist_view(request, extra_context=context)


@admin.register(WarningItem)
class WarningItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("run", "grade", "kind", "plan", "problem", "measure", "reason")
    list_select_related = ("run", "plan", "problem", "measure")
    list_filter = ("grade", "kind")
    show_full_result_count = False  # every run keeps its rows: the table grows by a ledger's worth a day


class IndicatorInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Indicator
    fields = ("name", "unit", "target", "achieved", "note")
    extra = 0


class EvidenceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Evidence
    fields = ("original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at", "download")
    readonly_fields = ("download",)
    extra = 0

    @admin.display(description=_("download"))
    def download(self, evidence: Evidence):
        return format_html('<a href="{}">{}</a>', evidence_download_url(evidence.pk), evidence.original_name)


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "problem",
        "measure",
        "unit",
        "period_start",
        "period_end",
        "percent",
        "claimed_status",
        "version",
        "is_current",
        "reporter",
        "submitted_at",
    )
    list_select_related = ("problem", "measure", "unit", "reporter")
    list_filter = ("is_current", "claimed_status")
    search_fields = ("narrative", "problem__title", "problem__number_text")
    inlines = (IndicatorInline, EvidenceInline)


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "problem",
        "measure",
        "requested_raw",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    )
    list_select_related = ("problem", "measure", "requested_by", "decided_by")
    list_filter = ("status",)


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("kind", "problem", "measure", "to_unit", "doc_reference", "suggested_by_grade", "created_by")
    list_select_related = ("problem", "measure", "to_unit", "created_by")
    list_filter = ("kind", "suggested_by_grade")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("day", "user", "subject", "item_count", "emailed_at", "read_at")
    list_select_related = ("user",)
    search_fields = ("subject", "user__username")


@admin.register(PlanSchedule)
class PlanScheduleAdmin(SimpleHistoryAdmin):
    list_display = ("plan", "cadence", "window_start_day", "window_end_day", "starts_on", "tolerance")
    list_select_related = ("plan",)
    list_filter = ("cadence",)
    autocomplete_fields = ("plan",)


@admin.register(NotificationMute)
class NotificationMuteAdmin(admin.ModelAdmin):
    list_display = ("unit", "muted_by", "muted_at", "reason")
    list_select_related = ("unit", "muted_by")
    autocomplete_fields = ("unit",)
    readonly_fields = ("muted_by", "muted_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.muted_by = request.user
        super().save_model(request, obj, form, change)
