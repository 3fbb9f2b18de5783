"""State changes of the statistics app: taking the daily snapshots (``take_snapshots``).

A snapshot is what ``zhenggai.stats.engine.statistics(problems of the plan, day)`` says about that
day — the plan total and each lead unit's share (``Statistics.units`` and the task ids the engine
lists under ``Counts.rows["unit:<name>"]``, never a second evaluation of paces). The engine reads the
ledger as it stood at the end of ``day``, so the same call backfills past days.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from zhenggai.core.schedule import Pace
from zhenggai.ledger.models import Plan, Problem
from zhenggai.stats.engine import Statistics, statistics
from zhenggai.stats.models import DailySnapshot

__all__ = ["snapshot_rows", "take_snapshots"]

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
        ids = set(stats.tasks.rows.get(f"unit:{unit.unit_name}", ()))
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
                measures_total=stats.measures.by_lead_unit.get(unit.unit_name, 0),
                measures_closed=None,  # not given per unit by the engine (see the model)
            )
        )
    return rows


def take_snapshots(day: date, *, plans: Iterable[Plan | int] | None = None, acting_user=None) -> int:
    """Write ``day``'s snapshots of ``plans`` (default: every plan) in one transaction, replacing the
    rows that day already had for them; returns how many rows were written.

    Cost: one query locking the plans, the engine per plan (10–13 queries), one delete, one insert.
    ``acting_user`` is recorded on every row (None: the daily job).
    """
    plan_ids = None if plans is None else sorted({getattr(plan, "pk", plan) for plan in plans})
    with transaction.atomic():
        chosen = Plan.objects.order_by("pk")
        if plan_ids is not None:
            chosen = chosen.filter(pk__in=plan_ids)
        # Row locks serialise two runs for the same plans on PostgreSQL (SQLite's IMMEDIATE
        # transactions already do), so the delete-then-insert below never meets a twin insert.
        plan_ids = list(chosen.select_for_update().values_list("pk", flat=True))
        rows: list[DailySnapshot] = []
        for plan_id in plan_ids:
            rows += snapshot_rows(plan_id, day, statistics(Problem.objects.filter(plan_id=plan_id), day))
        taken_at = timezone.now()
        for row in rows:
            row.taken_at, row.taken_by = taken_at, acting_user
        DailySnapshot.objects.filter(day=day, plan_id__in=plan_ids).delete()
        DailySnapshot.objects.bulk_create(rows, batch_size=1000)
    logger.debug(
        "statistics snapshots of %s: %d plans, %d rows, by %s", day, len(plan_ids), len(rows), acting_user or "the job"
    )
    return len(rows)
