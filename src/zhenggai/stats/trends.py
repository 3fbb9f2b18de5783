"""Trends of the statistics: the main figures against a month and a year earlier (环比 / 同比), and
series of snapshots for trend charts.

* ``compare(problems, as_of)`` runs the engine (``zhenggai.stats.engine.statistics``) for ``as_of``,
  the same day a month earlier and the same day a year earlier (clamped to the month's end: 03-31 →
  02-28, 2024-02-29 → 2023-02-28), so each figure is what the ledger said on that date, with the
  same definitions, for exactly the problems given (the caller's visibility). The figures: tasks,
  closed tasks, the two completion rates with their basis, overdue, behind. A change is now minus
  then: a count difference, or for a rate the difference of the two fractions (×100: percentage
  points); None when a rate has no denominator on one of the dates.
* ``series(plan_ids, unit_id, start=, end=)`` reads ``DailySnapshot`` rows (one query) at month ends
  (or day / year ends) for a chart. A point whose snapshot is missing for some plan says so
  (``missing_plan_ids``, ``values`` None) instead of summing what is there. The caller chooses
  ``plan_ids`` from ``Plan.objects.visible_to(user)``; snapshots are per plan and per lead unit, not
  per reader, so a reader who sees only part of a plan should be charted from the engine instead.
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhenggai.ledger.models import Problem
from zhenggai.stats.engine import Rate, Statistics, statistics
from zhenggai.stats.models import DailySnapshot

__all__ = [
    "PERIODS",
    "Comparison",
    "Figure",
    "Point",
    "Series",
    "compare",
    "month_earlier",
    "points",
    "series",
    "year_earlier",
]

PERIODS = ("now", "month", "year")  # as_of, a month earlier, a year earlier
MAX_POINTS = 1000
_COUNTS = (
    "tasks_total",
    "tasks_closed",
    "tasks_due",
    "tasks_due_closed",
    "overdue",
    "behind",
    "measures_total",
    "measures_closed",
)


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, monthrange(year, month)[1]))


def month_earlier(day: date) -> date:
    """The same day of the previous month, clamped to that month's end (01-31 → the previous 12-31)."""
    return _clamped(day.year, day.month - 1, day.day) if day.month > 1 else _clamped(day.year - 1, 12, day.day)


def year_earlier(day: date) -> date:
    """The same day of the previous year (02-29 → 02-28)."""
    return _clamped(day.year - 1, day.month, day.day)


@dataclass
class Figure:
    """One figure on the three dates. ``values``: period → a count, or a rate's fraction (None without a
    denominator); ``shows``: the statistics page's row keys behind it (numerator and denominator for
    a rate); ``rates``: period → the engine's ``Rate`` (basis, ids) for a rate figure."""

    key: str
    label: str
    values: dict[str, int | float | None]
    shows: tuple[str, ...]
    rates: dict[str, Rate] = field(default_factory=dict)

    @property
    def is_rate(self) -> bool:
        return bool(self.rates)

    @property
    def basis(self) -> str:
        return self.rates["now"].basis if self.rates else ""

    def change(self, period: str) -> int | float | None:
        """Now minus ``period`` (month / year): 环比 / 同比."""
        now, then = self.values["now"], self.values[period]
        if now is None or then is None:
            return None
        return now - then

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "basis": self.basis,
            "values": self.values,
            "change": {period: self.change(period) for period in PERIODS[1:]},
            "rates": {period: rate.to_dict() for period, rate in self.rates.items()},
        }


@dataclass
class Comparison:
    """The figures on ``dates["now"]``, a month and a year earlier; ``stats`` holds the engine's result
    for each date."""

    dates: dict[str, date]
    stats: dict[str, Statistics]
    figures: list[Figure]

    def to_dict(self) -> dict:
        return {
            "dates": {period: day.isoformat() for period, day in self.dates.items()},
            "figures": [figure.to_dict() for figure in self.figures],
        }


def compare(problems: QuerySet[Problem], as_of: date, *, current: Statistics | None = None) -> Comparison:
    """The main figures of ``problems`` on ``as_of``, a month and a year earlier, computed by the engine
    for each date (``current``: the engine's result for ``as_of`` when the caller has it already)."""
    dates = {"now": as_of, "month": month_earlier(as_of), "year": year_earlier(as_of)}
    if current is not None and current.as_of != as_of:
        raise ValueError(f"current statistics are of {current.as_of}, not {as_of}")
    stats = {
        period: (current if period == "now" and current else statistics(problems, day)) for period, day in dates.items()
    }

    def count(key: str, label: str, show: str, of) -> Figure:
        return Figure(key, label, {period: of(result) for period, result in stats.items()}, (show,))

    def rate(key: str, label: str, name: str) -> Figure:
        rates = {period: result.completion[name] for period, result in stats.items()}
        shows = (f"rate:{name}:numerator", f"rate:{name}:denominator")
        return Figure(key, label, {period: r.value for period, r in rates.items()}, shows, rates)

    figures = [
        count("tasks_total", _("Tasks"), "rate:all_tasks:denominator", lambda s: s.tasks.total),
        count(
            "tasks_closed", _("Closed tasks"), "rate:all_tasks:numerator", lambda s: s.completion["all_tasks"].numerator
        ),
        rate("completion_all", _("Completion rate (all tasks)"), "all_tasks"),
        rate("completion_due", _("Completion rate (tasks due by the date)"), "due_by_as_of"),
        count("overdue", _("Overdue"), "overdue", lambda s: len(s.overdue)),
        count("behind", _("Behind schedule"), "behind", lambda s: len(s.behind)),
    ]
    return Comparison(dates, stats, figures)


def points(start: date, end: date, step: str = "month") -> list[date]:
    """The dates of a series: every day, or each month (year) end in [start, end], then ``end`` itself
    when it is not one (so a chart reaches the last day asked for)."""
    if step not in ("day", "month", "year"):
        raise ValueError(f"step must be day, month or year, not {step!r}")
    if start > end:
        return []
    if step == "day":
        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    else:
        days = []
        year, month = start.year, start.month if step == "month" else 12
        while True:
            last = _clamped(year, month, 31)
            if last > end:
                break
            if last >= start:
                days.append(last)
            year, month = (year + month // 12, month % 12 + 1) if step == "month" else (year + 1, 12)
        if not days or days[-1] != end:
            days.append(end)
    if len(days) > MAX_POINTS:
        raise ValueError(f"{len(days)} points; at most {MAX_POINTS}")
    return days


@dataclass
class Point:
    """One date of a series: the summed snapshot figures of the plans, or ``values`` None when some
    plan has no snapshot that day (``missing_plan_ids``)."""

    day: date
    values: dict | None
    missing_plan_ids: list[int] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing_plan_ids

    def to_dict(self) -> dict:
        return {"day": self.day.isoformat(), "values": self.values, "missing_plan_ids": self.missing_plan_ids}


@dataclass
class Series:
    plan_ids: list[int]
    unit_id: int | None
    unit_name: str
    step: str
    points: list[Point]

    @property
    def missing(self) -> list[date]:
        """The dates without a complete snapshot."""
        return [point.day for point in self.points if not point.complete]

    def to_dict(self) -> dict:
        return {
            "plan_ids": self.plan_ids,
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "step": self.step,
            "points": [point.to_dict() for point in self.points],
            "missing": [day.isoformat() for day in self.missing],
        }


def _summed(rows: list[dict]) -> dict:
    values: dict = {key: 0 for key in _COUNTS}
    by_pace: dict[str, int] = defaultdict(int)
    for row in rows:
        for key in _COUNTS:
            if values[key] is None or row[key] is None:
                values[key] = None  # a unit row has no measures_closed: the sum is unknown, not smaller
            else:
                values[key] += row[key]
        for pace, n in row["by_pace"].items():
            by_pace[pace] += n
    values["by_pace"] = dict(by_pace)
    values["completion"] = values["tasks_closed"] / values["tasks_total"] if values["tasks_total"] else None
    values["completion_due"] = values["tasks_due_closed"] / values["tasks_due"] if values["tasks_due"] else None
    return values


def series(plan_ids, unit_id: int | None = None, *, start: date, end: date, step: str = "month") -> Series:
    """The snapshots of ``plan_ids`` (summed over the plans; of one lead unit when ``unit_id``) at the
    ``points(start, end, step)``, in one query.

    A plan's snapshot of a day exists when its plan-total row does; a unit without a row that day
    held no task in that plan, which is a true zero. A plan without its plan-total row makes the
    point incomplete: ``values`` None and the plan in ``missing_plan_ids``.
    """
    plan_ids = sorted(set(plan_ids))
    days = points(start, end, step)
    which = Q(unit__isnull=True) | Q(unit_id=unit_id) if unit_id is not None else Q(unit__isnull=True)
    rows = DailySnapshot.objects.filter(which, plan_id__in=plan_ids, day__in=days).values(
        "day", "plan_id", "unit_id", "unit_name", "by_pace", *_COUNTS
    )
    taken: dict[date, set[int]] = defaultdict(set)
    chosen: dict[date, list[dict]] = defaultdict(list)
    unit_name = ""
    for row in rows.order_by("day", "plan_id"):
        if row["unit_id"] is None:
            taken[row["day"]].add(row["plan_id"])
        if row["unit_id"] == unit_id:
            chosen[row["day"]].append(row)
            unit_name = row["unit_name"] or unit_name
    result = []
    for day in days:
        missing = [pk for pk in plan_ids if pk not in taken[day]]
        result.append(Point(day, None if missing else _summed(chosen[day]), missing))
    return Series(plan_ids, unit_id, unit_name, step, result)
