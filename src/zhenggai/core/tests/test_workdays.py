"""Tests for zhenggai.core.workdays.

Holiday facts below were checked against chinesecalendar 1.11.0 and the State
Council notices for 2024 and 2025.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from zhenggai.core.workdays import add_working_days, is_working_day, last_day_of_month, working_days_between


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        # 2025 National Day + Mid-Autumn: Oct 1–8 off, Sun Sep 28 and Sat Oct 11 worked (调休).
        *[(date(2025, 10, day), False) for day in range(1, 9)],
        (date(2025, 9, 28), True),
        (date(2025, 10, 11), True),
        (date(2025, 9, 27), False),  # ordinary Saturday
        (date(2025, 10, 12), False),  # ordinary Sunday
        (date(2025, 9, 30), True),
        (date(2025, 10, 9), True),
        # 2024 Spring Festival: Feb 10–17 off, Sun Feb 4 and Sun Feb 18 worked.
        *[(date(2024, 2, day), False) for day in range(10, 18)],
        (date(2024, 2, 4), True),
        (date(2024, 2, 18), True),
        (date(2024, 2, 9), True),  # New Year's Eve was a normal Friday in 2024
        # 2025 Spring Festival: Jan 28 – Feb 4 off, Sun Jan 26 and Sat Feb 8 worked.
        (date(2025, 1, 28), False),
        (date(2025, 2, 4), False),
        (date(2025, 1, 26), True),
        (date(2025, 2, 8), True),
        (date(2025, 1, 1), False),  # New Year's Day
        (date(2024, 5, 11), True),  # Saturday worked for Labour Day 2024
    ],
)
def test_is_working_day_with_holiday_data(d: date, expected: bool) -> None:
    assert is_working_day(d) is expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2030, 1, 1), True),  # a Tuesday; no holiday data for 2030, so Mon–Fri rules
        (date(2030, 1, 5), False),  # Saturday
        (date(2030, 1, 6), False),  # Sunday
        (date(2003, 10, 1), True),  # Wednesday, before the library's data starts (2004)
        (date(2003, 10, 4), False),  # Saturday
    ],
)
def test_is_working_day_falls_back_to_weekdays(d: date, expected: bool) -> None:
    assert is_working_day(d) is expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # jumps the whole holiday
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # Friday → the worked Sunday
        (date(2025, 9, 29), 5, date(2025, 10, 13)),  # Sep 30, Oct 9, 10, 11 (Sat, worked), then Mon 13
        (date(2025, 10, 1), 0, date(2025, 10, 9)),  # n=0 on a holiday: the next working day
        (date(2025, 9, 30), 0, date(2025, 9, 30)),  # n=0 on a working day: itself
        (date(2025, 10, 10), -1, date(2025, 10, 9)),
        (date(2025, 10, 9), -1, date(2025, 9, 30)),
        (date(2024, 2, 9), 1, date(2024, 2, 18)),
        (date(2030, 1, 4), 1, date(2030, 1, 7)),  # fallback: Friday → Monday
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


def test_add_working_days_counts_each_working_day_once() -> None:
    # Sep 29 (Mon) + 4 = Sep 30, Oct 9, Oct 10, Oct 11: 4 working days in (Sep 29, Oct 11].
    assert add_working_days(date(2025, 9, 29), 4) == date(2025, 10, 11)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 9, 30), date(2025, 10, 9), 1),
        (date(2025, 9, 29), date(2025, 10, 12), 4),
        (date(2025, 10, 1), date(2025, 10, 8), 0),
        (date(2025, 10, 9), date(2025, 10, 9), 0),
        (date(2025, 10, 9), date(2025, 9, 30), -1),
        (date(2024, 12, 31), date(2025, 12, 31), 248),  # officially announced: 248 working days in 2025
        (date(2023, 12, 31), date(2024, 12, 31), 251),  # and 251 in 2024
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize("n", [1, 2, 5, 10, 30, 120])
@pytest.mark.parametrize("start", [date(2024, 2, 8), date(2025, 9, 27), date(2025, 12, 20), date(2026, 12, 25)])
def test_add_and_count_agree(start: date, n: int) -> None:
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert is_working_day(end)


def test_add_working_days_crosses_out_of_data_range() -> None:
    # 2026-12-31 is a Thursday; 2027 has no data, so Jan 1 2027 (Friday) counts as a working day.
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2020, 2, date(2020, 2, 29)),
        (2019, 2, date(2019, 2, 28)),
        (1900, 2, date(1900, 2, 28)),
        (2000, 2, date(2000, 2, 29)),
        (2020, 4, date(2020, 4, 30)),
        (2020, 12, date(2020, 12, 31)),
        (2020, 1, date(2020, 1, 31)),
    ],
)
def test_last_day_of_month(year: int, month: int, expected: date) -> None:
    assert last_day_of_month(year, month) == expected
    assert (expected + timedelta(days=1)).day == 1


@pytest.mark.parametrize("month", [0, 13])
def test_last_day_of_month_rejects_bad_month(month: int) -> None:
    with pytest.raises(ValueError):
        last_day_of_month(2020, month)
