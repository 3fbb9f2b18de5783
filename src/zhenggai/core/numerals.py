"""Chinese numerals as written in rectification plans and official documents.

Plans number their items ``第十七项`` / ``（三十二）`` and official documents date
themselves ``二〇二一年一月十五日`` (成文日期), so we need both directions.
Only whole numbers from 0 to 99 999 999 are supported; that covers every label,
year, month and day we meet.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

__all__ = ["format_chinese_date", "format_chinese_int", "parse_chinese_int", "parse_number_label"]

# ○ (U+25CB WHITE CIRCLE) is a common typing substitute for 〇 in years.
_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_DIGIT_CHARS = "〇一二三四五六七八九"  # for formatting; 〇 is the official zero in dates
_NUMERAL_CLASS = "0-9〇零○一二两三四五六七八九十百千万"
_LABEL = re.compile(
    rf"(?:第(?P<nth>[{_NUMERAL_CLASS}]+)[项条点款个]?"
    rf"|[(（](?P<paren>[{_NUMERAL_CLASS}]+)[)）]"
    rf"|(?P<bare>[{_NUMERAL_CLASS}]+)[、.．,，)）]?)"
    r"[、.．:：]?"
)


def _parse_section(s: str) -> int:
    """Parse a number below 10 000 written with 千/百/十 (``一百零五``, ``十七``, ``两千``)."""
    total, digit, last_unit, after_zero = 0, None, 10_000, False
    for i, ch in enumerate(s):
        if ch in _DIGITS:
            if digit is not None:
                raise ValueError(f"two digits in a row in {s!r}")
            if _DIGITS[ch] == 0:
                after_zero = True
            else:
                digit = _DIGITS[ch]
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit >= last_unit:
                raise ValueError(f"units out of order in {s!r}")
            if digit is None:
                if not (unit == 10 and i == 0):  # only a leading 十 may omit its 一
                    raise ValueError(f"unit without a digit in {s!r}")
                digit = 1
            total, digit, last_unit, after_zero = total + digit * unit, None, unit, False
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    if digit is not None:
        # "一百五" means 150: a trailing digit takes the next unit down unless 零 intervened.
        scale = last_unit // 10 if last_unit in (100, 1000) and not after_zero else 1
        total += digit * scale
    return total


def parse_chinese_int(s: str) -> int:
    """Parse ``s`` as a whole number.

    Accepts ASCII or full-width digits (``17``, ``１７``), positional Chinese numerals
    (``十七``, ``二十一``, ``一百零五``, ``两千``, ``三万五千``) and digit-by-digit years
    (``二〇二〇``, ``二零一八``).  Raises :class:`ValueError` for anything else.
    """
    s = unicodedata.normalize("NFKC", s.strip()) if s else ""
    if not s:
        raise ValueError("empty numeral")
    if s.isascii() and s.isdigit():
        return int(s)
    if not any(ch in _UNITS or ch == "万" for ch in s):
        if all(ch in _DIGITS for ch in s):  # digit by digit: 二〇二〇
            return int("".join(str(_DIGITS[ch]) for ch in s))
        raise ValueError(f"not a Chinese numeral: {s!r}")
    high, sep, low = s.partition("万")
    if not sep:
        return _parse_section(s)
    if not high:
        raise ValueError(f"万 without a digit in {s!r}")
    if len(low) == 1 and low in _DIGITS and _DIGITS[low]:
        return _parse_section(high) * 10_000 + _DIGITS[low] * 1000  # 一万五 = 15000
    return _parse_section(high) * 10_000 + (_parse_section(low) if low else 0)


def _format_section(n: int, *, top: bool) -> str:
    """Format 0 < n < 10 000; ``top`` allows the short 十七 form instead of 一十七."""
    out: list[str] = []
    pending_zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            pending_zero = pending_zero or bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        short_ten = unit == "十" and d == 1 and not out and top
        out.append(unit if short_ten else _DIGIT_CHARS[d] + unit)
    return "".join(out)


def format_chinese_int(n: int) -> str:
    """Format ``n`` (0 ≤ n < 10⁸) in Chinese: 17 → 十七, 21 → 二十一, 105 → 一百零五, 10 → 十."""
    if not 0 <= n < 100_000_000:
        raise ValueError(f"out of range: {n}")
    if n == 0:
        return "零"
    high, low = divmod(n, 10_000)
    if not high:
        return _format_section(low, top=True)
    text = _format_section(high, top=True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + _format_section(low, top=False)
    return text


def format_chinese_date(d: date) -> str:
    """Official 成文日期 style: ``date(2021, 1, 15)`` → ``二〇二一年一月十五日``."""
    year = "".join(_DIGIT_CHARS[int(ch)] for ch in str(d.year))
    return f"{year}年{format_chinese_int(d.month)}月{format_chinese_int(d.day)}日"


def parse_number_label(label: str) -> int | None:
    """Number of a list label, or None if ``label`` is not one.

    ``第十七项`` → 17, ``二十一、`` → 21, ``（三十二）`` → 32, ``(一)`` → 1, ``1.`` → 1,
    ``（1）`` → 1, ``第1项`` → 1.
    """
    match = _LABEL.fullmatch(unicodedata.normalize("NFKC", label).strip())
    if match is None:
        return None
    try:
        return parse_chinese_int(match["nth"] or match["paren"] or match["bare"])
    except ValueError:
        return None
