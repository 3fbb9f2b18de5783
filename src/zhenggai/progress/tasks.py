"""Background tasks (Django's tasks framework; django-tasks-db's queue in production).

There is no scheduler process: the daily scan re-enqueues itself for the next day at
``WARNING_SCAN_HOUR`` when it finishes, so a running ``zhenggai db_worker`` keeps the rhythm.
``zhenggai warnings --schedule`` starts the chain (run it once after deploying); a chain that broke
shows up as a stale last run on the admin's job page and the dashboard.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from zhenggai.core.daily import next_daily_run, schedule_daily
from zhenggai.progress import jobs

__all__ = ["next_scan_time", "refresh_problem_warnings", "scan_warnings", "schedule_next_scan"]


def next_scan_time(now: datetime | None = None) -> datetime:
    return next_daily_run(settings.WARNING_SCAN_HOUR, now)


def schedule_next_scan(now: datetime | None = None) -> bool:
    """Enqueue the next daily scan unless one is already waiting (database queue only)."""
    return schedule_daily(scan_warnings, settings.WARNING_SCAN_HOUR, now)


@task
def scan_warnings(as_of_iso: str | None = None, trigger: str = "schedule") -> dict:
    """The daily warning scan; with ``trigger="schedule"`` it also sends the day's digests and
    enqueues tomorrow's scan."""
    as_of = date.fromisoformat(as_of_iso) if as_of_iso else timezone.localdate()
    try:
        run = jobs.run_warning_scan(as_of, trigger=trigger)
        sent = 0
        if trigger == "schedule":
            from zhenggai.progress.notify import send_digests

            sent = send_digests(run)
    finally:
        if trigger == "schedule":
            schedule_next_scan()
    return {"run": run.pk, "warnings": run.item_count, "digests": sent}


@task
def refresh_problem_warnings(problem_id: int, digests: bool = False) -> int:
    """After a report, an extension, a reassignment or a deadline change: the problem's warnings in
    today's run; with ``digests`` also the in-app digests of the users concerned (never a new mail)."""
    found = jobs.refresh_problem(problem_id)
    if digests:
        from zhenggai.progress.notify import rebuild_digests_for

        rebuild_digests_for(problem_id)
    return found
