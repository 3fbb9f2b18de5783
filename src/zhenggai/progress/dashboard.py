"""What the scheduling pages show: the escalation a warning suggests, the job's health, the on-time ranking
of units and who has not reported yet, and the counts and lists of the office dashboard.

Pace and computed warnings come from ``progress.status.ledger_state``; stored warnings from the current
warning run (``progress.jobs.current_run``). Every helper costs a fixed number of queries, whatever the
number of problems.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from zhenggai.accounts.choices import Role
from zhenggai.accounts.scope import ALL, SUBTREE, scope_for
from zhenggai.core.schedule import Period, period_for, previous_period
from zhenggai.ledger.choices import AssignmentRole
from zhenggai.ledger.models import Assignment, Measure, Plan, Problem
from zhenggai.progress.choices import EscalationKind, ExtensionStatus, Grade, Pace, RunStatus, WarningKind
from zhenggai.progress.models import DeadlineExtension, PlanSchedule, ProgressReport, WarningItem, WarningRun
from zhenggai.progress.status import ItemState, ProblemState, end_of_day, ledger_state

__all__ = [
    "RANKING_PERIODS",
    "JobHealth",
    "ReportingTally",
    "Share",
    "TodoRow",
    "UnitRate",
    "UnitsNotReported",
    "job_health",
    "lead_units",
    "may_escalate",
    "overview_from_units",
    "plan_schedules",
    "report_url",
    "reporting_overview",
    "reporting_tally",
    "run_counts",
    "state_counts",
    "suggest_escalation",
    "todo_rows",
    "warning_view",
]

CLOSED_PACES = frozenset({Pace.COMPLETED, Pace.SIGNED_OFF})
RANKING_PERIODS = 6

# --- escalation ------------------------------------------------------------------------------------

_LADDER = [
    EscalationKind.REMINDER,
    EscalationKind.SUPERVISION,
    EscalationKind.CIRCULAR,
    EscalationKind.INTERVIEW,
    EscalationKind.LISTED,
]
_BY_GRADE = {
    Grade.BLUE: EscalationKind.REMINDER,
    Grade.YELLOW: EscalationKind.SUPERVISION,
    Grade.RED: EscalationKind.CIRCULAR,
}


def suggest_escalation(grade: str, previous_kinds: Iterable[str] = ()) -> EscalationKind:
    """The escalation step (督办) a warning suggests, from its grade and the problem's earlier steps.

    * The grade gives the base step: blue (蓝签) → reminder (提醒催办), yellow (黄牌) → supervision
      (预警督办), red (红灯) → circulated notice (通报).
    * Once a problem has been circulated, the ladder climbs from the highest step recorded so far:
      after a circular comes an interview (约谈), after an interview listed supervision (挂牌督办), which
      stays the last step.
    * Earlier reminders and supervisions do not raise the suggestion; the suggestion is never milder
      than the base step.
    """
    base = _LADDER.index(_BY_GRADE[Grade(grade)])
    recorded = [_LADDER.index(EscalationKind(kind)) for kind in previous_kinds if kind in EscalationKind.values]
    highest = max(recorded, default=-1)
    climbed = min(highest + 1, len(_LADDER) - 1) if highest >= _LADDER.index(EscalationKind.CIRCULAR) else -1
    return _LADDER[max(base, climbed)]


def may_escalate(user, plan: Plan) -> bool:
    """Whether ``user`` records escalations on ``plan``'s problems: the plan's office (its jurisdiction is
    under the office's unit), a supervising unit, or an administrator. Visibility is the caller's check.
    ``plan.jurisdiction`` should be selected with the plan: this asks the database nothing."""
    scope = scope_for(user)
    if scope.kind == ALL:
        return True
    if getattr(user, "role", "") == Role.SUPERVISOR:
        return True
    return scope.role == Role.OFFICE and scope.kind == SUBTREE and plan.jurisdiction.path.startswith(scope.root_path)


# --- the warning job's health ----------------------------------------------------------------------


@dataclass(frozen=True)
class JobHealth:
    last_success: WarningRun | None
    latest: WarningRun | None  # the latest run of any outcome (a failure after the last success shows)
    stale: bool

    @property
    def last_failed(self) -> bool:
        return self.latest is not None and self.latest.status == RunStatus.FAILED


def job_health(run: WarningRun | None, now: datetime | None = None) -> JobHealth:
    """``run`` is the current (latest successful) run; it is stale when older than WARNING_STALE_HOURS."""
    now = now or timezone.now()
    latest = WarningRun.objects.order_by("-started_at", "-pk").first()
    if run is None:
        return JobHealth(None, latest, True)
    finished = run.finished_at or run.started_at
    return JobHealth(run, latest, now - finished > timedelta(hours=settings.WARNING_STALE_HOURS))


# --- counts ----------------------------------------------------------------------------------------


@dataclass
class Counts:
    by_pace: Counter = field(default_factory=Counter)
    by_grade: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)


def state_counts(states: dict[int, ProblemState]) -> Counts:
    """Problems by pace, and warnings by grade and by kind, as ``ledger_state`` computed them."""
    counts = Counts()
    for state in states.values():
        if state.pace is not None:
            counts.by_pace[str(state.pace)] += 1
        for item in state.items:
            for kind, grade, _reason in item.warnings:
                counts.by_grade[str(grade)] += 1
                counts.by_kind[str(kind)] += 1
    return counts


def run_counts(run: WarningRun, user, counts: Counts) -> Counts:
    """Replace the warning counts of ``counts`` with those of the stored run's items the user sees (1 query)."""
    counts.by_grade, counts.by_kind = Counter(), Counter()
    rows = WarningItem.objects.filter(run=run).visible_to(user).values("grade", "kind").annotate(n=Count("pk"))
    for row in rows.order_by():
        counts.by_grade[row["grade"]] += row["n"]
        counts.by_kind[row["kind"]] += row["n"]
    return counts


# --- reporting: who reported, on time --------------------------------------------------------------


def plan_schedules(plan_ids: Iterable[int]) -> dict[int, PlanSchedule]:
    """Each plan's schedule (saved or the defaults), its plan attached (1 query; the inspection comes along
    for ``start_date`` of a plan without an issue date, which would otherwise read it once per plan)."""
    schedules = {}
    for plan in Plan.objects.filter(pk__in=list(plan_ids)).select_related("schedule", "inspection"):
        schedule = PlanSchedule.for_plan(plan)
        schedule.plan = plan
        schedules[plan.pk] = schedule
    return schedules


def _window(schedule: PlanSchedule) -> dict:
    return {"window_start_day": schedule.window_start_day, "window_end_day": schedule.window_end_day}


def closed_periods(schedule: PlanSchedule, as_of: date, count: int = RANKING_PERIODS) -> list[Period]:
    """The ``count`` latest periods whose report window had closed by ``as_of``, newest first, leaving out
    periods that ended before the plan's start."""
    days = _window(schedule)
    start = schedule.start_date()
    period = previous_period(period_for(schedule.cadence, as_of, **days), schedule.cadence, **days)
    periods = []
    while len(periods) < count and (start is None or period.end >= start):
        periods.append(period)
        period = previous_period(period, schedule.cadence, **days)
    return periods


@dataclass
class UnitRate:
    unit_id: int
    name: str
    expected: int = 0
    on_time: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.on_time / self.expected) if self.expected else 0


@dataclass
class UnitsNotReported:
    unit_id: int
    name: str
    items: int = 0
    window_close: date | None = None
    late: bool = False


def lead_units(problem_ids: list[int]) -> dict[tuple[int, int | None], list[tuple[int, str]]]:
    """Lead units (责任单位) per problem (key measure None) and per measure that names its own (1 query)."""
    leads: dict[tuple[int, int | None], list[tuple[int, str]]] = defaultdict(list)
    rows = Assignment.objects.filter(
        problem_id__in=problem_ids, role=AssignmentRole.LEAD, target__isnull=True, unit__isnull=False
    ).values_list("problem_id", "measure_id", "unit_id", "unit__name")
    for problem_id, measure_id, unit_id, name in rows.order_by("position", "pk"):
        leads[(problem_id, measure_id)].append((unit_id, name))
    return leads


def _first_submissions(problem_ids: list[int], since: date, until: datetime) -> dict[tuple, datetime]:
    """(problem, measure or None, period start) → when its first report (any version) was submitted (1 query)."""
    rows = (
        ProgressReport.objects.filter(problem_id__in=problem_ids, period_start__gte=since, submitted_at__lt=until)
        .values("problem_id", "measure_id", "period_start")
        .annotate(first=Min("submitted_at"))
        .order_by()
    )
    return {(r["problem_id"], r["measure_id"], r["period_start"]): r["first"] for r in rows}


def open_items(states: dict[int, ProblemState]) -> list[ItemState]:
    """Items still to be rectified on the as-of date (pace not completed or signed off)."""
    return [item for state in states.values() for item in state.items if item.pace not in CLOSED_PACES]


@dataclass
class ReportingOverview:
    ranking: list[UnitRate]
    not_reported: list[UnitsNotReported]
    leads: dict[tuple[int, int | None], list[tuple[int, str]]]


@dataclass
class Share:
    """One lead unit's part of the reporting on one problem (``reporting_tally``)."""

    expected: int = 0
    on_time: int = 0
    missing: int = 0  # open items without a report for the current period
    window_close: date | None = None  # the earliest window close among those items

    def add(self, other: Share) -> None:
        self.expected += other.expected
        self.on_time += other.on_time
        self.missing += other.missing
        if other.window_close and (self.window_close is None or other.window_close < self.window_close):
            self.window_close = other.window_close


@dataclass
class ReportingTally:
    shares: dict[tuple[int, int], Share]  # (problem id, unit id) → share
    names: dict[int, str]  # unit id → name
    leads: dict[tuple[int, int | None], list[tuple[int, str]]]


def reporting_tally(states: dict[int, ProblemState], as_of: date) -> ReportingTally:
    """The reporting rule of ``reporting_overview``, per problem and lead unit (4 queries at most): what
    the warning run stores (``ReportingShare``) so that the dashboard sums it instead of re-reading reports."""
    items = open_items(states)
    problem_ids = list(states)
    leads = lead_units(problem_ids) if problem_ids else {}
    schedules = plan_schedules({item.plan_id for item in items}) if items else {}
    periods = {plan_id: closed_periods(schedule, as_of) for plan_id, schedule in schedules.items()}
    current = {plan_id: period_for(s.cadence, as_of, **_window(s)) for plan_id, s in schedules.items()}
    starts = [p.start for ps in periods.values() for p in ps] + [p.start for p in current.values()]
    first = _first_submissions(problem_ids, min(starts), end_of_day(as_of)) if starts and problem_ids else {}

    def submitted(item: ItemState, period: Period) -> datetime | None:
        found = [first.get((item.problem_id, key, period.start)) for key in {item.measure_id, None}]
        return min((when for when in found if when), default=None)

    shares: dict[tuple[int, int], Share] = {}
    names: dict[int, str] = {}
    for item in items:
        units = leads.get((item.problem_id, item.measure_id)) or leads.get((item.problem_id, None), [])
        names.update(units)
        schedule = schedules[item.plan_id]
        start = schedule.start_date()
        for period in periods[item.plan_id]:
            when = submitted(item, period)
            for unit_id, _name in units:
                share = shares.setdefault((item.problem_id, unit_id), Share())
                share.expected += 1
                share.on_time += bool(when and when < end_of_day(period.window_close))
        period = current[item.plan_id]
        if submitted(item, period) or (start is not None and period.end < start):
            continue
        for unit_id, _name in units:
            shares.setdefault((item.problem_id, unit_id), Share()).add(
                Share(missing=1, window_close=period.window_close)
            )
    return ReportingTally(shares, names, leads)


def overview_from_units(
    units: Iterable[tuple[int, str, Share]], as_of: date, leads: dict | None = None
) -> ReportingOverview:
    """The ranking and the 未报送 list from each unit's summed share (unit id, name, share)."""
    ranking, missing = [], []
    for unit_id, name, share in units:
        if share.expected:
            ranking.append(UnitRate(unit_id, name, share.expected, share.on_time))
        if share.missing:
            late = share.window_close is not None and as_of > share.window_close
            missing.append(UnitsNotReported(unit_id, name, share.missing, share.window_close, late))
    ranking.sort(key=lambda r: (-r.on_time / r.expected, -r.expected, r.name))
    missing.sort(key=lambda r: (not r.late, -r.items, r.name))
    return ReportingOverview(ranking, missing, leads or {})


def reporting_overview(states: dict[int, ProblemState], as_of: date) -> ReportingOverview:
    """The on-time ranking of lead units and the lead units that have not reported this period.

    **On-time rule.** An *item* is a measure, or a problem without measures (as in ``ledger_state``);
    only items still open on ``as_of`` (pace neither completed nor signed off) count. For each item and
    each of the last ``RANKING_PERIODS`` (6) periods of its plan's cadence whose report window had closed
    by ``as_of`` (periods ending before the plan's start are left out), one report is *expected*. It is
    *on time* when the first report for that period start — on the measure, or on the problem as a whole —
    was submitted before the end of the window's closing day (local time), counting only submissions
    made by the end of ``as_of``. Each expected report is credited to the item's lead units: the
    measure's own lead units if it names any, else the problem's. A unit's share is on-time ÷ expected;
    the ranking sorts by share (highest first), then by expected reports (more first), then by name.
    Units without an expected report are not ranked.

    **Not reported.** For the period being reported on at ``as_of`` (``period_for``), a lead unit is
    listed when one of its open items has no report for that period submitted by the end of ``as_of``;
    ``late`` says the window has already closed (the earliest closing window among its items).
    """
    tally = reporting_tally(states, as_of)
    totals: dict[int, Share] = {}
    for (_problem_id, unit_id), share in tally.shares.items():
        totals.setdefault(unit_id, Share()).add(share)
    units = ((unit_id, tally.names[unit_id], share) for unit_id, share in totals.items())
    return overview_from_units(units, as_of, tally.leads)


# --- the to-do page --------------------------------------------------------------------------------


def warning_view(kind: str, grade: str, reason: str) -> dict:
    """A warning as the templates show it: values, labels and the reason."""
    return {
        "kind": str(kind),
        "grade": str(grade),
        "reason": reason,
        "kind_label": WarningKind(kind).label,
        "grade_label": Grade(grade).label,
    }


def report_url(problem_id: int, measure_id: int | None) -> str:
    """The report form of an item (``progress:report_new`` or ``report_submit``; else its literal path)."""
    url = f"/progress/problems/{problem_id}/report/"
    for name in ("progress:report_new", "progress:report_submit"):
        try:
            url = reverse(name, args=[problem_id])
            break
        except NoReverseMatch:
            continue
    return f"{url}?measure={measure_id}" if measure_id else url


@dataclass
class TodoRow:
    problem: Problem
    measure: Measure | None
    period: Period  # the period being reported on today
    reported: bool  # a current report exists for that period (on the measure or the whole problem)
    missed: int  # earlier periods missed in a row (late)
    pace: Pace
    warnings: list[dict]
    extension: DeadlineExtension | None  # a pending request
    report_url: str

    @property
    def item(self) -> Problem | Measure:
        return self.measure or self.problem

    @property
    def due(self) -> bool:
        """A report is still to be made for this period."""
        return not self.reported and self.pace not in CLOSED_PACES


def todo_rows(user, today: date, run: WarningRun | None) -> list[TodoRow]:
    """Every item of the user's visible open problems, in ledger order, with this period's reporting state,
    its pace on ``today`` and its warnings (the current run's when it is for today, else computed)."""
    states = ledger_state(Problem.objects.visible_to(user).open(), today)
    ids = list(states)
    if not ids:
        return []
    problems = list(Problem.objects.filter(pk__in=ids).select_related("plan__schedule", "plan__inspection", "parent"))
    measures = {m.pk: m for m in Measure.objects.filter(problem_id__in=ids)}
    periods: dict[int, Period] = {}
    for problem in problems:
        if problem.plan_id not in periods:
            schedule = PlanSchedule.for_plan(problem.plan)
            periods[problem.plan_id] = period_for(schedule.cadence, today, **_window(schedule))
    reported = set(
        ProgressReport.objects.current()
        .filter(problem_id__in=ids, period_start__in={p.start for p in periods.values()})
        .values_list("problem_id", "measure_id", "period_start")
    )
    extensions = {
        (e.problem_id, e.measure_id): e
        for e in DeadlineExtension.objects.filter(problem_id__in=ids, status=ExtensionStatus.PENDING)
    }
    stored: dict[tuple[int, int | None], list[dict]] | None = None
    if run is not None and run.as_of == today:
        stored = defaultdict(list)
        rows = WarningItem.objects.filter(run=run, problem_id__in=ids).order_by("pk")
        for problem_id, measure_id, kind, grade, reason in rows.values_list(
            "problem_id", "measure_id", "kind", "grade", "reason"
        ):
            stored[(problem_id, measure_id)].append(warning_view(kind, grade, reason))
    result = []
    for problem in problems:
        period = periods[problem.plan_id]
        for item in states[problem.pk].items:
            key = (problem.pk, item.measure_id)
            result.append(
                TodoRow(
                    problem=problem,
                    measure=measures.get(item.measure_id) if item.measure_id else None,
                    period=period,
                    reported=(*key, period.start) in reported or (problem.pk, None, period.start) in reported,
                    missed=item.facts.missed_periods,
                    pace=Pace(item.pace),
                    warnings=stored.get(key, [])
                    if stored is not None
                    else [warning_view(*warning) for warning in item.warnings],
                    extension=extensions.get(key),
                    report_url=report_url(*key),
                )
            )
    return result
