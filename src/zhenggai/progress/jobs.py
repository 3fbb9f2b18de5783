"""The warning job (预警计算): compute every item's warnings for a date and keep them as one run.

Pages read the warnings of the latest successful run (``current_run``), and the dashboard each
problem's standing and each lead unit's reporting share stored with them (``write_standings``), so a
scan is the only place the whole ledger is evaluated; a change to a problem (``progress.signals``)
refreshes just that problem in the run (``refresh_problem``). A failed scan leaves its error on its ``WarningRun`` row
and the previous run's warnings in place.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from zhenggai.ledger.models import Problem
from zhenggai.progress.choices import RunStatus
from zhenggai.progress.dashboard import reporting_tally
from zhenggai.progress.figures import overdue_days
from zhenggai.progress.models import ProblemStanding, ReportingShare, WarningItem, WarningRun
from zhenggai.progress.status import ProblemState, ledger_state

__all__ = [
    "analyze_run_tables",
    "current_run",
    "refresh_problem",
    "run_warning_scan",
    "warning_rows",
    "write_standings",
]

logger = logging.getLogger(__name__)
_BATCH = 2000


def warning_rows(states: Iterable[ProblemState], run: WarningRun | None = None) -> list[WarningItem]:
    return [
        WarningItem(
            run=run,
            plan_id=state.plan_id,
            problem_id=item.problem_id,
            measure_id=item.measure_id,
            kind=str(kind),
            grade=str(grade),
            reason=reason,
        )
        for state in states
        for item in state.items
        for kind, grade, reason in item.warnings
    ]


def write_standings(run: WarningRun, states: dict[int, ProblemState]) -> None:
    """Store each problem's standing and each lead unit's reporting share in ``run`` (what the dashboard
    sums for today instead of evaluating the ledger: ``progress.figures.run_figures``)."""
    ProblemStanding.objects.bulk_create(
        [
            ProblemStanding(
                run=run, problem_id=pk, pace=str(state.pace or ""), overdue_days=overdue_days(state, run.as_of)
            )
            for pk, state in states.items()
        ],
        batch_size=_BATCH,
    )
    tally = reporting_tally(states, run.as_of)
    ReportingShare.objects.bulk_create(
        [
            ReportingShare(
                run=run,
                problem_id=problem_id,
                unit_id=unit_id,
                expected=share.expected,
                on_time=share.on_time,
                missing=share.missing,
                window_close=share.window_close,
            )
            for (problem_id, unit_id), share in tally.shares.items()
        ],
        batch_size=_BATCH,
    )


def current_run() -> WarningRun | None:
    """The latest successful run: the warnings every page shows."""
    return WarningRun.objects.filter(status=RunStatus.SUCCEEDED).order_by("-started_at", "-pk").first()


def run_warning_scan(as_of: date, *, trigger: str = "schedule", problems: QuerySet | None = None) -> WarningRun:
    """Evaluate the ledger on ``as_of`` and store the warnings as a new run; errors are recorded, then raised."""
    run = WarningRun.objects.create(as_of=as_of, trigger=trigger, started_at=timezone.now())
    try:
        with transaction.atomic():
            states = ledger_state(problems if problems is not None else Problem.objects.all(), as_of)
            rows = warning_rows(states.values(), run)
            WarningItem.objects.bulk_create(rows, batch_size=_BATCH)
            write_standings(run, states)
            run.item_count = len(rows)
    except Exception:
        run.status, run.error, run.finished_at = RunStatus.FAILED, traceback.format_exc(), timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        logger.exception("warning scan for %s failed", as_of)
        raise
    run.status, run.finished_at = RunStatus.SUCCEEDED, timezone.now()
    run.save(update_fields=["status", "item_count", "finished_at"])
    # Only the current run's standings are read; older ones would grow by a ledger's size a day. A scan
    # of part of the ledger (``--plan``) keeps them: the dashboard then computes live (no row for the rest).
    if problems is None:
        for model in (ProblemStanding, ReportingShare):
            model.objects.exclude(run=run).delete()
    analyze_run_tables()
    return run


def analyze_run_tables() -> None:
    """Refresh PostgreSQL's statistics of the tables a scan just filled. Until autovacuum gets to them, the
    planner takes the new run for a handful of rows and joins its thousands of warnings to the visibility
    rule row by row: the dashboard's warning count took 0.3–0.4 s instead of a few ms (national data)."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (WarningItem, ProblemStanding, ReportingShare)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in tables))


@transaction.atomic
def refresh_problem(problem_id: int) -> int:
    """Re-evaluate one problem (and its aspects) in the current run, if that run is for today."""
    run = current_run()
    if run is None or run.as_of != timezone.localdate():
        return 0
    # Two refreshes of one problem (a report and a reassignment a moment apart, on two workers) take
    # turns: otherwise both delete, both insert, and the rows of the earlier reading may be the ones kept.
    if not Problem.objects.select_for_update().filter(pk=problem_id).values_list("pk", flat=True):
        return 0  # deleted since: its rows went with it (on_delete CASCADE)
    problems = Problem.objects.filter(pk=problem_id) | Problem.objects.filter(parent_id=problem_id)
    ids = list(problems.values_list("pk", flat=True))  # a problem merged since the run loses its rows
    states = ledger_state(problems, run.as_of)
    for model in (WarningItem, ProblemStanding, ReportingShare):
        model.objects.filter(run=run, problem_id__in=ids).delete()
    rows = warning_rows(states.values(), run)
    WarningItem.objects.bulk_create(rows)
    write_standings(run, states)
    return len(rows)
