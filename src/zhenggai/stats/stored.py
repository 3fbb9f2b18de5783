"""The statistics page's numbers from the plans' stored statistics (``PlanStatistics``) when it can.

``engine.statistics`` evaluates every problem it is given: a country's 10,000 problems and 100,000 measures
take seconds. When the problems asked for are whole plans — every problem of each plan they touch, as an
administrator, a national or a province office sees them, one plan chosen, or a unit whose problems
happen to be whole plans (a province office choosing its province) — and each of those plans has its
statistics kept for the date, the page adds those up (``combine.combine``) instead: the same numbers, for
the cost of reading them (the engine depends on nothing but the set of problems). Anything else (part of a
plan, a date without stored rows) is computed live. Today's rows are as current as the warning refresh
keeps them (``stats.tasks``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import orjson
from django.db.models import Count, QuerySet

from zhenggai.ledger.models import Problem
from zhenggai.stats.combine import combine, from_dict
from zhenggai.stats.engine import Statistics, statistics
from zhenggai.stats.models import PlanStatistics

__all__ = ["Served", "serve_statistics", "stored_statistics"]


@dataclass(frozen=True)
class Served:
    stats: Statistics
    taken_at: datetime | None  # the oldest stored part's time; None: computed now


def _problems_per_plan(problems: QuerySet[Problem]) -> dict[int, int]:
    rows = problems.filter(merged_into__isnull=True).order_by().values_list("plan_id").annotate(n=Count("pk"))
    return dict(rows)


def stored_statistics(problems: QuerySet[Problem], as_of: date, *, ids: bool = True) -> Served | None:
    """The statistics of ``problems`` on ``as_of`` added up from the stored plans', or None when the
    problems are not whole plans or a plan has no row for the date. Three queries (the plans touched,
    their sizes, their rows). ``ids=False`` reads the rows without the ids behind the numbers (the
    overdue and behind lists excepted): every number is there, a country's in half the time."""
    touched = _problems_per_plan(problems)
    if not touched or _problems_per_plan(Problem.objects.filter(plan_id__in=list(touched))) != touched:
        return None
    stored = PlanStatistics.objects.filter(day=as_of, plan_id__in=list(touched)).order_by("plan_id")
    rows = list(stored.values_list("plan_id", "problem_count", "data" if ids else "counts", "taken_at"))
    # a plan that has gained or lost a problem since its row was computed is not served from it
    if len(rows) != len(touched) or any(count != touched[plan] or not text for plan, count, text, _t in rows):
        return None
    parts = [from_dict(orjson.loads(text)) for _plan, _count, text, _taken in rows]  # orjson: 2× json here
    return Served(combine(parts), min(taken for _plan, _count, _text, taken in rows))


def serve_statistics(problems: QuerySet[Problem], as_of: date, *, ids: bool = True) -> Served:
    """Stored when it can be (``ids``: see ``stored_statistics``), else ``engine.statistics``."""
    return stored_statistics(problems, as_of, ids=ids) or Served(statistics(problems, as_of), None)
