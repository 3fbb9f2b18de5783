"""The office dashboard's figures (整改调度看板): computed live from the ledger, or read from the warning run.

``live_figures`` evaluates the visible ledger on any date (``ledger_state`` over every visible problem,
then the reporting rule of ``dashboard.reporting_overview``): its cost grows with the number of problems,
about 0.2 s for a province's 400 problems and 7 s for a country's 10,000 on the benchmark machine.

``run_figures`` serves the same figures for *today* from what the morning's warning run stored
(``ProblemStanding``: each problem's pace and days overdue; ``ReportingShare``: each lead unit's
reporting on each problem), summed over the problems the user sees in a handful of indexed queries, and
lists the problems with the run's own warnings (at most ``LIST_LIMIT`` per list). The run keeps those rows
as fresh as its warnings: a report, an extension, a reassignment, a deadline or a status change
re-evaluates its problem in the run (``jobs.refresh_problem``). When the user sees a problem the run
has no row for (imported after the scan), it answers None and the caller computes live.

Both orders are the same: overdue by days overdue (most first, then problem id), the other lists by
problem id, so the two sources give the same page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Min, Q, Sum

from zhenggai.accounts.scope import ALL, scope_for
from zhenggai.ledger.models import Problem
from zhenggai.progress.choices import Pace, WarningKind
from zhenggai.progress.dashboard import (
    Counts,
    ReportingOverview,
    Share,
    lead_units,
    overview_from_units,
    reporting_overview,
    state_counts,
)
from zhenggai.progress.models import ProblemStanding, ReportingShare, WarningItem, WarningRun
from zhenggai.progress.status import ItemState, ProblemState, ledger_state

__all__ = ["LIST_LIMIT", "DashboardFigures", "Listed", "live_figures", "overdue_days", "run_figures"]

LIST_LIMIT = 50  # rows shown in each dashboard list


@dataclass(frozen=True)
class Listed:
    """A problem as a dashboard list shows it: pace, days overdue (0 when not overdue) and its warnings
    (kind, grade, reason) in item order."""

    problem_id: int
    pace: str
    days_overdue: int
    warnings: list[tuple[str, str, str]]

    @classmethod
    def of(cls, state: ProblemState, as_of: date) -> Listed:
        warnings = [(str(k), str(g), r) for item in state.items for k, g, r in item.warnings]
        return cls(state.problem_id, str(state.pace or ""), overdue_days(state, as_of) or 0, warnings)


@dataclass
class DashboardFigures:
    problem_count: int
    counts: Counts  # problems by pace; warnings by grade and kind (the caller may take these from the run)
    overdue_count: int
    behind_count: int
    drill_count: int
    overview: ReportingOverview
    # the listed problems (at most LIST_LIMIT each), in list order
    overdue: list[Listed] = field(default_factory=list)
    behind: list[Listed] = field(default_factory=list)
    drill_problems: list[Listed] = field(default_factory=list)
    drill_items: list[tuple[ItemState, tuple]] = field(default_factory=list)  # (item, warning)
    leads: dict = field(default_factory=dict)  # (problem id, None) → [(unit id, name)] for the listed problems


def overdue_days(state: ProblemState, as_of: date) -> int | None:
    """How many days the problem's most overdue item is past due; None when no item has an overdue warning."""
    if not any(kind == WarningKind.OVERDUE for item in state.items for kind, _grade, _reason in item.warnings):
        return None
    return max((((as_of - i.facts.due).days) for i in state.items if i.facts.due and i.facts.due < as_of), default=0)


def live_figures(problems, as_of: date, drill: dict) -> DashboardFigures:
    """Every figure computed from ``ledger_state(problems, as_of)``; ``drill`` may name a pace, a grade, a kind."""
    states = ledger_state(problems, as_of)
    days = {pk: overdue_days(state, as_of) for pk, state in states.items()}
    late = [s for s in states.values() if days[s.problem_id] is not None]
    overdue = sorted(late, key=lambda s: (-days[s.problem_id], s.problem_id))
    by_id = sorted(states.values(), key=lambda s: s.problem_id)
    behind = [s for s in by_id if s.pace == Pace.BEHIND]
    drill_problems = [s for s in by_id if s.pace == drill["pace"]] if "pace" in drill else []
    drill_items = []
    if "grade" in drill or "kind" in drill:
        drill_items = [
            (item, warning)
            for s in by_id
            for item in s.items
            for warning in item.warnings
            if drill.get("grade", warning[1]) == warning[1] and drill.get("kind", warning[0]) == warning[0]
        ]
    overview = reporting_overview(states, as_of)
    return DashboardFigures(
        problem_count=len(states),
        counts=state_counts(states),
        overdue_count=len(overdue),
        behind_count=len(behind),
        drill_count=len(drill_problems) + len(drill_items),
        overview=overview,
        overdue=[Listed.of(s, as_of) for s in overdue[:LIST_LIMIT]],
        behind=[Listed.of(s, as_of) for s in behind[:LIST_LIMIT]],
        drill_problems=[Listed.of(s, as_of) for s in drill_problems[:LIST_LIMIT]],
        drill_items=drill_items[:LIST_LIMIT],
        leads=overview.leads,
    )


def run_figures(run: WarningRun, user, drill_pace: str | None = None) -> DashboardFigures | None:
    """The figures of ``run.as_of`` for the problems ``user`` sees, from the run's stored rows; None when a
    visible problem has no row in the run. Warning counts are left empty (``dashboard.run_counts`` reads
    them from the run's warnings). Queries: the visible problems' ids (a count for a user who sees
    everything), paces summed, the overdue list, the behind list, the drill list when asked, the
    listed problems' warnings, the units' reporting summed, the listed problems' lead units."""
    live = Problem.objects.visible_to(user).filter(merged_into__isnull=True)
    standings = ProblemStanding.objects.filter(run=run)
    shares = ReportingShare.objects.filter(run=run)
    if scope_for(user).kind == ALL:
        population = live.count()
        standings = standings.filter(problem__merged_into__isnull=True)
        shares = shares.filter(problem__merged_into__isnull=True)
    else:
        ids = list(live.order_by().values_list("pk", flat=True))  # once: the rule is the costly part
        population = len(ids)
        standings, shares = standings.filter(problem_id__in=ids), shares.filter(problem_id__in=ids)
    by_pace, overdue_count, stood = Counter(), 0, 0
    late = Count("pk", filter=Q(overdue_days__isnull=False))
    for row in standings.order_by().values("pace").annotate(n=Count("pk"), late=late):
        stood += row["n"]
        overdue_count += row["late"]
        if row["pace"]:
            by_pace[row["pace"]] += row["n"]
    if stood != population:
        return None

    def first(rows, *order) -> list[Listed]:
        found = rows.order_by(*order).values_list("problem_id", "pace", "overdue_days")[:LIST_LIMIT]
        return [Listed(pk, pace, days or 0, warnings[pk]) for pk, pace, days in found]

    warnings: dict[int, list] = defaultdict(list)  # filled below, before the lists are read
    overdue = first(standings.filter(overdue_days__isnull=False), "-overdue_days", "problem_id")
    behind = first(standings.filter(pace=Pace.BEHIND), "problem_id")
    drill = first(standings.filter(pace=drill_pace), "problem_id") if drill_pace else []
    listed = sorted({row.problem_id for row in (*overdue, *behind, *drill)})
    found = WarningItem.objects.filter(run=run, problem_id__in=listed).order_by("pk")
    for pk, kind, grade, reason in found.values_list("problem_id", "kind", "grade", "reason") if listed else ():
        warnings[pk].append((kind, grade, reason))
    units = (
        (row["unit_id"], row["unit__name"], Share(row["expected"], row["on_time"], row["missing"], row["window_close"]))
        for row in shares.order_by()
        .values("unit_id", "unit__name")
        .annotate(
            expected=Sum("expected"), on_time=Sum("on_time"), missing=Sum("missing"), window_close=Min("window_close")
        )
    )
    return DashboardFigures(
        problem_count=population,
        counts=Counts(by_pace=by_pace),
        overdue_count=overdue_count,
        behind_count=by_pace[Pace.BEHIND],
        drill_count=by_pace[drill_pace] if drill_pace else 0,
        overview=overview_from_units(units, run.as_of),
        overdue=overdue,
        behind=behind,
        drill_problems=drill,
        leads=lead_units(listed) if listed else {},
    )
