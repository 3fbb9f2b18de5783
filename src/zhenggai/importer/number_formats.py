"""Word's number formats (``w:numFmt``) written out: 一, 十一, 壹拾, 甲, ①, iv, A … for automatic numbering.

Used by ``docx_reader`` to render the labels Word makes from a numbering definition.
"""

from __future__ import annotations

__all__ = ["format_number"]

_CN_DIGITS = "〇一二三四五六七八九"
_COUNTING = frozenset(
    {"chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand"}
    | {"japaneseCounting", "koreanCounting"}
)
_LEGAL_SIMPLIFIED = ("零壹贰叁肆伍陆柒捌玖", "拾佰仟")
_LEGAL_TRADITIONAL = ("零壹貳參肆伍陸柒捌玖", "拾佰仟")
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "".join(chr(c) for c in range(0x2460, 0x2474)) + "".join(chr(c) for c in range(0x3251, 0x3260))
_CIRCLED += "".join(chr(c) for c in range(0x32B1, 0x32C0))  # ①…⑳ ㉑…㉟ ㊱…㊿
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"))
_ROMAN += ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _counting(n: int, digits: str, units: str = "十百千", *, one_ten: bool = False) -> str:
    """A number below 10,000 read out: 十一, 一百〇五, 二千〇一十 (壹拾壹 with legal digits).

    ``one_ten``: say the 一 of 一十 (the legal forms do, 壹拾); counting forms say plain 十.
    """
    if n == 0:
        return digits[0]
    out: list[str] = []
    zero = False
    for power in (3, 2, 1, 0):
        digit = n // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append(digits[0])
            zero = False
        if not (power == 1 and digit == 1 and not out and not one_ten):
            out.append(digits[digit])
        if power:
            out.append(units[power - 1])
    return "".join(out)


def _roman(n: int) -> str:
    out: list[str] = []
    for value, symbol in _ROMAN:
        count, n = divmod(n, value)
        out.append(symbol * count)
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """``n`` in a Word number format (``w:numFmt``); formats not listed here fall back to decimal."""
    if fmt == "none":
        return ""
    if n < 0:
        return str(n)
    if fmt in _COUNTING:
        if n >= 10000:
            return str(n)
        if fmt in ("chineseCounting", "taiwaneseCounting") and n >= 100:  # Word spells these digit by digit
            return "".join(_CN_DIGITS[int(d)] for d in str(n))
        return _counting(n, _CN_DIGITS)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional", "japaneseLegal"):
        digits, units = _LEGAL_SIMPLIFIED if fmt == "chineseLegalSimplified" else _LEGAL_TRADITIONAL
        return _counting(n, digits, units, one_ten=True) if n < 10000 else str(n)
    if fmt in ("ideographTraditional", "ideographZodiac", "ideographZodiacTraditional") and n > 0:
        cycle = _STEMS if fmt == "ideographTraditional" else _BRANCHES
        return cycle[(n - 1) % len(cycle)]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else str(n)
    if fmt == "decimalEnclosedParen":
        return chr(0x2473 + n) if 1 <= n <= 20 else f"({n})"  # ⑴…⒇
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2487 + n) if 1 <= n <= 20 else f"{n}."  # ⒈…⒛
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter") and 0 < n <= 780:  # Word stops at ZZZ…Z (30 letters)
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # Word: Z, AA, BB…
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 0 < n < 4000:
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)
