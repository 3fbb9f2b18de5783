"""The daily snapshot job (Django's tasks framework; django-tasks-db's queue in production).

Like the warning scan (``zhenggai.progress.tasks``) there is no scheduler: the job re-enqueues
itself for the next day at ``SNAPSHOT_HOUR`` when it finishes, and ``zhenggai snapshots --schedule``
starts the chain (``make serve`` does). It runs after midnight and takes the days that are over:
yesterday, and any earlier day since the last snapshot when the chain was broken for a while (at
most ``CATCH_UP_DAYS``), so a chart has no hole for a night the worker was down. It also computes every
plan's statistics as of *today* (``PlanStatistics``, what the statistics page adds up), which
``refresh_plan_statistics`` then keeps current: a change that refreshes a problem's warnings
(``progress.signals.ledger_changed``) recomputes its plan's row.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.db.models import Max
from django.tasks import task
from django.utils import timezone

from zhenggai.core.daily import next_daily_run, schedule_daily
from zhenggai.ledger.models import Problem
from zhenggai.stats import actions
from zhenggai.stats.actions import take_snapshots
from zhenggai.stats.models import DailySnapshot, PlanStatistics

__all__ = [
    "CATCH_UP_DAYS",
    "SNAPSHOT_HOUR",
    "days_to_take",
    "next_run_time",
    "refresh_plan_statistics",
    "schedule_next",
    "take_daily_snapshots",
]

logger = logging.getLogger(__name__)

SNAPSHOT_HOUR = 1  # local time: the previous day is over, and the 06:00 warning scan is not yet due
CATCH_UP_DAYS = 31


def next_run_time(now: datetime | None = None) -> datetime:
    return next_daily_run(SNAPSHOT_HOUR, now)


def days_to_take(today: date) -> list[date]:
    """Yesterday, preceded by the days missed since the last snapshot (at most ``CATCH_UP_DAYS`` in all)."""
    yesterday = today - timedelta(days=1)
    last = DailySnapshot.objects.filter(day__lt=today).aggregate(last=Max("day"))["last"]
    first = max(last + timedelta(days=1), yesterday - timedelta(days=CATCH_UP_DAYS - 1)) if last else yesterday
    return [first + timedelta(days=n) for n in range((yesterday - first).days + 1)] or [yesterday]


def schedule_next(now: datetime | None = None) -> bool:
    """Enqueue the next daily run unless one is already waiting (database queue only)."""
    return schedule_daily(take_daily_snapshots, SNAPSHOT_HOUR, now)


@task
def take_daily_snapshots(day_iso: str | None = None, trigger: str = "schedule") -> dict:
    """Snapshots of ``day_iso`` (else of the days ``days_to_take`` names); with ``trigger="schedule"``
    it also enqueues tomorrow's run, even when this one failed."""
    try:
        days = [date.fromisoformat(day_iso)] if day_iso else days_to_take(timezone.localdate())
        rows = sum(take_snapshots(day, acting_user=None) for day in days)
        logger.info("daily statistics snapshots: %s, %d rows", ", ".join(map(str, days)), rows)
        today = timezone.localdate()
        actions.take_plan_statistics(today)
        actions.prune_plan_statistics(today)
    finally:
        if trigger == "schedule":
            schedule_next()
    return {"days": [day.isoformat() for day in days], "rows": rows}


@task(takes_context=True)
def refresh_plan_statistics(context, problem_ids: list[int]) -> int:
    """After a change to these problems: their plans' statistics of today, when today's are kept at all
    (the daily job has run); a plan whose computation started after this task was enqueued already saw
    the change and is left alone (an import's hundred changes cost one computation). Returns how many
    plans were recomputed."""
    today = timezone.localdate()
    if not PlanStatistics.objects.filter(day=today).exists():
        return 0
    plans = Problem.objects.filter(pk__in=problem_ids).order_by("plan_id").values_list("plan_id", flat=True)
    since = context.task_result.enqueued_at
    return sum(actions.refresh_plan_statistics(plan_id, today, since=since) for plan_id in plans.distinct())
