"""Daily jobs without a scheduler process: a task re-enqueues itself for the next day at a local hour.

Used by the warning scan (``progress.tasks``) and the statistics snapshots (``stats.tasks``). Only the
database queue (django-tasks-db) keeps a task for later; with another backend nothing is scheduled.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

__all__ = ["next_daily_run", "schedule_daily"]


def next_daily_run(hour: int, now: datetime | None = None) -> datetime:
    """The next ``hour`` o'clock (local time) after ``now``."""
    now = timezone.localtime(now or timezone.now())
    at = timezone.make_aware(datetime.combine(now.date(), time(hour=hour)))
    return at if at > now else at + timedelta(days=1)


def schedule_daily(daily_task, hour: int, now: datetime | None = None) -> bool:
    """Enqueue ``daily_task(None, "schedule")`` for the next ``hour`` o'clock unless one is already waiting
    (database queue only); True when it was enqueued."""
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return False
    from django_tasks_db.models import DBTaskResult

    # Waiting = READY whatever its run_after (``ready()`` would leave out tomorrow's run).
    waiting = DBTaskResult.objects.filter(status="READY", task_path=daily_task.module_path)
    if waiting.filter(args_kwargs__args__1="schedule").exists():
        return False
    daily_task.using(run_after=next_daily_run(hour, now)).enqueue(None, "schedule")
    return True
