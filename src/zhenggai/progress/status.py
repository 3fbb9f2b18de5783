"""Status and warnings of the ledger on any as-of date: ``ledger_state(problems, as_of)``.

Everything is read as it stood at the end of ``as_of`` (local time), so asking for last March gives
last March's picture:

* **progress** — the latest report submitted by then, per measure (or per problem for a problem
  reported as a whole): the latest period, and within it the highest version submitted by then
  (a correction made later does not rewrite the past);
* **deadline** — the deadline in force then: an extension approved later, or a plan revision
  effective later, is undone by using the deadline it replaced (``DeadlineExtension.previous_raw``,
  ``PlanRevisionChange.before``);
* **sign-off / completion recorded in the ledger** — from the history rows: the first time the
  problem (or measure) reached 完成交账销号 / 完成整改, if that was by then;
* **start** — the plan schedule's start (``PlanSchedule.start_date``: its own, else the plan's
  issue date, else — a plan known only from a progress report — the day its inspection fed back, else
  the day the plan was recorded).

The rules themselves (pace, rollup, warning grades) are in ``zhenggai.core.schedule``. How items
roll up: a problem's status is the rollup of its measures' paces; a problem without measures is an
item itself; a problem with aspects (sub-items) and no measures of its own rolls up its aspects. A
problem-level report counts as a report for each of the problem's measures (the unit reported on
the whole problem).

The function costs at most 11 queries whatever the number of problems (8, plus one history query each
when some problems are signed off, some measures are closed, or some problems without measures are
completed; the evidence query is skipped when there are no reports).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import F, Max, Min, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from zhenggai.core.deadlines import parse_deadline
from zhenggai.core.schedule import Pace, Thresholds, WarningFacts, late_period_starts, pace, rollup, warnings_for
from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Measure, Plan, PlanRevisionChange, Problem
from zhenggai.progress.choices import ClaimedStatus, ExtensionStatus
from zhenggai.progress.models import DeadlineExtension, Evidence, PlanSchedule, ProgressReport

__all__ = ["ItemState", "ProblemState", "end_of_day", "ledger_state"]

_CLOSED = (ItemStatus.COMPLETED, ItemStatus.SIGNED_OFF)


def end_of_day(as_of: date) -> datetime:
    """The first instant after ``as_of`` in the site's time zone."""
    return timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))


@dataclass
class ItemState:
    """One measure (``measure_id``) or a problem reported as a whole (``measure_id`` None)."""

    problem_id: int
    measure_id: int | None
    plan_id: int
    facts: WarningFacts
    pace: Pace
    warnings: list = field(default_factory=list)  # (kind, grade, reason)
    report_id: int | None = None
    claimed: str | None = None  # the claimed status of that report (申报状态), None without one
    reported_on: date | None = None  # local date the report was submitted


@dataclass
class ProblemState:
    problem_id: int
    plan_id: int
    pace: Pace | None
    items: list[ItemState] = field(default_factory=list)
    # The claimed status of the latest report on the problem as a whole (整改进度 as the unit wrote
    # it), None when the unit reported only on measures or not at all.
    claimed: str | None = None


@dataclass
class _PlanRules:
    start: date | None
    cadence: str
    window: dict
    tolerance: float
    thresholds: Thresholds


def _plan_rules(plan_ids: set[int]) -> dict[int, _PlanRules]:
    schedules = {s.plan_id: s for s in PlanSchedule.objects.filter(plan_id__in=plan_ids)}
    rules = {}
    plans = Plan.objects.filter(pk__in=plan_ids).select_related("inspection").order_by()
    for plan in plans.only("pk", "issue_date", "created_at", "inspection__feedback_date"):
        schedule = schedules.get(plan.pk) or PlanSchedule(plan=plan)
        schedule.plan = plan
        rules[plan.pk] = _PlanRules(
            start=schedule.start_date(),
            cadence=schedule.cadence,
            window={"window_start_day": schedule.window_start_day, "window_end_day": schedule.window_end_day},
            tolerance=float(schedule.tolerance),
            thresholds=schedule.threshold_values(),
        )
    return rules


def _first_reached(model, ids: list[int], statuses, until: datetime) -> set[int]:
    """Ids whose history first reached one of ``statuses`` before ``until``."""
    if not ids:
        return set()
    rows = (
        model.history.filter(id__in=ids, status__in=statuses)
        .values("id")
        .annotate(first=Min("history_date"))
        .filter(first__lt=until)
    )
    return {row["id"] for row in rows}


def _as_due(raw: str) -> dict:
    parsed = parse_deadline(raw)
    return {"due_date": parsed.due_date, "due_immediate": parsed.immediate, "due_long_term": parsed.long_term}


def _deadlines_then(problem_ids: list[int], as_of: date, until: datetime) -> dict[tuple[int, int | None], dict]:
    """Items whose deadline changed after ``as_of``: the deadline they had then.

    Two things change a deadline later: an extension approved after ``until`` and a plan revision
    effective after ``as_of``. For each item the earliest such change holds the deadline that was
    in force on ``as_of`` (its ``previous_raw`` / ``before``)."""
    changes: list[tuple[date, tuple[int, int | None], str]] = []
    extensions = (
        DeadlineExtension.objects.filter(
            problem_id__in=problem_ids, status=ExtensionStatus.APPROVED, decided_at__gte=until
        )
        .order_by()
        .values("problem_id", "measure_id", "previous_raw", "decided_at")
    )
    for row in extensions:
        key = (row["problem_id"], row["measure_id"])
        changes.append((timezone.localdate(row["decided_at"]), key, row["previous_raw"]))
    revisions = (
        PlanRevisionChange.objects.filter(
            problem_id__in=problem_ids, field="deadline", revision__effective_on__gt=as_of
        )
        .order_by()
        .values("problem_id", "before", "revision__effective_on")
    )
    for row in revisions:
        changes.append((row["revision__effective_on"], (row["problem_id"], None), row["before"]))
    then: dict[tuple[int, int | None], dict] = {}
    for _when, key, raw in sorted(changes, key=lambda change: change[0]):
        then.setdefault(key, _as_due(raw))
    return then


def _reports_then(problem_ids: list[int], until: datetime):
    """Latest report per item as of ``until``, ranked in the database (one row per item read, not every
    report: a province's ledger holds tens of thousands), and which of them have evidence."""
    newest_first = [F("period_end").desc(), F("version").desc(), F("submitted_at").desc(), F("pk").desc()]
    rows = (
        ProgressReport.objects.filter(problem_id__in=problem_ids, submitted_at__lt=until)
        .annotate(rank=Window(RowNumber(), partition_by=[F("problem_id"), F("measure_id")], order_by=newest_first))
        .filter(rank=1)
        .order_by()
        .values("pk", "problem_id", "measure_id", "period_start", "percent", "claimed_status", "submitted_at")
    )
    latest = {(row["problem_id"], row["measure_id"]): row for row in rows}
    with_evidence = set(
        Evidence.objects.filter(report_id__in=[row["pk"] for row in latest.values()]).values_list(
            "report_id", flat=True
        )
    )
    return latest, with_evidence


def _late_starts(rules: _PlanRules, as_of: date) -> tuple[date, ...]:
    """The start dates of the plan's late periods (window closed by ``as_of``) from its start on, newest first."""
    if not rules.start or rules.start > as_of:
        return ()
    return late_period_starts(rules.cadence, as_of, rules.start, **rules.window)


def _last_reported_late(problem_rows, rules: dict[int, _PlanRules], as_of: date, until: datetime) -> dict:
    """Per item, the newest late period (of its plan's) that has a report submitted before ``until``.

    That is all ``missed_periods`` needs: the late periods newer than it are the consecutive ones missed.
    One query per reporting rule (cadence and window) in use, each reading one row per item."""
    groups: dict[tuple, tuple[set[int], set[date]]] = {}
    for row in problem_rows:
        plan_rules = rules[row["plan_id"]]
        key = (plan_rules.cadence, *sorted(plan_rules.window.items()))
        ids, starts = groups.setdefault(key, (set(), set()))
        ids.add(row["pk"])
        starts.update(_late_starts(plan_rules, as_of))
    newest: dict[tuple[int, int | None], date] = {}
    for ids, starts in groups.values():
        if not starts:
            continue
        rows = (
            ProgressReport.objects.filter(problem_id__in=ids, submitted_at__lt=until, period_start__in=starts)
            .order_by()
            .values("problem_id", "measure_id")
            .annotate(newest=Max("period_start"))
        )
        newest.update({(row["problem_id"], row["measure_id"]): row["newest"] for row in rows})
    return newest


def _missed(late: tuple[date, ...], reported: list[date | None]) -> int:
    """Consecutive late periods without a report, newest first (``late``): those newer than the newest
    reported one (on the item or on its problem as a whole) — ``core.schedule.missed_periods``' rule."""
    last = max((d for d in reported if d is not None), default=None)
    return sum(1 for start in late if last is None or start > last)


def ledger_state(problems: QuerySet[Problem], as_of: date) -> dict[int, ProblemState]:
    """Pace and warnings of every problem in ``problems`` (and its measures) on ``as_of``."""
    until = end_of_day(as_of)
    problem_rows = list(
        problems.filter(merged_into__isnull=True)
        .order_by()
        .values("pk", "plan_id", "parent_id", "status", "due_date", "due_immediate", "due_long_term")
    )
    problem_ids = [row["pk"] for row in problem_rows]
    measure_rows = list(
        Measure.objects.filter(problem_id__in=problem_ids)
        .order_by()
        .values("pk", "problem_id", "status", "due_date", "due_immediate", "due_long_term")
    )
    rules = _plan_rules({row["plan_id"] for row in problem_rows})
    signed_off = _first_reached(
        Problem, [r["pk"] for r in problem_rows if r["status"] == ItemStatus.SIGNED_OFF], [ItemStatus.SIGNED_OFF], until
    )
    measures_done = _first_reached(Measure, [r["pk"] for r in measure_rows if r["status"] in _CLOSED], _CLOSED, until)
    # A problem without measures is its own item: completed in the ledger counts like a closed measure.
    with_measures = {r["problem_id"] for r in measure_rows}
    problems_done = _first_reached(
        Problem,
        [r["pk"] for r in problem_rows if r["status"] == ItemStatus.COMPLETED and r["pk"] not in with_measures],
        _CLOSED,
        until,
    )
    deadlines = _deadlines_then(problem_ids, as_of, until)
    latest, with_evidence = _reports_then(problem_ids, until)
    reported_late = _last_reported_late(problem_rows, rules, as_of, until)

    measures_of: dict[int, list[dict]] = defaultdict(list)
    for row in measure_rows:
        measures_of[row["problem_id"]].append(row)
    states: dict[int, ProblemState] = {}
    for row in problem_rows:
        plan_rules = rules[row["plan_id"]]
        state = ProblemState(row["pk"], row["plan_id"], None)
        items = [(m["pk"], m, m["pk"] in measures_done) for m in measures_of[row["pk"]]] or [
            (None, row, row["pk"] in problems_done or row["pk"] in signed_off)
        ]
        for measure_id, due_row, done_in_ledger in items:
            key = (row["pk"], measure_id)
            due = deadlines.get(key, due_row)
            report = latest.get(key) or (latest.get((row["pk"], None)) if measure_id else None)
            reported = [reported_late.get(key), reported_late.get((row["pk"], None))]
            start = plan_rules.start
            facts = WarningFacts(
                start=start,
                due=due["due_date"],
                immediate=due["due_immediate"],
                long_term=due["due_long_term"],
                percent=float(report["percent"]) if report and report["percent"] is not None else None,
                claimed_done=done_in_ledger or bool(report and report["claimed_status"] == ClaimedStatus.COMPLETED),
                signed_off=row["pk"] in signed_off,
                missed_periods=_missed(_late_starts(plan_rules, as_of), reported),
                # Evidence is asked of a unit that *claims* completion in a report; an item the office
                # recorded as done in the ledger (or an import of an old plan) is not flagged.
                has_evidence=bool(report and report["pk"] in with_evidence)
                or (done_in_ledger and not (report and report["claimed_status"] == ClaimedStatus.COMPLETED)),
            )
            item = ItemState(
                row["pk"],
                measure_id,
                row["plan_id"],
                facts,
                pace(facts, as_of, plan_rules.tolerance),
                warnings_for(facts, as_of, plan_rules.thresholds, plan_rules.tolerance),
                report["pk"] if report else None,
                report["claimed_status"] if report else None,
                timezone.localdate(report["submitted_at"]) if report else None,
            )
            state.items.append(item)
        state.pace = rollup(item.pace for item in state.items)
        whole = latest.get((row["pk"], None))
        state.claimed = whole["claimed_status"] if whole else None
        states[row["pk"]] = state
    _roll_up_aspects(problem_rows, measures_of, states)
    return states


def _roll_up_aspects(problem_rows, measures_of, states: dict[int, ProblemState]) -> None:
    """A problem split into aspects, with no measures of its own, takes the rollup of its aspects."""
    children: dict[int, list[int]] = defaultdict(list)
    for row in problem_rows:
        if row["parent_id"] in states:
            children[row["parent_id"]].append(row["pk"])
    for parent_id, child_ids in children.items():
        parent = states[parent_id]
        if measures_of[parent_id] or (parent.items and parent.items[0].facts.signed_off):
            continue
        parent.items = []  # the aspects carry the work and the warnings
        parent.pace = rollup(states[child].pace for child in child_ids if states[child].pace)
