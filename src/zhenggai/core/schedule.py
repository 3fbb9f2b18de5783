"""序时进度, reporting cadence and warnings (预警): pure date arithmetic, no models.

Every function takes an explicit ``as_of`` date and never looks at today's date, so the
same facts always give the same answer (for a report "as of 2026-03-31", for tests).

**Expected share** — ``expected_share(start, due, as_of)`` counts days inclusively: the
work runs from the start of ``start`` to the end of ``due``, and ``as_of`` counts as
elapsed (progress is judged at the end of that day).  So ``as_of == start`` gives
``1/total``, ``as_of == due`` gives 1.0, before ``start`` 0.0; ``due <= start`` gives 1.0
from ``due`` on and 0.0 before.

**Pace** of one measure or target — first matching row wins.  "expected" is
``100 * expected_share(start or due, due, as_of)``; "progress" is the reported percent
(NaN → not reported, clamped to 0–100); "no progress" means not reported or 0 %.

====  ===========================================  =========================
row   facts                                        pace
====  ===========================================  =========================
1     signed_off                                   signed_off   完成交账销号
2     claimed_done, or percent >= 100              completed    完成整改
3     long_term and (no due date, or as_of > due)  long_term    长期坚持
4     immediate and no due date                    immediate    立行立改
5     no due date, no progress                     not_started  (no yardstick)
6     no due date, some progress                   on_pace      (no yardstick)
7     no progress, expected > tolerance            behind
8     no progress, expected <= tolerance           not_started
9     progress < expected - tolerance              behind
10    progress > expected + tolerance              ahead
11    otherwise                                    on_pace
====  ===========================================  =========================

A dated long-term item ("6月30日前完成，长期坚持") is paced like any other until its date,
then becomes long_term.  Without a start date the due date is the only yardstick:
expected is 0 before it and 100 from it.

**Rollup** of a problem from its items' paces — first matching row wins ("closed" is
completed/signed_off; "open" is everything else):  empty → None; all signed_off →
signed_off; all closed → completed; any behind → behind; any immediate → immediate; every
open item long_term → long_term; every item not_started → not_started; any on_pace →
on_pace; any ahead → ahead; otherwise (a mix of not-started, long-term and closed items:
work is under way and nothing is late) → on_pace.  So the worst open state wins, in the
order behind > immediate > on_pace > ahead, and not-started items only show when nothing
has started.

**Cadence** — a period's report is due in a window around its end.  Monthly: the report
for month M is submitted from day ``window_start_day`` (25) of M to day ``window_end_day``
(5) of M+1, clamped to month end (31 → 28 in February).  Quarterly: the same days, in the
quarter's last month and the month after.  Weekly: Monday–Sunday, window Friday of the week
to Monday of the next; the day arguments are ignored.  ``period_for(as_of)`` is the period
being reported on: the previous period while its window is still open, else the period
containing ``as_of`` (2026-03-03 → February; 2026-03-10 → March).  A period is *late*
(``is_late``) after its window closes; a period counts as *missed* only once it is late, so
a report not yet sent inside an open window is never a warning.

**Warnings** — ``warnings_for`` grades each kind (defaults in ``Thresholds``):

================  ============================================  ==============================
kind              when                                          grade
================  ============================================  ==============================
due_soon          0 <= days to due <= due_soon_days             blue
overdue           as_of > due                                   red if days >= red_overdue_days,
                                                                yellow if >= yellow_overdue_days,
                                                                else blue
behind            pace is behind and not overdue                red if points >= behind_red,
                                                                yellow if >= behind_yellow,
                                                                else blue
no_report         missed_periods >= 1                           red if >= no_report_red_periods,
                                                                yellow if >= no_report_yellow,
                                                                else blue
evidence_missing  completed (claimed or 100 %), no evidence     yellow
================  ============================================  ==============================

Signed-off items get no warnings.  Completed items get only evidence_missing.  Long-term
items (pace long_term) and undated items get no due_soon/overdue.  Overdue replaces
behind, which after the due date would only repeat it.  Warnings come in the order of the
table.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from zhenggai.core.workdays import last_day_of_month

__all__ = [
    "CADENCE_LABELS",
    "GRADE_LABELS",
    "PACE_LABELS",
    "WARNING_KIND_LABELS",
    "Cadence",
    "Grade",
    "ItemFacts",
    "Pace",
    "Period",
    "Thresholds",
    "WarningFacts",
    "WarningKind",
    "expected_share",
    "is_late",
    "missed_periods",
    "pace",
    "period_for",
    "periods_between",
    "previous_period",
    "rollup",
    "warnings_for",
]

_ONE_DAY = timedelta(days=1)


class Pace(StrEnum):
    NOT_STARTED = "not_started"
    BEHIND = "behind"
    ON_PACE = "on_pace"
    AHEAD = "ahead"
    COMPLETED = "completed"  # the unit says it is done; awaiting acceptance
    SIGNED_OFF = "signed_off"
    LONG_TERM = "long_term"
    IMMEDIATE = "immediate"


PACE_LABELS: dict[Pace, str] = {
    Pace.NOT_STARTED: "尚未启动",
    Pace.BEHIND: "未达到序时进度",
    Pace.ON_PACE: "达到序时进度",
    Pace.AHEAD: "超过序时进度",
    Pace.COMPLETED: "完成整改",
    Pace.SIGNED_OFF: "完成交账销号",
    Pace.LONG_TERM: "长期坚持",
    Pace.IMMEDIATE: "立行立改",
}

_CLOSED = frozenset({Pace.COMPLETED, Pace.SIGNED_OFF})


def expected_share(start: date, due: date, as_of: date) -> float:
    """Share (0.0–1.0) of the days from ``start`` to ``due`` elapsed by the end of ``as_of``."""
    if due <= start:
        return 1.0 if as_of >= due else 0.0
    total = (due - start).days + 1
    elapsed = (as_of - start).days + 1
    return min(max(elapsed / total, 0.0), 1.0)


@dataclass(frozen=True, kw_only=True)
class ItemFacts:
    """What is known about one measure or target as of a date."""

    start: date | None = None
    due: date | None = None  # the deadline in force on as_of
    immediate: bool = False  # 立行立改
    long_term: bool = False  # 长期坚持
    percent: float | None = None  # latest reported percent complete, 0–100; None = never reported
    claimed_done: bool = False  # the unit reported completion
    signed_off: bool = False  # signed off on or before as_of


def _clean_percent(percent: float | None) -> float | None:
    # Reported numbers are typed by people: NaN means nothing usable, and 120 % or -5 %
    # must not push the gap past what the scale allows.
    if percent is None or math.isnan(percent):
        return None
    return min(max(float(percent), 0.0), 100.0)


def _expected_percent(facts: ItemFacts, as_of: date) -> float:
    assert facts.due is not None
    return 100.0 * expected_share(facts.start or facts.due, facts.due, as_of)


def pace(facts: ItemFacts, as_of: date, tolerance: float = 5.0) -> Pace:
    """The item's 序时进度 status on ``as_of``; rows 1–11 of the module docstring.  Never raises."""
    percent = _clean_percent(facts.percent)
    if facts.signed_off:
        return Pace.SIGNED_OFF
    if facts.claimed_done or (percent is not None and percent >= 100.0):
        return Pace.COMPLETED
    if facts.long_term and (facts.due is None or as_of > facts.due):
        return Pace.LONG_TERM
    if facts.due is None:
        if facts.immediate:
            return Pace.IMMEDIATE
        return Pace.ON_PACE if percent else Pace.NOT_STARTED
    gap = (percent or 0.0) - _expected_percent(facts, as_of)
    if not percent:
        return Pace.BEHIND if -gap > tolerance else Pace.NOT_STARTED
    if gap < -tolerance:
        return Pace.BEHIND
    if gap > tolerance:
        return Pace.AHEAD
    return Pace.ON_PACE


def rollup(paces: Iterable[Pace | str]) -> Pace | None:
    """A problem's status from its measures' and targets' paces (rule in the module docstring)."""
    items = [Pace(p) for p in paces]
    if not items:
        return None
    present = set(items)
    open_paces = present - _CLOSED
    if present == {Pace.SIGNED_OFF}:
        return Pace.SIGNED_OFF
    if not open_paces:
        return Pace.COMPLETED
    for worst in (Pace.BEHIND, Pace.IMMEDIATE):
        if worst in present:
            return worst
    if open_paces == {Pace.LONG_TERM}:
        return Pace.LONG_TERM
    if present == {Pace.NOT_STARTED}:
        return Pace.NOT_STARTED
    if Pace.ON_PACE in present:
        return Pace.ON_PACE
    if Pace.AHEAD in present:
        return Pace.AHEAD
    return Pace.ON_PACE


# --- reporting cadence --------------------------------------------------------------------


class Cadence(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


CADENCE_LABELS: dict[Cadence, str] = {Cadence.WEEKLY: "每周", Cadence.MONTHLY: "每月", Cadence.QUARTERLY: "每季度"}


@dataclass(frozen=True)
class Period:
    """One reporting period and the window (inclusive) in which its report is submitted."""

    start: date
    end: date
    window_open: date
    window_close: date
    label: str  # 2026年2月 / 2026年第1季度 / 2026年第9周 (ISO week)


def _day_in_month(year: int, month: int, day: int) -> date:
    return min(date(year, month, 1) + timedelta(days=day - 1), last_day_of_month(year, month))


def _months_period(d: date, span: int, open_day: int, close_day: int) -> Period:
    """The ``span``-month period (1 = month, 3 = quarter) containing ``d``."""
    first_month = (d.month - 1) // span * span + 1
    start = date(d.year, first_month, 1)
    end = last_day_of_month(d.year, first_month + span - 1)
    after = end + _ONE_DAY
    if span == 1:
        label = f"{d.year}年{d.month}月"
    else:
        label = f"{d.year}年第{first_month // 3 + 1}季度"
    return Period(
        start=start,
        end=end,
        window_open=_day_in_month(end.year, end.month, open_day),
        window_close=_day_in_month(after.year, after.month, close_day),
        label=label,
    )


def _week_period(d: date) -> Period:
    monday = d - timedelta(days=d.weekday())
    iso = monday.isocalendar()  # ISO year: Monday 2025-12-29 is in 2026年第1周
    return Period(
        start=monday,
        end=monday + timedelta(days=6),
        window_open=monday + timedelta(days=4),  # Friday
        window_close=monday + timedelta(days=7),  # next Monday
        label=f"{iso.year}年第{iso.week}周",
    )


def _containing(cadence: Cadence | str, d: date, open_day: int, close_day: int) -> Period:
    cadence = Cadence(cadence)
    for name, day in (("window_start_day", open_day), ("window_end_day", close_day)):
        if not 1 <= day <= 31:
            raise ValueError(f"{name} must be a day of the month, 1–31 (got {day})")
    if cadence is Cadence.WEEKLY:
        return _week_period(d)
    return _months_period(d, 1 if cadence is Cadence.MONTHLY else 3, open_day, close_day)


def previous_period(
    period: Period, cadence: Cadence | str, *, window_start_day: int = 25, window_end_day: int = 5
) -> Period:
    """The period before ``period``; pass the same window days as to :func:`period_for`."""
    return _containing(cadence, period.start - _ONE_DAY, window_start_day, window_end_day)


def period_for(cadence: Cadence | str, as_of: date, window_start_day: int = 25, window_end_day: int = 5) -> Period:
    """The period being reported on at ``as_of``: the previous one while its window is open."""
    current = _containing(cadence, as_of, window_start_day, window_end_day)
    previous = previous_period(current, cadence, window_start_day=window_start_day, window_end_day=window_end_day)
    return previous if as_of <= previous.window_close else current


def periods_between(
    cadence: Cadence | str, start: date, end: date, *, window_start_day: int = 25, window_end_day: int = 5
) -> list[Period]:
    """Every period overlapping ``start``..``end`` (inclusive), oldest first; [] if end < start."""
    periods: list[Period] = []
    if end < start:
        return periods
    period = _containing(cadence, start, window_start_day, window_end_day)
    while period.start <= end:
        periods.append(period)
        period = _containing(cadence, period.end + _ONE_DAY, window_start_day, window_end_day)
    return periods


def is_late(period: Period, as_of: date) -> bool:
    """True once the report window has closed (``as_of`` after ``window_close``)."""
    return as_of > period.window_close


def missed_periods(
    cadence: Cadence | str,
    as_of: date,
    reported: Collection[date],
    since: date,
    *,
    window_start_day: int = 25,
    window_end_day: int = 5,
) -> int:
    """Consecutive late periods without a report, counting back from the latest late one.

    ``reported`` holds the start dates of periods that have a report; periods that ended
    before ``since`` (the item's start) do not count.  The period in its open window is
    never missed yet.
    """
    count = 0
    for start in late_period_starts(
        cadence, as_of, since, window_start_day=window_start_day, window_end_day=window_end_day
    ):
        if start in reported:
            break
        count += 1
    return count


def late_period_starts(
    cadence: Cadence | str, as_of: date, since: date, *, window_start_day: int = 25, window_end_day: int = 5
) -> tuple[date, ...]:
    """The start dates of the periods whose window has closed by ``as_of`` and that end on or after
    ``since``, newest first (the periods ``missed_periods`` counts back through)."""
    return _late_period_starts(Cadence(cadence), as_of, since, window_start_day, window_end_day)


@functools.lru_cache(maxsize=4096)
def _late_period_starts(cadence: Cadence, as_of: date, since: date, window_start_day: int, window_end_day: int):
    """The start dates of the late periods that end on or after ``since``, newest first. A ledger's
    items share a few (cadence, date, start) combinations: computed once each, not once per item (the
    dashboard and the statistics count thousands of items; walking the calendar for each one was most
    of their time)."""
    days = {"window_start_day": window_start_day, "window_end_day": window_end_day}
    period = previous_period(period_for(cadence, as_of, **days), cadence, **days)  # the latest late period
    starts = []
    while period.end >= since:
        starts.append(period.start)
        period = previous_period(period, cadence, **days)
    return tuple(starts)


# --- warnings -----------------------------------------------------------------------------


class WarningKind(StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    BEHIND = "behind"
    NO_REPORT = "no_report"
    EVIDENCE_MISSING = "evidence_missing"


WARNING_KIND_LABELS: dict[WarningKind, str] = {
    WarningKind.DUE_SOON: "临期",
    WarningKind.OVERDUE: "逾期",
    WarningKind.BEHIND: "滞后序时进度",
    WarningKind.NO_REPORT: "未按期报送",
    WarningKind.EVIDENCE_MISSING: "佐证材料缺失",
}


class Grade(StrEnum):
    BLUE = "blue"
    YELLOW = "yellow"
    RED = "red"


GRADE_LABELS: dict[Grade, str] = {Grade.BLUE: "蓝签", Grade.YELLOW: "黄牌", Grade.RED: "红灯"}


@dataclass(frozen=True, kw_only=True)
class Thresholds:
    """Warning thresholds, stored per plan as JSON via :meth:`to_dict` / :meth:`from_dict`."""

    due_soon_days: int = 15
    yellow_overdue_days: int = 1
    red_overdue_days: int = 30
    behind_yellow_points: float = 10.0
    behind_red_points: float = 30.0
    no_report_yellow_periods: int = 2
    no_report_red_periods: int = 2

    def __post_init__(self) -> None:
        # Checked here, not only in from_dict, so that no invalid Thresholds can exist.
        for f in fields(self):
            value, whole = getattr(self, f.name), isinstance(f.default, int)  # the default says int or float
            if isinstance(value, bool) or not isinstance(value, int if whole else int | float):
                raise ValueError(f"threshold {f.name} must be a {'whole number' if whole else 'number'}, got {value!r}")
            if not value >= 0:  # also rejects NaN
                raise ValueError(f"threshold {f.name} must not be negative, got {value!r}")
        for low, high in (
            ("yellow_overdue_days", "red_overdue_days"),
            ("behind_yellow_points", "behind_red_points"),
            ("no_report_yellow_periods", "no_report_red_periods"),
        ):
            if getattr(self, low) > getattr(self, high):
                raise ValueError(f"threshold {low} ({getattr(self, low)}) exceeds {high} ({getattr(self, high)})")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Thresholds:
        """Build from stored JSON; missing keys take defaults, unknown keys are ignored.

        JSON has one number type, so ``15.0`` is accepted for a day count; ``15.5``, ``"15"``,
        ``true`` and ``null`` are not.  Raises ``ValueError`` naming the bad key.
        """
        if not isinstance(data, Mapping):
            raise ValueError(f"thresholds must be a JSON object, got {type(data).__name__}")
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if isinstance(f.default, int) and isinstance(value, float) and value.is_integer():
                value = int(value)
            elif isinstance(f.default, float) and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            values[f.name] = value
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, kw_only=True)
class WarningFacts(ItemFacts):
    """ItemFacts plus what the warnings need; ``missed_periods`` as from :func:`missed_periods`."""

    missed_periods: int = 0  # consecutive late periods without a report
    has_evidence: bool = False  # 佐证材料 uploaded


_Warning = tuple[WarningKind, Grade, str]  # (kind, grade, Chinese reason)


def _grade(value: float, yellow: float, red: float) -> Grade:
    if value >= red:
        return Grade.RED
    return Grade.YELLOW if value >= yellow else Grade.BLUE


def _points(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")  # 18.0 → "18", 9.6 → "9.6"


def warnings_for(facts: WarningFacts, as_of: date, thresholds: Thresholds, tolerance: float = 5.0) -> list[_Warning]:
    """The item's warnings on ``as_of`` as (kind, grade, Chinese reason); table in the module docstring."""
    status = pace(facts, as_of, tolerance)
    if status is Pace.SIGNED_OFF:
        return []
    if status is Pace.COMPLETED:
        if facts.has_evidence:
            return []
        return [(WarningKind.EVIDENCE_MISSING, Grade.YELLOW, "申报完成但未上传佐证材料")]
    found: list[_Warning] = []
    overdue = False
    if facts.due is not None and status is not Pace.LONG_TERM:
        days_left = (facts.due - as_of).days
        if days_left < 0:
            overdue = True
            grade = _grade(-days_left, thresholds.yellow_overdue_days, thresholds.red_overdue_days)
            found.append((WarningKind.OVERDUE, grade, f"逾期{-days_left}天"))
        elif days_left <= thresholds.due_soon_days:
            reason = f"距整改时限还有{days_left}天" if days_left else "今日到期"
            found.append((WarningKind.DUE_SOON, Grade.BLUE, reason))
    if status is Pace.BEHIND and not overdue:
        points = _expected_percent(facts, as_of) - (_clean_percent(facts.percent) or 0.0)
        grade = _grade(points, thresholds.behind_yellow_points, thresholds.behind_red_points)
        found.append((WarningKind.BEHIND, grade, f"落后序时进度{_points(points)}个百分点"))
    if facts.missed_periods >= 1:
        grade = _grade(facts.missed_periods, thresholds.no_report_yellow_periods, thresholds.no_report_red_periods)
        found.append((WarningKind.NO_REPORT, grade, f"连续{facts.missed_periods}期未报送进展"))
    return found
