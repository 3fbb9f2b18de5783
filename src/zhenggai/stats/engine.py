"""Statistics of the ledger on an as-of date: ``statistics(problems, as_of) -> Statistics``.

This is the reference for what every number means. All numbers are computed from
``zhenggai.progress.status.ledger_state(problems, as_of)`` (the ledger as it stood at the end of
``as_of``; its docstring and ``zhenggai.core.schedule`` hold the pace rules) plus three queries,
whatever the number of problems (see "Cost" below). ``Statistics.to_dict()`` is plain JSON.

**Population**

* A **task** (整改任务) is a problem of the query set with no ``parent`` (not an aspect) that was
  not merged into another (``merged_into`` is empty). Tasks are listed in ledger order
  (plan, position, id).
* A **measure** is a measure of any non-merged problem of the query set (an aspect's measures
  included), as ``ledger_state`` reports it.
* **Closed on as_of**: a task is closed when the problem's history first reached 完成整改
  (``completed``) or 完成交账销号 (``signed_off``) before the end of ``as_of``, or when its pace on
  ``as_of`` is ``completed`` / ``signed_off`` (every measure closed, or a report claiming
  completion). Its **first completion** is the local date of the earliest history row with one of
  those two statuses (only tasks closed in the history have one).

**Pace of a task** is the problem's rolled-up pace from ``ledger_state``, with one adjustment:
``ledger_state`` reads a problem-level 完成整改 from reports, not from the ledger, so a task the
history shows closed by ``as_of`` whose pace is still open counts as ``completed``. A measure's pace
is its item's pace. A task ``ledger_state`` gives no pace (no items) counts under ``"none"``.

**Counts** (``Counts``, one for tasks and one for measures): ``total``; ``by_pace`` (every ``Pace``
value, zeros included, plus ``"none"`` when needed); ``by_deadline`` in 003's four groups:

* ``due_by_as_of`` — 截至统计日应完成: ``due_date <= as_of``;
* ``due_later`` — 统计日后到期: ``due_date > as_of``;
* ``no_date_immediate_or_long_term`` — 立行立改 / 长期坚持，无具体时限: no ``due_date`` and
  immediate or long-term;
* ``other`` — everything else (no date, neither immediate nor long-term).

A task is grouped by the deadline written in its ledger row; a measure by the deadline in force on
``as_of`` as ``ledger_state`` read it (an extension approved later is undone). ``by_category``: the
category title of the task (of a measure: of its problem), ``"未分类"`` without one.
``by_lead_unit``: the name of every unit holding the problem-level ``lead`` role (责任单位) of the
task (of a measure: of its problem); a task with two lead units counts under both, one with none
under ``"未指定责任单位"`` (so these counts can add up to more than ``total``).

``by_region``: for each lead unit, the nearest unit of level county, city or province on its path
(itself included; 甲一县住建局 → 甲一县, 甲市生态环境局 → 甲市), each region once per task, ``"未指定地区"``
without a lead. ``by_level``: the level of each lead unit, once per level per task. ``by_claimed``: what
the unit last reported by ``as_of`` (``ProgressReport.claimed_status``): for a task, its latest report on
the problem as a whole, else the rollup of its items' reports (``task_claim``); for a measure, its item's
report (a whole-problem report stands for each measure); ``"none"`` without a report.
``by_deadline_claimed``: deadline group → claimed status → count, 003's "2018年12月底前应完成的28项整改
任务基本完成（25项全面完成、3项正在收尾）". **Due-by cutoff**: ``statistics(…, due_by=DATE)`` groups
deadlines and computes the due-by rate against ``due_by`` instead of ``as_of`` (003 groups by 2018-12-31
in a report as of 2019-03-31); overdue is always judged on ``as_of``.

**Completions by month** (``completions_by_month``): for each month from the earliest plan start to
``as_of``, the tasks closed on ``as_of`` whose completion falls in it, and the running total. A task's
completion date is its first completion in the history, else (closed by reports) the latest report date
among its items; a closed task with neither is listed in a last entry with ``"month": None``.

**Rates** (``Rate``) carry their basis, the as-of date and the ids behind both numbers
(``numerator_ids`` ⊆ ``denominator_ids``, problem ids in ledger order); ``value`` is
numerator / denominator, ``None`` when the denominator is 0.

* ``completion["all_tasks"]`` (basis ``"all tasks"``): closed tasks / all tasks.
* ``completion["due_by_as_of"]`` (basis ``"tasks due by the as-of date"``): closed tasks among the
  tasks with ``due_date <= as_of`` / those tasks.

**Lists** (problem ids in ledger order):

* ``overdue``: tasks with ``due_date < as_of`` that are not closed on ``as_of`` (a task due on
  ``as_of`` itself is not yet overdue).
* ``behind``: tasks whose pace is ``behind`` (未达到序时进度).

**Per lead unit** (``UnitStats``, one per unit holding a problem-level lead role on some task,
ordered by unit name): ``tasks`` (how many), ``closed`` (closed on ``as_of``);
``on_time`` — a ``Rate`` with basis ``"completed tasks with a due date"``: the tasks whose first
completion is on or before their ledger ``due_date`` / the tasks with a first completion by
``as_of`` and a due date (an undated 立行立改 / 长期坚持 task cannot be late and is left out);
``mean_days_to_close`` — the mean of (first completion − the plan's start) in days, over the tasks
with a first completion by ``as_of``, rounded to one decimal (``None`` without any). The plan's start
is ``PlanSchedule.for_plan(plan).start_date()`` (its own start, else ``Plan.known_since``: the issue
date, else the day its inspection fed back, else the day it was recorded), as ``ledger_state`` read it.

**Cost**: ``ledger_state`` (8 queries, plus one for evidence when there are reports, one history
query when some problem is signed off, one when some measure is closed) + the problem rows with
their category + the problem-level lead assignments + the counties/cities/provinces on their paths +
one history query (first completion per problem). So 12–15 queries, depending on what the ledger holds
but never on how many problems. ``Statistics.states`` keeps ``ledger_state``'s result for callers that
need per-item paces or warnings too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date

from django.db.models import Min, QuerySet
from django.utils import timezone

from zhenggai.core.schedule import Pace
from zhenggai.ledger.choices import AssignmentRole, ItemStatus
from zhenggai.ledger.models import Assignment, Problem
from zhenggai.organizations.choices import UnitLevel
from zhenggai.organizations.models import PATH_SEGMENT_WIDTH, Unit
from zhenggai.progress.choices import ClaimedStatus
from zhenggai.progress.status import ProblemState, end_of_day, ledger_state

__all__ = [
    "DEADLINE_GROUPS",
    "NO_CLAIM",
    "NO_REGION",
    "Counts",
    "Rate",
    "Statistics",
    "UnitStats",
    "deadline_group",
    "statistics",
    "task_claim",
]

_CLOSED_STATUSES = (ItemStatus.COMPLETED, ItemStatus.SIGNED_OFF)
_CLOSED_PACES = (Pace.COMPLETED, Pace.SIGNED_OFF)
NO_CATEGORY = "未分类"
NO_LEAD = "未指定责任单位"
NO_PACE = "none"
NO_REGION = "未指定地区"
NO_CLAIM = "none"
_REGION_LEVELS = (UnitLevel.COUNTY, UnitLevel.CITY, UnitLevel.PROVINCE)

DUE_BY = "due_by_as_of"
DUE_LATER = "due_later"
NO_DATE = "no_date_immediate_or_long_term"
OTHER = "other"
DEADLINE_GROUPS: dict[str, str] = {
    DUE_BY: "截至统计日应完成",
    DUE_LATER: "统计日后到期",
    NO_DATE: "立行立改、长期坚持（无具体时限）",
    OTHER: "其他",
}


def deadline_group(due: date | None, immediate: bool, long_term: bool, as_of: date) -> str:
    """003's grouping of a deadline on ``as_of`` (see the module docstring)."""
    if due is not None:
        return DUE_BY if due <= as_of else DUE_LATER
    if immediate or long_term:
        return NO_DATE
    return OTHER


@dataclass
class Rate:
    numerator: int
    denominator: int
    basis: str
    as_of: date
    numerator_ids: list[int] = field(default_factory=list)
    denominator_ids: list[int] = field(default_factory=list)

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> float | None:
        """``value`` × 100, for pages that print "55.6%"."""
        return self.numerator * 100 / self.denominator if self.denominator else None

    @classmethod
    def of(cls, basis: str, as_of: date, denominator_ids: list[int], hit: set[int]) -> Rate:
        numerator_ids = [pk for pk in denominator_ids if pk in hit]
        return cls(len(numerator_ids), len(denominator_ids), basis, as_of, numerator_ids, list(denominator_ids))

    def to_dict(self) -> dict:
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": self.value,
            "basis": self.basis,
            "as_of": self.as_of.isoformat(),
            "numerator_ids": self.numerator_ids,
            "denominator_ids": self.denominator_ids,
        }


@dataclass
class Counts:
    total: int = 0
    by_pace: dict[str, int] = field(default_factory=lambda: {str(p): 0 for p in Pace})
    by_deadline: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DEADLINE_GROUPS, 0))
    by_category: dict[str, int] = field(default_factory=dict)
    by_lead_unit: dict[str, int] = field(default_factory=dict)
    by_region: dict[str, int] = field(default_factory=dict)
    by_level: dict[str, int] = field(default_factory=dict)
    by_claimed: dict[str, int] = field(default_factory=lambda: dict.fromkeys([*ClaimedStatus.values, NO_CLAIM], 0))
    # 003's cross table: deadline group → claimed status → count ("2018年底前应完成的28项…25项全面完成").
    by_deadline_claimed: dict[str, dict[str, int]] = field(default_factory=dict)
    # The problems behind each number, so a page can link a count to its rows: "pace:behind",
    # "deadline:due_later", "category:<title>", "unit:<name>", "region:<name>", "level:<level>",
    # "claimed:<status>" → problem ids (for measures: the problems of the counted measures, each once).
    rows: dict[str, list[int]] = field(default_factory=dict)

    def _row(self, key: str, problem_id: int) -> None:
        ids = self.rows.setdefault(key, [])
        if not ids or ids[-1] != problem_id:
            ids.append(problem_id)

    def _count(self, counts: dict[str, int], prefix: str, key: str, problem_id: int) -> None:
        counts[key] = counts.get(key, 0) + 1
        self._row(f"{prefix}:{key}", problem_id)

    def add(
        self,
        pace: Pace | None,
        group: str,
        category: str,
        leads: list[str],
        problem_id: int = 0,
        *,
        regions: list[str] = (),
        levels: list[str] = (),
        claimed: str | None = None,
    ) -> None:
        self.total += 1
        self._count(self.by_pace, "pace", str(pace) if pace else NO_PACE, problem_id)
        self._count(self.by_deadline, "deadline", group, problem_id)
        self._count(self.by_category, "category", category, problem_id)
        claim = claimed or NO_CLAIM
        self._count(self.by_claimed, "claimed", claim, problem_id)
        cross = self.by_deadline_claimed.setdefault(group, {})
        cross[claim] = cross.get(claim, 0) + 1
        for lead in leads or [NO_LEAD]:
            self._count(self.by_lead_unit, "unit", lead, problem_id)
        for region in regions or [NO_REGION]:
            self._count(self.by_region, "region", region, problem_id)
        for level in levels:
            self._count(self.by_level, "level", level, problem_id)


@dataclass
class UnitStats:
    unit_id: int
    unit_name: str
    tasks: int
    closed: int
    on_time: Rate
    mean_days_to_close: float | None
    task_ids: list[int] = field(default_factory=list)  # the unit's tasks, in ledger order (by id, not name)
    measures: int = 0  # measures of those tasks (aspects' included)
    measures_closed: int = 0  # of which completed or signed off on as_of
    # the sum and number of the days behind ``mean_days_to_close`` (statistics of two sets add up)
    days_to_close_total: int = 0
    days_to_close_count: int = 0

    def to_dict(self) -> dict:
        return {**asdict(self), "on_time": self.on_time.to_dict()}


@dataclass
class Statistics:
    as_of: date
    tasks: Counts
    measures: Counts
    completion: dict[str, Rate]
    overdue: list[int]
    behind: list[int]
    units: list[UnitStats]
    due_by: date | None = None  # the cutoff of the deadline groups (as_of unless asked otherwise)
    completions_by_month: list[dict] = field(default_factory=list)
    # unit id → [measures, closed]: every unit leading a measure's problem or its parent, with or without a
    # task of its own here (``units`` lists only units with tasks; statistics of two sets add these)
    measures_by_unit: dict[int, list[int]] = field(default_factory=dict)
    # ledger_state's result the numbers were computed from, for callers that also need paces or warnings
    # per item (the charts' warning grades) without computing it again; not part of to_dict().
    states: dict[int, ProblemState] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "due_by": (self.due_by or self.as_of).isoformat(),
            "completions_by_month": self.completions_by_month,
            "tasks": asdict(self.tasks),
            "measures": asdict(self.measures),
            "completion": {key: rate.to_dict() for key, rate in self.completion.items()},
            "overdue": self.overdue,
            "behind": self.behind,
            "units": [unit.to_dict() for unit in self.units],
            "measures_by_unit": {str(unit_id): pair for unit_id, pair in sorted(self.measures_by_unit.items())},
        }


def _first_completion(problems: QuerySet[Problem], as_of: date) -> dict[int, date]:
    """Local date on which each problem first reached completed / signed off, if by the end of ``as_of``."""
    rows = (
        Problem.history.filter(id__in=problems.values("pk"), status__in=_CLOSED_STATUSES)
        .order_by()
        .values("id")
        .annotate(first=Min("history_date"))
        .filter(first__lt=end_of_day(as_of))
    )
    return {row["id"]: timezone.localdate(row["first"]) for row in rows}


def task_claim(state: ProblemState | None, aspects: list[ProblemState] = ()) -> str | None:
    """What the unit last said of a whole task (its 整改进度): the latest report on the problem as a whole,
    else the rollup of its items' reports and of its aspects' claims (a task split into aspects has no
    items of its own) — all completed → completed; all completed or basically completed →
    basically_completed; any report → in_progress (not_started when every report says so); no report →
    None."""
    if state is None:
        return None
    if state.claimed:
        return state.claimed
    claims = [item.claimed for item in state.items] + [task_claim(aspect) for aspect in aspects]
    if not claims or not any(claims):
        return None
    done = (ClaimedStatus.COMPLETED, ClaimedStatus.BASICALLY_COMPLETED)
    if all(claim == ClaimedStatus.COMPLETED for claim in claims):
        return ClaimedStatus.COMPLETED
    if all(claim in done for claim in claims):
        return ClaimedStatus.BASICALLY_COMPLETED
    if all(claim in (None, ClaimedStatus.NOT_STARTED) for claim in claims):
        return ClaimedStatus.NOT_STARTED
    return ClaimedStatus.IN_PROGRESS


def _lead_units(live: QuerySet[Problem]) -> tuple[dict[int, list[tuple[int, str]]], dict[int, tuple[str, str]]]:
    """Problem-level lead units per problem, and for each of those units its (region, level): one query
    for the assignments and one for the jurisdictions on their paths."""
    leads: dict[int, list[tuple[int, str]]] = defaultdict(list)
    paths: dict[int, tuple[str, str]] = {}
    lead_rows = (
        Assignment.objects.filter(
            problem__in=live.values("pk"),
            role=AssignmentRole.LEAD,
            measure__isnull=True,
            target__isnull=True,
            unit__isnull=False,
        )
        .order_by("problem_id", "position", "pk")
        .values_list("problem_id", "unit_id", "unit__name", "unit__path", "unit__level")
    )
    for problem_id, unit_id, name, path, level in lead_rows:
        if (unit_id, name) not in leads[problem_id]:
            leads[problem_id].append((unit_id, name))
        paths[unit_id] = (path, level)
    prefixes = {
        path[:end]
        for path, _level in paths.values()
        for end in range(PATH_SEGMENT_WIDTH, len(path) + 1, PATH_SEGMENT_WIDTH)
    }
    regions = dict(
        Unit.objects.filter(path__in=prefixes, level__in=_REGION_LEVELS).order_by().values_list("path", "name")
        if prefixes
        else []
    )
    of_unit = {}
    for unit_id, (path, level) in paths.items():
        # The nearest county, city or province on the unit's path (the unit itself included).
        ends = range(len(path), 0, -PATH_SEGMENT_WIDTH)
        region = next((regions[path[:end]] for end in ends if path[:end] in regions), NO_REGION)
        of_unit[unit_id] = (region, level)
    return leads, of_unit


def _months(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _completions_by_month(closed_on: dict[int, date | None], task_ids: list[int], start: date | None, as_of: date):
    """Tasks closed on ``as_of`` by the month of their completion (see the module docstring)."""
    dated = {pk: day for pk, day in closed_on.items() if day is not None}
    first = min([*dated.values(), *([start] if start else [])], default=as_of)
    by_month: dict[str, list[int]] = defaultdict(list)
    for pk in task_ids:
        if pk in dated:
            by_month[dated[pk].strftime("%Y-%m")].append(pk)
    series, cumulative = [], 0
    for month in _months(min(first, as_of), as_of):
        ids = by_month.get(month, [])
        cumulative += len(ids)
        series.append({"month": month, "completed": len(ids), "cumulative": cumulative, "problem_ids": ids})
    undated = [pk for pk in task_ids if pk in closed_on and closed_on[pk] is None]
    if undated:
        series.append(
            {"month": None, "completed": len(undated), "cumulative": cumulative + len(undated), "problem_ids": undated}
        )
    return series


def statistics(problems: QuerySet[Problem], as_of: date, *, due_by: date | None = None) -> Statistics:
    """The statistics of ``problems`` on ``as_of`` (definitions in the module docstring); the deadline
    groups and the due-by rate use ``due_by`` as their cutoff when given (003: 2018年12月底前应完成)."""
    cutoff = due_by or as_of
    states = ledger_state(problems, as_of)
    # The live problems are exactly ledger_state's: select them by id from here on, rather than evaluate
    # the caller's query (a visibility rule: a UNION of semi-joins) three more times.
    live = Problem.objects.filter(pk__in=list(states))
    rows = list(
        live.order_by("plan_id", "position", "pk").values(
            "pk", "plan_id", "parent_id", "due_date", "due_immediate", "due_long_term", "category__title"
        )
    )
    leads, unit_facts = _lead_units(live)
    first_done = _first_completion(live, as_of)
    starts = {state.plan_id: item.facts.start for state in states.values() for item in state.items}

    aspects_of: dict[int, list[ProblemState]] = defaultdict(list)
    for row in rows:
        if row["parent_id"] is not None and row["pk"] in states:
            aspects_of[row["parent_id"]].append(states[row["pk"]])
    measures_of_unit: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # unit id → [measures, closed]
    tasks, measures = Counts(), Counts()
    task_ids: list[int] = []
    closed: set[int] = set()
    closed_on: dict[int, date | None] = {}
    due_by_ids: list[int] = []
    overdue: list[int] = []
    behind: list[int] = []
    for row in rows:
        pk = row["pk"]
        state = states.get(pk)
        category = row["category__title"] or NO_CATEGORY
        names = [name for _unit_id, name in leads[pk]]
        regions = list(dict.fromkeys(unit_facts[unit_id][0] for unit_id, _name in leads[pk]))
        levels = list(dict.fromkeys(unit_facts[unit_id][1] for unit_id, _name in leads[pk]))
        where = {"regions": regions, "levels": levels}
        for item in state.items if state else []:
            if item.measure_id is not None:
                facts = item.facts
                group = deadline_group(facts.due, facts.immediate, facts.long_term, cutoff)
                measures.add(item.pace, group, category, names, pk, claimed=item.claimed, **where)
                # An aspect's measures count for the leads of the task (its parent) as well as its own.
                for unit_id in {uid for uid, _n in leads[pk]} | {uid for uid, _n in leads.get(row["parent_id"], [])}:
                    measures_of_unit[unit_id][0] += 1
                    measures_of_unit[unit_id][1] += item.pace in _CLOSED_PACES
        if row["parent_id"] is not None:
            continue
        pace = state.pace if state else None
        if pk in first_done and pace not in _CLOSED_PACES:
            # Closed in the ledger while some of its measures are still open: ledger_state rolls the
            # problem up from its measures, a task count goes by the problem's own closure.
            pace = Pace.COMPLETED
        due = row["due_date"]
        group = deadline_group(due, row["due_immediate"], row["due_long_term"], cutoff)
        tasks.add(pace, group, category, names, pk, claimed=task_claim(state, aspects_of[pk]), **where)
        task_ids.append(pk)
        if pace in _CLOSED_PACES:
            closed.add(pk)
            items = [item for holder in [state, *aspects_of[pk]] if holder for item in holder.items]
            reported = [item.reported_on for item in items if item.reported_on]
            closed_on[pk] = first_done.get(pk) or (max(reported) if reported else None)
        if due is not None and due <= cutoff:
            due_by_ids.append(pk)
        if due is not None and due < as_of and pk not in closed:
            overdue.append(pk)
        if pace == Pace.BEHIND:
            behind.append(pk)

    basis = "tasks due by the as-of date" if cutoff == as_of else f"tasks due by {cutoff.isoformat()}"
    completion = {
        "all_tasks": Rate.of("all tasks", as_of, task_ids, closed),
        "due_by_as_of": Rate.of(basis, as_of, due_by_ids, closed),
    }
    start = min((day for day in starts.values() if day), default=None)
    return Statistics(
        as_of,
        tasks,
        measures,
        completion,
        overdue,
        behind,
        _units(rows, leads, closed, first_done, starts, as_of, measures_of_unit),
        due_by=cutoff,
        completions_by_month=_completions_by_month(closed_on, task_ids, start, as_of),
        measures_by_unit={unit_id: list(pair) for unit_id, pair in measures_of_unit.items()},
        states=states,
    )


def _units(rows, leads, closed, first_done, starts, as_of, measures_of_unit) -> list[UnitStats]:
    by_unit: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for row in rows:
        if row["parent_id"] is None:
            for unit in leads[row["pk"]]:
                by_unit[unit].append(row)
    units = []
    for (unit_id, name), unit_rows in sorted(by_unit.items(), key=lambda entry: (entry[0][1], entry[0][0])):
        dated_done = [row["pk"] for row in unit_rows if row["pk"] in first_done and row["due_date"] is not None]
        in_time = {
            row["pk"] for row in unit_rows if row["pk"] in dated_done and first_done[row["pk"]] <= row["due_date"]
        }
        spans = [
            (first_done[row["pk"]] - starts[row["plan_id"]]).days
            for row in unit_rows
            if row["pk"] in first_done and starts.get(row["plan_id"]) is not None
        ]
        units.append(
            UnitStats(
                unit_id=unit_id,
                unit_name=name,
                tasks=len(unit_rows),
                closed=sum(1 for row in unit_rows if row["pk"] in closed),
                on_time=Rate.of("completed tasks with a due date", as_of, dated_done, in_time),
                mean_days_to_close=round(sum(spans) / len(spans), 1) if spans else None,
                days_to_close_total=sum(spans),
                days_to_close_count=len(spans),
                task_ids=[row["pk"] for row in unit_rows],
                measures=measures_of_unit[unit_id][0],
                measures_closed=measures_of_unit[unit_id][1],
            )
        )
    return units
