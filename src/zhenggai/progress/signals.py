"""Keep today's warnings and digests right when the ledger changes under them.

A reassignment (``Assignment`` saved or deleted), a problem or measure created, deleted or changed in
its deadline, status or merge, or a plan's schedule saved (every problem of the plan) re-evaluates that
problem in today's warning run — warnings, standing, reporting shares — and rebuilds the affected
users' in-app digests after the transaction commits (no second e-mail); ``ledger_changed`` then tells
other apps (the statistics app recomputes the plans' statistics of today). Receivers only enqueue a task: the
ledger's actions stay unaware of the progress app.
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from zhenggai.ledger.models import Assignment, Measure, Problem
from zhenggai.progress.models import PlanSchedule

# A deadline changes the warnings; a status (completed, signed off) or a merge the dashboard's standings.
_REFRESH_FIELDS = ("due_raw", "due_date", "due_immediate", "due_long_term", "status", "merged_into")


_state = threading.local()


# Sent after the commit of a change that refreshes problems' warnings (``problem_ids``): other apps
# keep their derived data current from it (the statistics app, its plans' statistics of today).
ledger_changed = Signal()


def _flush() -> None:
    from zhenggai.progress.tasks import refresh_problem_warnings

    ids, _state.ids = getattr(_state, "ids", None) or set(), None
    for problem_id in sorted(ids):
        refresh_problem_warnings.enqueue(problem_id, True)
    if ids:
        ledger_changed.send(sender=None, problem_ids=sorted(ids))


def refresh_after_commit(problem_id: int | None) -> None:
    """One task per problem per transaction (an import saves a problem many times)."""
    if problem_id is None:
        return
    pending = getattr(_state, "ids", None)
    waiting = pending is not None and any(
        func is _flush for _sids, func, _robust in transaction.get_connection().run_on_commit
    )
    if waiting:
        pending.add(problem_id)
        return
    _state.ids = {problem_id}  # a rolled-back transaction's ids are dropped here
    transaction.on_commit(_flush)


@receiver([post_save, post_delete], sender=Assignment, dispatch_uid="progress_assignment_changed")
def assignment_changed(sender, instance: Assignment, **kwargs) -> None:
    refresh_after_commit(instance.problem_id)


@receiver(post_save, sender=Measure, dispatch_uid="progress_measure_saved")
@receiver(post_save, sender=Problem, dispatch_uid="progress_problem_saved")
def item_saved(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    # A new problem or measure counts too: the dashboard's standings and the plan's statistics hold it.
    if not created and update_fields and not set(update_fields) & set(_REFRESH_FIELDS):
        return
    refresh_after_commit(instance.problem_id if sender is Measure else instance.pk)


@receiver(post_delete, sender=Measure, dispatch_uid="progress_measure_deleted")
@receiver(post_delete, sender=Problem, dispatch_uid="progress_problem_deleted")
def item_deleted(sender, instance, **kwargs) -> None:
    refresh_after_commit(instance.problem_id if sender is Measure else instance.pk)


@receiver(post_save, sender=PlanSchedule, dispatch_uid="progress_schedule_saved")
def schedule_saved(sender, instance: PlanSchedule, **kwargs) -> None:
    """A cadence, window or start date changes every pace and reporting figure of the plan."""
    for problem_id in Problem.objects.filter(plan_id=instance.plan_id).values_list("pk", flat=True):
        refresh_after_commit(problem_id)
