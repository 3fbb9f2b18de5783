"""Parse 整改时限 (rectification deadlines) as written in inspection plans.

Plans write deadlines as free text: ``2018年6月30日前完成，长期坚持``, ``2020年年底前``,
``立行立改``, ``每季度``, ``根据…批复时间确定，其余问题2020年年底前完成``.  This module turns
such text into a :class:`ParsedDeadline` with plain regular expressions; no external
date libraries.  The parser is deliberately forgiving (typos such as ``2018月12月31日``
or a missing 日 are common) and flags readings it is unsure of as ``ambiguous``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from zhenggai.core.numerals import parse_chinese_int
from zhenggai.core.text import normalize, squeeze_spaces_in_dates
from zhenggai.core.workdays import last_day_of_month

__all__ = ["ParsedDeadline", "parse_deadline"]

# When two readings give the same date ("2020年底" and "2020年12月31日"), report the finer one.
_PRECISION_RANK = {"year": 1, "month": 2, "day": 3}
_MIN_YEAR, _MAX_YEAR = 1949, 2199  # anything else is a stray number, not a year

# Chinese-numeral runs before a date unit: 二〇二〇年十二月三十一日 → 2020年12月31日.
_CN_NUMBER = re.compile(r"[〇零○一二两三四五六七八九十百千]+(?=[年月日号])")
# "2018月12月31日": the writer hit 月 instead of 年; a 4-digit "month" followed by a month is a year.
_TYPO_YEAR = re.compile(r"(?<!\d)(\d{4})月(?=\d{1,2}月)")

# One alternation so that finditer walks the text once, left to right, and the most
# specific form wins at each position (day before month before year).
_DATE = re.compile(
    r"(?:(?<!\d)(?P<dy>\d{4})年)?(?<!\d)(?P<dm>\d{1,2})月(?P<dd>\d{1,2})(?!\d)[日号]?"  # 2018年6月30日 / 6月30
    r"|(?:(?<!\d)(?P<my>\d{4})年)?(?<!\d)(?P<mm>\d{1,2})月份?(?P<mq>底|末|以?前)?"  # 2020年11月底 / 2020年6月前
    r"|(?<!\d)(?P<hy>\d{4})年(?P<half>[上下])半年"  # 2019年上半年
    r"|(?<!\d)(?P<qy>\d{4})年第?(?P<q>[1-4一二三四])季度?"  # 2019年第一季度 / 2019年一季度
    r"|(?<!\d)(?P<ey>\d{4})年年?[底末]"  # 2020年年底 / 2017年底
    r"|(?<!\d)(?P<by>\d{4})年以?前"  # 2019年前 = before 2019-01-01
    r"|(?<!\d)(?P<yy>\d{4})年(?![\d起初中后至到]|以[后来]|开始)"  # 到2020年; but not 2021年起 (a start)
)
_QUARTERS = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}

_IMMEDIATE = re.compile(r"立行立改|立查立改|即知即改|即查即改|立即|立刻|马上")
_LONG_TERM = re.compile(r"长期|持续|常态化")
# Deadlines that depend on an outside event; the lookbehinds skip 重视/监视/对待/期待 and the like.
_CONDITIONAL = re.compile(
    r"根据[^。；;]{0,60}?确定|(?<![重监检巡审注电])视[^，,。；;]{0,30}?情况"
    r"|(?<![对期接等招款])待[^，,。；;]{1,30}?后|另行确定|批复时间确定"
)
_RECURRENCE = re.compile(
    r"每个?(?P<weekly>周|星期)|每个?(?P<monthly>月)|每个?(?P<quarterly>季)|每(?P<half_yearly>半年)|每(?P<yearly>年)"
)

# (date, precision, ambiguous)
_Reading = tuple[date, str, bool]


@dataclass(frozen=True)
class ParsedDeadline:
    """What a 整改时限 text says.  ``due_date`` is the latest concrete date mentioned."""

    raw: str
    due_date: date | None = None
    dates: tuple[date, ...] = ()  # distinct dates in text order
    precision: str = ""  # "day" | "month" | "year" | "" — of due_date
    immediate: bool = False  # 立行立改 / 立即
    long_term: bool = False  # 长期坚持 / 持续加强
    conditional: bool = False  # depends on an outside event (根据…确定, 待…后)
    recurrence: str = ""  # "" | "weekly" | "monthly" | "quarterly" | "half_yearly" | "yearly"
    ambiguous: bool = False  # a reading we had to guess (2019年前, 2月30日)
    recognised: bool = False  # anything at all was understood

    def kinds(self) -> list[str]:
        """The applicable subset of ["date", "immediate", "long_term", "conditional", "recurring"]."""
        flags = {
            "date": self.due_date is not None,
            "immediate": self.immediate,
            "long_term": self.long_term,
            "conditional": self.conditional,
            "recurring": bool(self.recurrence),
        }
        return [kind for kind, present in flags.items() if present]


def _chinese_numbers_to_digits(text: str) -> str:
    def convert(match: re.Match[str]) -> str:
        try:
            return str(parse_chinese_int(match[0]))
        except ValueError:  # e.g. a bare 千年: leave it alone
            return match[0]

    return _CN_NUMBER.sub(convert, text)


def _prepare(raw: str) -> str:
    """Normalise width and spacing, convert Chinese numerals, repair the 月-for-年 typo."""
    text = squeeze_spaces_in_dates(normalize(raw))
    return _TYPO_YEAR.sub(r"\1年", _chinese_numbers_to_digits(text))


def _day(year: int, month: int, day: int) -> _Reading | None:
    """A calendar day; an impossible day (2月30日) is clamped to month end and flagged."""
    if not 1 <= month <= 12 or day < 1:
        return None
    month_end = last_day_of_month(year, month)
    if day > month_end.day:
        return month_end, "day", True
    return date(year, month, day), "day", False


def _month(year: int, month: int, qualifier: str | None) -> _Reading | None:
    """Month end for 月底 / a bare month; 'M月前' reads as 'before the 1st', which is a guess."""
    if not 1 <= month <= 12:
        return None
    if qualifier and qualifier.endswith("前"):
        return date(year, month, 1) - timedelta(days=1), "month", True
    return last_day_of_month(year, month), "month", False


def _reading(m: re.Match[str], last_year: int | None) -> _Reading | None:
    """Turn one ``_DATE`` match into a date; None if it is not a usable date."""
    if m["dm"]:
        year = int(m["dy"]) if m["dy"] else last_year  # "…9月30日" inherits the year before it
        return _day(year, int(m["dm"]), int(m["dd"])) if year else None
    if m["mm"]:
        if m["my"]:
            return _month(int(m["my"]), int(m["mm"]), m["mq"])
        # A yearless bare month ("每年10月份") is not a deadline; "9月底" after a year is.
        return _month(last_year, int(m["mm"]), m["mq"]) if last_year and m["mq"] in ("底", "末") else None
    if m["half"]:
        return last_day_of_month(int(m["hy"]), 6 if m["half"] == "上" else 12), "month", False
    if m["q"]:
        return last_day_of_month(int(m["qy"]), 3 * _QUARTERS[m["q"]]), "month", False
    if m["by"]:
        # Product rule: 2019年前 = before 2019-01-01.  Some writers mean "within 2019", hence ambiguous.
        return date(int(m["by"]) - 1, 12, 31), "year", True
    return date(int(m["ey"] or m["yy"]), 12, 31), "year", False


def _find_dates(text: str) -> list[_Reading]:
    readings: list[_Reading] = []
    last_year: int | None = None
    for match in _DATE.finditer(text):
        explicit_year = next((match[g] for g in ("dy", "my", "hy", "qy", "ey", "by", "yy") if match[g]), None)
        if explicit_year and not _MIN_YEAR <= int(explicit_year) <= _MAX_YEAR:
            continue
        reading = _reading(match, last_year)
        if reading is not None:
            readings.append(reading)
            last_year = reading[0].year if explicit_year is None else int(explicit_year)
    return readings


def parse_deadline(raw: str | None) -> ParsedDeadline:
    """Parse a 整改时限 text; never raises.  Empty or unknown text gives ``recognised=False``."""
    raw = raw or ""
    text = _prepare(raw)
    readings = _find_dates(text)
    due = max(readings, key=lambda r: (r[0], _PRECISION_RANK[r[1]]), default=None)
    recurrence = _RECURRENCE.search(text)
    parsed = ParsedDeadline(
        raw=raw,
        due_date=due[0] if due else None,
        dates=tuple(dict.fromkeys(r[0] for r in readings)),
        precision=due[1] if due else "",
        immediate=bool(_IMMEDIATE.search(text)),
        long_term=bool(_LONG_TERM.search(text)),
        conditional=bool(_CONDITIONAL.search(text)),
        recurrence=(recurrence.lastgroup or "") if recurrence else "",
        ambiguous=any(r[2] for r in readings),
    )
    return replace(parsed, recognised=bool(parsed.kinds()))
