"""Tests for zhenggai.core.schedule: 序时进度, rollup, reporting periods and warnings.

Most pace and warning cases use an item running 2026-01-01..2026-04-10, which is exactly
100 days counted inclusively, so 2026-02-19 (day 50) expects exactly 50 %.
"""

from __future__ import annotations

import json
import math
from dataclasses import FrozenInstanceError
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.schedule import (
    CADENCE_LABELS,
    GRADE_LABELS,
    PACE_LABELS,
    WARNING_KIND_LABELS,
    Cadence,
    Grade,
    ItemFacts,
    Pace,
    Period,
    Thresholds,
    WarningFacts,
    WarningKind,
    expected_share,
    is_late,
    missed_periods,
    pace,
    period_for,
    periods_between,
    previous_period,
    rollup,
    warnings_for,
)

D = date
START, DUE = D(2026, 1, 1), D(2026, 4, 10)
MID = D(2026, 2, 19)  # 50 of 100 days
P = Pace
DAY = timedelta(days=1)


def test_labels_cover_every_member() -> None:
    assert set(PACE_LABELS) == set(Pace)
    assert set(GRADE_LABELS) == set(Grade)
    assert set(WARNING_KIND_LABELS) == set(WarningKind)
    assert set(CADENCE_LABELS) == set(Cadence)
    assert PACE_LABELS[Pace.BEHIND] == "未达到序时进度"
    assert GRADE_LABELS[Grade.RED] == "红灯"


# --- expected_share -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due", "as_of", "share"),
    [
        (START, DUE, START - DAY, 0.0),
        (START, DUE, START, 0.01),  # the start day itself has elapsed by its end
        (START, DUE, MID, 0.5),
        (START, DUE, DUE - DAY, 0.99),
        (START, DUE, DUE, 1.0),
        (START, DUE, DUE + DAY, 1.0),
        (D(2024, 1, 1), D(2024, 12, 31), D(2024, 7, 1), 0.5),  # leap year: 183 of 366 days
        (D(2024, 2, 1), D(2024, 2, 29), D(2024, 2, 29), 1.0),
        (D(2024, 2, 1), D(2024, 2, 29), D(2024, 2, 28), 28 / 29),
        (D(2025, 12, 1), D(2026, 1, 9), D(2025, 12, 20), 0.5),  # across the year end: 20 of 40
        (D(2025, 12, 1), D(2026, 1, 9), D(2025, 12, 31), 31 / 40),
        (START, START, START - DAY, 0.0),  # due == start
        (START, START, START, 1.0),
        (DUE, START, START - DAY, 0.0),  # due before start (bad data): the due date decides
        (DUE, START, START, 1.0),
        (DUE, START, MID, 1.0),
    ],
)
def test_expected_share(start: date, due: date, as_of: date, share: float) -> None:
    assert expected_share(start, due, as_of) == pytest.approx(share)


_dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31))


@given(_dates, _dates, _dates, _dates)
def test_expected_share_is_monotone_and_bounded(start: date, due: date, a: date, b: date) -> None:
    early, late = sorted((a, b))
    s_early, s_late = expected_share(start, due, early), expected_share(start, due, late)
    assert 0.0 <= s_early <= s_late <= 1.0


# --- pace -----------------------------------------------------------------------------------


def facts(**kwargs: object) -> ItemFacts:
    return ItemFacts(**{"start": START, "due": DUE, **kwargs})


@pytest.mark.parametrize(
    ("item", "as_of", "expected"),
    [
        # rows 1–2: closed states win over everything else
        (facts(signed_off=True, percent=10), MID, P.SIGNED_OFF),
        (facts(signed_off=True, claimed_done=True, long_term=True), MID, P.SIGNED_OFF),
        (facts(claimed_done=True, percent=10), MID, P.COMPLETED),
        (facts(percent=100), MID, P.COMPLETED),
        (facts(percent=150), START, P.COMPLETED),
        (facts(percent=100, long_term=True, due=None), MID, P.COMPLETED),
        (facts(claimed_done=True, immediate=True, due=None), MID, P.COMPLETED),
        # row 3: long-term once there is no date or the date has passed
        (facts(long_term=True, due=None), MID, P.LONG_TERM),
        (facts(long_term=True, percent=20), DUE + DAY, P.LONG_TERM),
        (facts(long_term=True, percent=20), DUE, P.BEHIND),  # still paced on its due day
        (facts(long_term=True, percent=50), MID, P.ON_PACE),
        # row 4: undated 立行立改
        (facts(immediate=True, due=None), MID, P.IMMEDIATE),
        (facts(immediate=True, due=None, percent=40), MID, P.IMMEDIATE),
        (facts(immediate=True, percent=50), MID, P.ON_PACE),  # dated: paced as usual
        # rows 5–6: no due date, no yardstick
        (facts(due=None), MID, P.NOT_STARTED),
        (facts(due=None, percent=0), MID, P.NOT_STARTED),
        (facts(due=None, percent=30), MID, P.ON_PACE),
        # rows 7–8: nothing reported (or 0 %)
        (facts(), START - DAY, P.NOT_STARTED),
        (facts(), START, P.NOT_STARTED),  # 1 % expected is within tolerance
        (facts(), START + 4 * DAY, P.NOT_STARTED),  # exactly 5 % expected
        (facts(), START + 5 * DAY, P.BEHIND),  # 6 %
        (facts(), MID, P.BEHIND),
        (facts(percent=0), MID, P.BEHIND),
        (facts(percent=0), START, P.NOT_STARTED),
        (facts(), DUE + DAY, P.BEHIND),
        # rows 9–11: percent against 100 × expected share, ± tolerance (5 points)
        (facts(percent=50), MID, P.ON_PACE),
        (facts(percent=45), MID, P.ON_PACE),  # exactly 5 below
        (facts(percent=44.9), MID, P.BEHIND),
        (facts(percent=55), MID, P.ON_PACE),  # exactly 5 above
        (facts(percent=55.1), MID, P.AHEAD),
        (facts(percent=20), START - DAY, P.AHEAD),  # started early
        (facts(percent=3), START - DAY, P.ON_PACE),
        (facts(percent=96), DUE, P.ON_PACE),  # 100 % expected by the end of the due day
        (facts(percent=94), DUE, P.BEHIND),
        (facts(percent=99), DUE + DAY, P.ON_PACE),
        # without a start the due date is the only yardstick
        (facts(start=None), DUE - DAY, P.NOT_STARTED),
        (facts(start=None, percent=10), DUE - DAY, P.AHEAD),
        (facts(start=None, percent=50), DUE, P.BEHIND),
        # leap-year February: 2024-02-01..2024-02-29 is 29 days
        (facts(start=D(2024, 2, 1), due=D(2024, 2, 29), percent=93), D(2024, 2, 28), P.ON_PACE),
        (facts(start=D(2024, 2, 1), due=D(2024, 2, 29), percent=93), D(2024, 2, 29), P.BEHIND),
        # reported numbers that are not percentages
        (facts(percent=math.nan), MID, P.BEHIND),  # NaN counts as not reported
        (facts(percent=math.nan), START, P.NOT_STARTED),
        (facts(percent=-20), MID, P.BEHIND),
        (facts(percent=math.inf), MID, P.COMPLETED),
    ],
)
def test_pace(item: ItemFacts, as_of: date, expected: Pace) -> None:
    assert pace(item, as_of) is expected


def test_pace_tolerance_is_a_parameter() -> None:
    assert pace(facts(percent=49), MID, tolerance=0) is P.BEHIND
    assert pace(facts(percent=51), MID, tolerance=0) is P.AHEAD
    assert pace(facts(percent=50), MID, tolerance=0) is P.ON_PACE
    assert pace(facts(percent=30), MID, tolerance=20) is P.ON_PACE


def test_facts_are_frozen_and_keyword_only() -> None:
    item = facts()
    with pytest.raises(FrozenInstanceError):
        item.percent = 50  # type: ignore[misc]
    with pytest.raises(TypeError):
        ItemFacts(START, DUE)  # type: ignore[misc]


_facts = st.builds(
    WarningFacts,
    start=st.none() | st.dates(),
    due=st.none() | st.dates(),
    immediate=st.booleans(),
    long_term=st.booleans(),
    percent=st.none() | st.floats(),
    claimed_done=st.booleans(),
    signed_off=st.booleans(),
    missed_periods=st.integers(min_value=0, max_value=50),
    has_evidence=st.booleans(),
)


@given(_facts, st.dates(), st.floats(min_value=0, max_value=100))
def test_pace_and_warnings_never_raise(item: WarningFacts, as_of: date, tolerance: float) -> None:
    assert pace(item, as_of, tolerance) in set(Pace)
    found = warnings_for(item, as_of, Thresholds(), tolerance)
    kinds = [kind for kind, _grade, _reason in found]
    assert len(kinds) == len(set(kinds))
    assert all(reason for _kind, _grade, reason in found)


# --- rollup ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paces", "expected"),
    [
        ([], None),
        ([P.SIGNED_OFF, P.SIGNED_OFF], P.SIGNED_OFF),
        ([P.COMPLETED, P.SIGNED_OFF], P.COMPLETED),
        ([P.COMPLETED], P.COMPLETED),
        ([P.BEHIND, P.AHEAD, P.SIGNED_OFF], P.BEHIND),
        ([P.BEHIND, P.IMMEDIATE, P.LONG_TERM], P.BEHIND),
        ([P.IMMEDIATE, P.ON_PACE], P.IMMEDIATE),
        ([P.IMMEDIATE, P.COMPLETED], P.IMMEDIATE),
        ([P.LONG_TERM, P.COMPLETED, P.SIGNED_OFF], P.LONG_TERM),
        ([P.LONG_TERM, P.LONG_TERM], P.LONG_TERM),
        ([P.NOT_STARTED, P.NOT_STARTED], P.NOT_STARTED),
        ([P.NOT_STARTED, P.AHEAD], P.AHEAD),
        ([P.NOT_STARTED, P.ON_PACE, P.AHEAD], P.ON_PACE),
        ([P.ON_PACE, P.AHEAD], P.ON_PACE),
        ([P.AHEAD, P.AHEAD, P.SIGNED_OFF], P.AHEAD),
        ([P.AHEAD, P.LONG_TERM], P.AHEAD),
        # something has started and nothing is late: under way
        ([P.NOT_STARTED, P.COMPLETED], P.ON_PACE),
        ([P.NOT_STARTED, P.LONG_TERM], P.ON_PACE),
    ],
)
def test_rollup(paces: list[Pace], expected: Pace | None) -> None:
    assert rollup(paces) is expected
    assert rollup(reversed(paces)) is expected  # order does not matter, any iterable will do


def test_rollup_accepts_stored_strings_and_rejects_unknown_ones() -> None:
    assert rollup(["behind", "ahead"]) is P.BEHIND
    with pytest.raises(ValueError):
        rollup(["late"])


@given(st.sampled_from(list(Pace)))
def test_rollup_of_one_item_is_that_item(single: Pace) -> None:
    assert rollup([single]) is single


@given(st.lists(st.sampled_from(list(Pace)), min_size=1))
def test_rollup_any_behind_is_behind(paces: list[Pace]) -> None:
    assert (rollup(paces) is P.BEHIND) == (P.BEHIND in paces)


# --- reporting periods ----------------------------------------------------------------------


def period(start: date, end: date, window_open: date, window_close: date, label: str) -> Period:
    return Period(start=start, end=end, window_open=window_open, window_close=window_close, label=label)


FEB_2026 = period(D(2026, 2, 1), D(2026, 2, 28), D(2026, 2, 25), D(2026, 3, 5), "2026年2月")
MAR_2026 = period(D(2026, 3, 1), D(2026, 3, 31), D(2026, 3, 25), D(2026, 4, 5), "2026年3月")
DEC_2025 = period(D(2025, 12, 1), D(2025, 12, 31), D(2025, 12, 25), D(2026, 1, 5), "2025年12月")
JAN_2026 = period(D(2026, 1, 1), D(2026, 1, 31), D(2026, 1, 25), D(2026, 2, 5), "2026年1月")
Q4_2025 = period(D(2025, 10, 1), D(2025, 12, 31), D(2025, 12, 25), D(2026, 1, 5), "2025年第4季度")
Q1_2026 = period(D(2026, 1, 1), D(2026, 3, 31), D(2026, 3, 25), D(2026, 4, 5), "2026年第1季度")
Q2_2026 = period(D(2026, 4, 1), D(2026, 6, 30), D(2026, 6, 25), D(2026, 7, 5), "2026年第2季度")
W10_2026 = period(D(2026, 3, 2), D(2026, 3, 8), D(2026, 3, 6), D(2026, 3, 9), "2026年第10周")
W1_2026 = period(D(2025, 12, 29), D(2026, 1, 4), D(2026, 1, 2), D(2026, 1, 5), "2026年第1周")


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2026, 3, 3), FEB_2026),  # February's window (Feb 25 – Mar 5) is open
        (D(2026, 3, 5), FEB_2026),  # last day of the window
        (D(2026, 3, 6), MAR_2026),
        (D(2026, 3, 10), MAR_2026),  # March's window has not opened yet
        (D(2026, 3, 31), MAR_2026),
        (D(2026, 4, 5), MAR_2026),
        (D(2026, 2, 27), FEB_2026),
        (D(2025, 12, 30), DEC_2025),
        (D(2026, 1, 5), DEC_2025),  # year boundary: December is reported into January
        (D(2026, 1, 6), JAN_2026),
    ],
)
def test_period_for_monthly(as_of: date, expected: Period) -> None:
    assert period_for(Cadence.MONTHLY, as_of) == expected


def test_period_for_monthly_clamps_window_days_to_month_end() -> None:
    leap = period_for("monthly", D(2024, 3, 1), window_start_day=31, window_end_day=31)
    assert (leap.label, leap.end, leap.window_open, leap.window_close) == (
        "2024年2月",
        D(2024, 2, 29),
        D(2024, 2, 29),
        D(2024, 3, 31),
    )
    plain = period_for("monthly", D(2023, 2, 10), window_start_day=30, window_end_day=1)
    assert (plain.label, plain.window_open, plain.window_close) == ("2023年2月", D(2023, 2, 28), D(2023, 3, 1))


@pytest.mark.parametrize("day", [0, 32, -1])
def test_period_for_rejects_impossible_window_days(day: int) -> None:
    with pytest.raises(ValueError, match="1–31"):
        period_for(Cadence.MONTHLY, MID, window_start_day=day)
    with pytest.raises(ValueError, match="window_end_day"):
        period_for(Cadence.QUARTERLY, MID, window_end_day=day)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2025, 12, 24), Q4_2025),
        (D(2026, 1, 5), Q4_2025),  # year boundary
        (D(2026, 1, 6), Q1_2026),
        (D(2026, 3, 3), Q1_2026),
        (D(2026, 3, 25), Q1_2026),
        (D(2026, 4, 5), Q1_2026),
        (D(2026, 4, 6), Q2_2026),
        (D(2026, 5, 20), Q2_2026),
    ],
)
def test_period_for_quarterly(as_of: date, expected: Period) -> None:
    assert period_for(Cadence.QUARTERLY, as_of) == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2026, 3, 3), W10_2026),  # Tuesday
        (D(2026, 3, 6), W10_2026),  # Friday: window opens
        (D(2026, 3, 8), W10_2026),
        (D(2026, 3, 9), W10_2026),  # Monday after: window closes today
        (D(2026, 1, 1), W1_2026),  # ISO week 1 of 2026 starts on 2025-12-29
        (D(2025, 12, 30), W1_2026),
        (D(2026, 1, 5), W1_2026),
    ],
)
def test_period_for_weekly(as_of: date, expected: Period) -> None:
    assert period_for(Cadence.WEEKLY, as_of) == expected
    assert period_for(Cadence.WEEKLY, as_of, 1, 1) == expected  # day arguments are ignored


def test_weekly_labels_use_the_iso_year() -> None:
    assert period_for("weekly", D(2021, 1, 1)).label == "2020年第53周"
    assert period_for("weekly", D(2026, 3, 10)).label == "2026年第11周"


def test_previous_period() -> None:
    assert previous_period(JAN_2026, Cadence.MONTHLY) == DEC_2025
    assert previous_period(MAR_2026, "monthly") == FEB_2026
    assert previous_period(Q1_2026, Cadence.QUARTERLY) == Q4_2025
    week = previous_period(W1_2026, Cadence.WEEKLY)
    assert (week.start, week.end, week.label) == (D(2025, 12, 22), D(2025, 12, 28), "2025年第52周")
    custom = previous_period(MAR_2026, "monthly", window_start_day=20, window_end_day=10)
    assert (custom.window_open, custom.window_close) == (D(2026, 2, 20), D(2026, 3, 10))


def test_periods_between() -> None:
    months = periods_between(Cadence.MONTHLY, D(2025, 11, 10), D(2026, 2, 1))
    assert [p.label for p in months] == ["2025年11月", "2025年12月", "2026年1月", "2026年2月"]
    assert months[1:3] == [DEC_2025, JAN_2026]
    quarters = periods_between(Cadence.QUARTERLY, D(2025, 11, 15), D(2026, 4, 1))
    assert quarters == [Q4_2025, Q1_2026, Q2_2026]
    weeks = periods_between(Cadence.WEEKLY, D(2026, 1, 1), D(2026, 1, 31))
    assert [p.start for p in weeks] == [D(2025, 12, 29), D(2026, 1, 5), D(2026, 1, 12), D(2026, 1, 19), D(2026, 1, 26)]
    assert periods_between("monthly", MID, MID) == [FEB_2026]
    assert periods_between("monthly", MID, MID - DAY) == []


def test_is_late() -> None:
    assert not is_late(FEB_2026, D(2026, 2, 10))
    assert not is_late(FEB_2026, D(2026, 3, 5))
    assert is_late(FEB_2026, D(2026, 3, 6))


def test_missed_periods_counts_only_closed_windows() -> None:
    # 2026-03-10: February's window closed on Mar 5, March's has not opened.
    assert missed_periods("monthly", D(2026, 3, 10), {JAN_2026.start}, since=D(2025, 6, 1)) == 1
    assert missed_periods("monthly", D(2026, 3, 10), set(), since=D(2026, 1, 15)) == 2  # Dec predates the item
    assert missed_periods("monthly", D(2026, 3, 10), {FEB_2026.start}, since=D(2025, 6, 1)) == 0
    # 2026-03-03: February's window is still open, so February is not missed yet.
    assert missed_periods("monthly", D(2026, 3, 3), {JAN_2026.start}, since=D(2025, 6, 1)) == 0
    assert missed_periods("monthly", D(2026, 3, 3), set(), since=D(2026, 2, 1)) == 0
    assert missed_periods("quarterly", D(2026, 4, 6), set(), since=D(2025, 10, 1)) == 2
    assert missed_periods("weekly", D(2026, 3, 10), {D(2026, 2, 23)}, since=START) == 1


# --- thresholds -----------------------------------------------------------------------------


def test_thresholds_round_trip_through_json() -> None:
    default = Thresholds()
    assert Thresholds.from_dict(json.loads(json.dumps(default.to_dict()))) == default
    custom = Thresholds(due_soon_days=7, red_overdue_days=60, behind_yellow_points=12.5, no_report_red_periods=3)
    assert Thresholds.from_dict(json.loads(json.dumps(custom.to_dict()))) == custom


def test_thresholds_from_dict_defaults_ignores_unknown_and_coerces_json_numbers() -> None:
    loaded = Thresholds.from_dict({"due_soon_days": 10.0, "behind_red_points": 40, "colour": "red"})
    assert loaded == Thresholds(due_soon_days=10, behind_red_points=40.0)
    assert isinstance(loaded.due_soon_days, int)
    assert isinstance(loaded.to_dict()["behind_red_points"], float)
    assert Thresholds.from_dict({}) == Thresholds()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"due_soon_days": "15"}, "due_soon_days must be a whole number"),
        ({"due_soon_days": 15.5}, "due_soon_days must be a whole number"),
        ({"red_overdue_days": True}, "red_overdue_days must be a whole number"),
        ({"no_report_red_periods": None}, "no_report_red_periods must be a whole number"),
        ({"behind_yellow_points": "10"}, "behind_yellow_points must be a number"),
        ({"behind_red_points": False}, "behind_red_points must be a number"),
        ({"behind_red_points": math.nan}, "behind_red_points must not be negative"),
        ({"due_soon_days": -1}, "due_soon_days must not be negative"),
        ({"yellow_overdue_days": 40}, "yellow_overdue_days \\(40\\) exceeds red_overdue_days \\(30\\)"),
        ({"behind_yellow_points": 50}, "behind_yellow_points"),
        ({"no_report_yellow_periods": 3}, "no_report_yellow_periods"),
    ],
)
def test_thresholds_from_dict_rejects_bad_values(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Thresholds.from_dict(data)


def test_thresholds_from_dict_rejects_non_objects() -> None:
    with pytest.raises(ValueError, match="JSON object"):
        Thresholds.from_dict([("due_soon_days", 3)])  # type: ignore[arg-type]


# --- warnings -------------------------------------------------------------------------------

T = Thresholds()
K, G = WarningKind, Grade
NO_EVIDENCE = (K.EVIDENCE_MISSING, G.YELLOW, "申报完成但未上传佐证材料")


def wf(**kwargs: object) -> WarningFacts:
    return WarningFacts(**{"start": START, "due": DUE, "has_evidence": True, **kwargs})


@pytest.mark.parametrize(
    ("item", "as_of", "expected"),
    [
        # due soon: within 15 days, item on pace (Mar 26 is day 85 → 85 % expected)
        (wf(percent=85), D(2026, 3, 26), [(K.DUE_SOON, G.BLUE, "距整改时限还有15天")]),
        (wf(percent=85), D(2026, 3, 25), []),
        (wf(percent=97), DUE, [(K.DUE_SOON, G.BLUE, "今日到期")]),
        (wf(percent=50), MID, []),
        # overdue replaces behind
        (wf(percent=50), DUE + DAY, [(K.OVERDUE, G.YELLOW, "逾期1天")]),
        (wf(), DUE + 12 * DAY, [(K.OVERDUE, G.YELLOW, "逾期12天")]),
        (wf(), DUE + 29 * DAY, [(K.OVERDUE, G.YELLOW, "逾期29天")]),
        (wf(), DUE + 30 * DAY, [(K.OVERDUE, G.RED, "逾期30天")]),
        (wf(start=D(2025, 3, 1), due=D(2025, 12, 31)), D(2026, 1, 1), [(K.OVERDUE, G.YELLOW, "逾期1天")]),
        # behind: points below 100 × expected share
        (wf(percent=41), MID, [(K.BEHIND, G.BLUE, "落后序时进度9个百分点")]),
        (wf(percent=40.4), MID, [(K.BEHIND, G.BLUE, "落后序时进度9.6个百分点")]),
        (wf(percent=40), MID, [(K.BEHIND, G.YELLOW, "落后序时进度10个百分点")]),
        (wf(percent=32), MID, [(K.BEHIND, G.YELLOW, "落后序时进度18个百分点")]),
        (wf(percent=20), MID, [(K.BEHIND, G.RED, "落后序时进度30个百分点")]),
        (wf(), MID, [(K.BEHIND, G.RED, "落后序时进度50个百分点")]),
        (wf(percent=44), MID, [(K.BEHIND, G.BLUE, "落后序时进度6个百分点")]),
        (wf(percent=46), MID, []),  # within tolerance: on pace, no warning
        # no report
        (wf(percent=50, missed_periods=1), MID, [(K.NO_REPORT, G.BLUE, "连续1期未报送进展")]),
        (wf(percent=50, missed_periods=2), MID, [(K.NO_REPORT, G.RED, "连续2期未报送进展")]),
        # several at once, in table order
        (
            wf(percent=60, missed_periods=3),
            D(2026, 4, 1),
            [
                (K.DUE_SOON, G.BLUE, "距整改时限还有9天"),
                (K.BEHIND, G.RED, "落后序时进度31个百分点"),  # Apr 1 is day 91
                (K.NO_REPORT, G.RED, "连续3期未报送进展"),
            ],
        ),
        (
            wf(missed_periods=1),
            DUE + 40 * DAY,
            [(K.OVERDUE, G.RED, "逾期40天"), (K.NO_REPORT, G.BLUE, "连续1期未报送进展")],
        ),
        # completed: only evidence matters
        (wf(claimed_done=True, has_evidence=False, missed_periods=5), DUE + 40 * DAY, [NO_EVIDENCE]),
        (wf(percent=100, has_evidence=False), MID, [NO_EVIDENCE]),
        (wf(claimed_done=True), DUE + 40 * DAY, []),
        # signed off: nothing at all
        (wf(signed_off=True, has_evidence=False, missed_periods=5), DUE + 40 * DAY, []),
        # long-term: no due/overdue once the date has passed, but reports are still expected
        (wf(long_term=True, percent=10), DUE + 40 * DAY, []),
        (wf(long_term=True, due=None, missed_periods=2), MID, [(K.NO_REPORT, G.RED, "连续2期未报送进展")]),
        (wf(long_term=True, percent=85), D(2026, 3, 26), [(K.DUE_SOON, G.BLUE, "距整改时限还有15天")]),  # dated phase
        # undated items have no due date to warn about
        (wf(immediate=True, due=None), MID, []),
        (wf(due=None, missed_periods=1), MID, [(K.NO_REPORT, G.BLUE, "连续1期未报送进展")]),
    ],
)
def test_warnings_for(item: WarningFacts, as_of: date, expected: list[tuple[WarningKind, Grade, str]]) -> None:
    assert warnings_for(item, as_of, T) == expected


def test_warnings_follow_custom_thresholds() -> None:
    lenient = Thresholds(
        due_soon_days=3,
        yellow_overdue_days=7,
        red_overdue_days=60,
        behind_yellow_points=20,
        behind_red_points=40,
        no_report_yellow_periods=2,
        no_report_red_periods=3,
    )
    assert warnings_for(wf(percent=85), D(2026, 3, 26), lenient) == []
    assert warnings_for(wf(), DUE + 3 * DAY, lenient) == [(K.OVERDUE, G.BLUE, "逾期3天")]
    assert warnings_for(wf(), DUE + 7 * DAY, lenient) == [(K.OVERDUE, G.YELLOW, "逾期7天")]
    assert warnings_for(wf(percent=20), MID, lenient) == [(K.BEHIND, G.YELLOW, "落后序时进度30个百分点")]
    assert warnings_for(wf(percent=50, missed_periods=2), MID, lenient)[0][1] is G.YELLOW
    assert warnings_for(wf(percent=50, missed_periods=3), MID, lenient)[0][1] is G.RED


def test_warnings_use_the_tolerance_for_behind() -> None:
    assert warnings_for(wf(percent=40), MID, T, tolerance=15) == []
    assert warnings_for(wf(percent=48), MID, T, tolerance=0) == [(K.BEHIND, G.BLUE, "落后序时进度2个百分点")]
