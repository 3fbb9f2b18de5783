"""Date helpers of the generator: month arithmetic, moments in office hours, and deadlines as plans write them.

A deadline is drawn as a *kind* and a date, then written the way plans write it (``2026年6月底前``,
``立行立改``, ``2027年6月30日前完成，长期坚持``) and read back by the project's own parser
(``DeadlineFields.set_deadline`` → ``core.deadlines.parse_deadline``), so the parsed columns are exactly
what an import would store. Parses are cached by text: a national run writes ~110 000 deadlines from a
few thousand distinct strings.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import cache

from django.utils import timezone

from zhenggai.core.workdays import last_day_of_month
from zhenggai.ledger.models import Problem

__all__ = ["DEADLINE_KINDS", "add_months", "at", "deadline_text", "parsed_deadline"]

_DUE = ("due_raw", "due_date", "due_precision", "due_immediate", "due_long_term", "due_conditional")
_DUE += ("due_recurrence", "due_ambiguous")

# (kind, weight): the mix of 整改时限 in published plans, immediate to three years, long-term and combined.
DEADLINE_KINDS = (
    ("immediate", 10),  # 立行立改
    ("immediate_date", 5),  # 立行立改，2025年12月底前完成
    ("month", 25),  # 2026年6月底前
    ("day", 10),  # 2026年6月30日前
    ("year", 10),  # 2026年年底前
    ("date_long_term", 15),  # 2026年6月底前完成，长期坚持
    ("long_term", 15),  # 长期坚持
    ("recurring", 5),  # 每季度开展一次专项检查，长期坚持
    ("conditional", 5),  # 根据项目批复时间确定，2027年年底前完成
)
DATED_KINDS = frozenset({"immediate_date", "month", "day", "year", "date_long_term", "conditional"})


def add_months(d: date, months: int) -> date:
    """The last day of the month ``months`` after ``d``'s month."""
    index = d.year * 12 + d.month - 1 + months
    return last_day_of_month(index // 12, index % 12 + 1)


def local(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """``day`` at that time in the site's time zone (aware). ``make_aware`` costs six times as much, and a
    national run makes two million of these."""
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=timezone.get_default_timezone())


def at(day: date, rng: random.Random, first_hour: int = 9, last_hour: int = 17) -> datetime:
    """A moment of office hours on ``day`` (aware, in the site's time zone)."""
    return local(day, rng.randint(first_hour, last_hour), rng.randrange(60), rng.randrange(60))


def deadline_text(kind: str, start: date, rng: random.Random, *, span: tuple[int, int] = (2, 36)) -> str:
    """A deadline of ``kind`` for work starting on ``start``, as a plan writes it (dates within ``span``
    months of the start, skewed towards the first year and a half)."""
    months = min(span[1], span[0] + int(rng.triangular(0, span[1] - span[0], 8)))
    due = add_months(start, months)
    if kind == "immediate":
        return rng.choice(("立行立改", "立即整改", "立行立改，长期坚持"))
    if kind == "immediate_date":
        due = add_months(start, rng.randint(1, 4))
        return f"立行立改，{due.year}年{due.month}月底前完成"
    if kind == "month":
        return f"{due.year}年{due.month}月底前"
    if kind == "day":
        day = rng.choice((15, 20, 30, 31)) if due.day >= 30 else due.day
        day = min(day, due.day)
        return f"{due.year}年{due.month}月{day}日前"
    if kind == "year":
        return rng.choice((f"{due.year}年年底前", f"{due.year}年底前完成"))
    if kind == "date_long_term":
        return f"{due.year}年{due.month}月底前完成，长期坚持"
    if kind == "long_term":
        return rng.choice(("长期坚持", "持续推进，长期坚持", "长期坚持，常态化推进"))
    if kind == "recurring":
        return rng.choice(("每季度开展一次专项检查，长期坚持", "每年开展一次排查，长期坚持", "每月调度，长期坚持"))
    if kind == "conditional":
        return f"根据项目批复时间确定，{due.year}年年底前完成"
    raise ValueError(kind)


@cache
def _parsed(raw: str) -> tuple:
    holder = Problem()
    holder.set_deadline(raw)
    return tuple(getattr(holder, name) for name in _DUE)


def parsed_deadline(raw: str) -> dict[str, object]:
    """The deadline columns (``due_raw`` … ``due_ambiguous``) the project's parser gives for ``raw``."""
    return dict(zip(_DUE, _parsed(raw), strict=True))


def problem_deadline(measure_raws: list[str]) -> str:
    """A problem's 整改时限 from its measures': the latest date (month end), long-term if any measure is."""
    parsed = [parsed_deadline(raw) for raw in measure_raws]
    dates = [p["due_date"] for p in parsed if p["due_date"]]
    long_term = any(p["due_long_term"] or p["due_recurrence"] for p in parsed)
    immediate = any(p["due_immediate"] for p in parsed)
    if not dates:
        return "立行立改，长期坚持" if immediate else "长期坚持"
    last = max(dates)
    text = f"{last.year}年{last.month}月底前完成"
    if immediate:
        text = "立行立改，" + text
    return text + ("，长期坚持" if long_term else "")


def between(rng: random.Random, start: date, end: date) -> date:
    """A day from ``start`` to ``end`` (``start`` when the range is empty)."""
    days = (end - start).days
    return start + timedelta(days=rng.randint(0, days)) if days > 0 else start
