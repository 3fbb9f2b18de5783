"""State changes of the statistics app: taking the daily snapshots (``take_snapshots``) and keeping each
plan's full statistics for a day (``PlanStatistics``: ``store_plan_statistics``, ``refresh_plan_statistics``,
``prune_plan_statistics``).

A snapshot is what ``zhenggai.stats.engine.statistics(problems of the plan, day)`` says about that
day — the plan total and each lead unit's share (``Statistics.units``: its task ids and measure counts,
never a second evaluation of paces). The engine reads the
ledger as it stood at the end of ``day``, so the same call backfills past days.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import orjson
from django.db import transaction
from django.utils import timezone

from zhenggai.core.schedule import Pace
from zhenggai.ledger.models import Plan, Problem
from zhenggai.stats.combine import without_ids
from zhenggai.stats.engine import Statistics, statistics
from zhenggai.stats.models import DailySnapshot, PlanStatistics

__all__ = [
    "KEEP_DAYS",
    "prune_plan_statistics",
    "refresh_plan_statistics",
    "snapshot_rows",
    "store_plan_statistics",
    "take_plan_statistics",
    "take_snapshots",
]

KEEP_DAYS = 35  # a plan's full statistics are kept this many days, and for every month's last day

logger = logging.getLogger(__name__)
_CLOSED = (str(Pace.COMPLETED), str(Pace.SIGNED_OFF))


def snapshot_rows(plan_id: int, day: date, stats: Statistics) -> list[DailySnapshot]:
    """The unsaved rows of one plan's snapshot: the plan total (``unit`` None) and one per lead unit."""
    closed = set(stats.completion["all_tasks"].numerator_ids)
    due = set(stats.completion["due_by_as_of"].denominator_ids)
    overdue, behind = set(stats.overdue), set(stats.behind)
    pace_of = {
        pk: key.removeprefix("pace:") for key, ids in stats.tasks.rows.items() if key.startswith("pace:") for pk in ids
    }

    def by_pace(ids: Iterable[int]) -> dict[str, int]:
        counts = dict.fromkeys(stats.tasks.by_pace, 0)  # the engine's keys, zeros included
        for pk in ids:
            counts[pace_of[pk]] = counts.get(pace_of[pk], 0) + 1
        return counts

    rows = [
        DailySnapshot(
            day=day,
            plan_id=plan_id,
            unit=None,
            tasks_total=stats.tasks.total,
            tasks_closed=len(closed),
            tasks_due=len(due),
            tasks_due_closed=len(due & closed),
            by_pace=dict(stats.tasks.by_pace),
            overdue=len(overdue),
            behind=len(behind),
            measures_total=stats.measures.total,
            measures_closed=sum(stats.measures.by_pace.get(key, 0) for key in _CLOSED),
        )
    ]
    for unit in stats.units:
        ids = set(unit.task_ids)  # by unit id: two units of the same name stay apart
        rows.append(
            DailySnapshot(
                day=day,
                plan_id=plan_id,
                unit_id=unit.unit_id,
                unit_name=unit.unit_name,
                tasks_total=unit.tasks,
                tasks_closed=unit.closed,
                tasks_due=len(ids & due),
                tasks_due_closed=len(ids & due & closed),
                by_pace=by_pace(ids),
                overdue=len(ids & overdue),
                behind=len(ids & behind),
                measures_total=unit.measures,
                measures_closed=unit.measures_closed,
            )
        )
    return rows


def take_snapshots(day: date, *, plans: Iterable[Plan | int] | None = None, acting_user=None) -> int:
    """Write ``day``'s snapshots of ``plans`` (default: every plan), replacing the rows that day already
    had for them; returns how many rows were written.

    Each plan's numbers are computed outside any lock (the engine only reads), then written in a short
    transaction of their own that locks that plan's row: a long run never holds every plan (report
    generation locks the plan row too), and two runs for the same plan serialise on the lock, so the
    delete-then-insert never meets a twin insert. Cost per plan: the engine (12–15 queries), then the
    lock, one delete, one insert. ``acting_user`` is recorded on every row (None: the daily job).
    """
    chosen = Plan.objects.order_by("pk")
    if plans is not None:
        chosen = chosen.filter(pk__in={getattr(plan, "pk", plan) for plan in plans})
    plan_ids = list(chosen.values_list("pk", flat=True))
    written = 0
    for plan_id in plan_ids:
        started = timezone.now()  # what the plan's statistics saw: the ledger from this moment on
        stats = statistics(Problem.objects.filter(plan_id=plan_id), day)
        rows = snapshot_rows(plan_id, day, stats)
        taken_at = timezone.now()
        for row in rows:
            row.taken_at, row.taken_by = taken_at, acting_user
        with transaction.atomic():
            if not Plan.objects.select_for_update().filter(pk=plan_id).values_list("pk", flat=True):
                continue  # deleted meanwhile
            DailySnapshot.objects.filter(day=day, plan_id=plan_id).delete()
            DailySnapshot.objects.bulk_create(rows, batch_size=1000)
            store_plan_statistics(plan_id, day, stats, started)
        written += len(rows)
    rows = written
    logger.debug(
        "statistics snapshots of %s: %d plans, %d rows, by %s", day, len(plan_ids), rows, acting_user or "the job"
    )
    return rows


def store_plan_statistics(plan_id: int, day: date, stats: Statistics, taken_at: datetime) -> None:
    """Keep ``stats`` (the engine on the whole plan) as the plan's statistics of ``day``, replacing any
    row computed before ``taken_at`` (a newer one stays: ``snapshots --as-of`` today must not overwrite
    what a refresh wrote meanwhile). The caller holds the plan's row lock."""
    if PlanStatistics.objects.filter(day=day, plan_id=plan_id, taken_at__gt=taken_at).exists():
        return
    full = stats.to_dict()
    data, counts = (orjson.dumps(d, option=orjson.OPT_NON_STR_KEYS).decode() for d in (full, without_ids(full)))
    problems = len(stats.states)  # ledger_state's problems: the plan's, merged ones left out
    PlanStatistics.objects.filter(day=day, plan_id=plan_id).delete()
    PlanStatistics.objects.create(
        day=day, plan_id=plan_id, data=data, counts=counts, problem_count=problems, taken_at=taken_at
    )


def refresh_plan_statistics(plan_id: int, day: date, *, since: datetime | None = None) -> bool:
    """Recompute the plan's statistics of ``day`` and keep them; False when the plan is gone, or when a
    computation that started at or after ``since`` (the change that asked for this one) is already kept.

    Computed while holding the plan's row lock: two workers refreshing one plan take turns, and the one
    that starts last — after every change before it committed — writes last."""
    with transaction.atomic():
        # FOR NO KEY UPDATE: two refreshes take turns, while adding a problem or a category to the plan
        # (a foreign-key check: FOR KEY SHARE) does not wait for the computation
        if not Plan.objects.select_for_update(no_key=True).filter(pk=plan_id).values_list("pk", flat=True):
            return False
        if since is not None and PlanStatistics.objects.filter(day=day, plan_id=plan_id, taken_at__gte=since).exists():
            return False
        started = timezone.now()
        store_plan_statistics(plan_id, day, statistics(Problem.objects.filter(plan_id=plan_id), day), started)
    return True


def take_plan_statistics(day: date, *, plans: Iterable[int] | None = None) -> int:
    """``refresh_plan_statistics`` for every plan (or ``plans``), in id order; returns how many were kept."""
    chosen = Plan.objects.order_by("pk").values_list("pk", flat=True)
    if plans is not None:
        chosen = chosen.filter(pk__in=list(plans))
    return sum(refresh_plan_statistics(plan_id, day) for plan_id in chosen)


def prune_plan_statistics(today: date) -> int:
    """Drop plans' statistics older than ``KEEP_DAYS``, except the last day of each month (what a
    month-on-month or year-on-year comparison asks for); returns how many rows went."""
    cutoff = today - timedelta(days=KEEP_DAYS)
    old = set(PlanStatistics.objects.filter(day__lt=cutoff).values_list("day", flat=True).distinct())
    doomed = [day for day in old if (day + timedelta(days=1)).month == day.month]
    if not doomed:
        return 0
    deleted, _ = PlanStatistics.objects.filter(day__in=doomed).delete()
    return deleted
