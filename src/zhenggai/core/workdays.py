"""Working-day arithmetic under China's public-holiday calendar.

Holidays come from the ``chinesecalendar`` package (import name ``chinese_calendar``),
version 1.11.0, which has official State Council data for **2004–2026**.  Adjusted
working days (调休, e.g. Sunday 2025-09-28 and Saturday 2025-10-11 around National
Day) count as working days; weekdays inside a holiday block (2025-10-01..08) do not.

For years outside that range the library raises ``NotImplementedError``; we then
fall back to plain Monday–Friday, which is only an approximation (no holidays, no
调休).  Upgrade ``chinesecalendar`` each December when the next year's schedule is
published — or, until then, let the office enter the published days: an override
source (``use_overrides``; the acceptance app registers its editable ``WorkdayOverride``
table) is consulted first, for any year.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from datetime import date, timedelta

import chinese_calendar

__all__ = ["add_working_days", "is_working_day", "last_day_of_month", "use_overrides", "working_days_between"]

_ONE_DAY = timedelta(days=1)
_override_source: Callable[[], Mapping[date, bool]] | None = None


def use_overrides(source: Callable[[], Mapping[date, bool]] | None) -> None:
    """Consult ``source()`` (date → working day or not) before the library; None switches it off."""
    global _override_source
    _override_source = source


def is_working_day(d: date) -> bool:
    """True if ``d`` is a working day in mainland China (Mon–Fri fallback outside 2004–2026)."""
    if _override_source is not None:
        override = _override_source().get(d)
        if override is not None:
            return override
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        return d.weekday() < 5


def add_working_days(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (before it if ``n`` is negative).

    ``start`` itself is never counted, so ``add_working_days(friday, 1)`` is the next
    working day.  ``n == 0`` returns ``start`` if it is a working day, otherwise the
    next working day.
    """
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    current = start
    if n == 0:
        while not is_working_day(current):
            current += step
        return current
    remaining = abs(n)
    while remaining:
        current += step
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Number of working days in the half-open range (start, end].

    ``working_days_between(s, add_working_days(s, n)) == n`` for every ``n > 0``.
    If ``end`` is before ``start`` the result is minus the count for (end, start].
    """
    if end < start:
        return -working_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += _ONE_DAY
        if is_working_day(current):
            count += 1
    return count


def last_day_of_month(year: int, month: int) -> date:
    """The last calendar day of ``month`` in ``year`` (handles leap years)."""
    return date(year, month, calendar.monthrange(year, month)[1])
