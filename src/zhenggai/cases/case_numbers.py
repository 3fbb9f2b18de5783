"""Case numbers (受理编号) of complaints handed over by an inspection team: parse and validate. No Django.

Round-3 central inspections number their cases like ``D3SX202505280018`` or ``X3SX202506010011``
(shared/docs/domain-research.md, "Case IDs"): one channel letter, the round, the two-letter province
code, the date received (YYYYMMDD) and a four-digit sequence of that day. The decoding is inferred
from published examples, so:

* ``D`` (来电, telephone) and ``X`` (来信, letter) are documented by the examples;
* ``W`` (微信, WeChat) and ``N`` (网络, web) are assumptions, not seen in a published number; a number
  with another letter still parses, with ``channel=""`` (unknown channel, taken from the 来源 column);
* the province code is GB/T 2260's two-letter code (SX = 山西, SN = 陕西 …); an unknown code does not
  make the number invalid (SOEs and ministries are inspected too), ``province_name`` is then empty.

Anything else (other inspections' formats, 12369 numbers, free text) is kept as written with
``valid=False`` and a ``problem`` saying why; an impossible date (20250231) makes a number invalid
even though its shape is right.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = ["CHANNEL_LETTERS", "PROVINCE_CODES", "ParsedCaseNumber", "normalize_case_number", "parse_case_number"]

# letter → channel code of zhenggai.cases.choices.Channel
CHANNEL_LETTERS = {"D": "phone", "X": "letter", "W": "wechat", "N": "online"}

PROVINCE_CODES = {
    "BJ": "北京",
    "TJ": "天津",
    "HE": "河北",
    "SX": "山西",
    "NM": "内蒙古",
    "LN": "辽宁",
    "JL": "吉林",
    "HL": "黑龙江",
    "SH": "上海",
    "JS": "江苏",
    "ZJ": "浙江",
    "AH": "安徽",
    "FJ": "福建",
    "JX": "江西",
    "SD": "山东",
    "HA": "河南",
    "HB": "湖北",
    "HN": "湖南",
    "GD": "广东",
    "GX": "广西",
    "HI": "海南",
    "CQ": "重庆",
    "SC": "四川",
    "GZ": "贵州",
    "YN": "云南",
    "XZ": "西藏",
    "SN": "陕西",
    "GS": "甘肃",
    "QH": "青海",
    "NX": "宁夏",
    "XJ": "新疆",
}

_PATTERN = re.compile(r"^(?P<letter>[A-Z])(?P<round>\d{1,2})(?P<province>[A-Z]{2})(?P<date>\d{8})(?P<seq>\d{3,5})$")
# The first central inspection was stationed in 2015; a date before that cannot be a case's.
_FIRST_YEAR = 2015


@dataclass(frozen=True)
class ParsedCaseNumber:
    """A case number as written (``text``, normalised) and, when ``valid``, its parts."""

    text: str
    valid: bool
    letter: str = ""
    channel: str = ""  # a Channel code, "" when the letter is not one we know
    round: int | None = None
    province_code: str = ""
    province_name: str = ""
    received_on: date | None = None
    sequence: int | None = None
    problem: str = ""  # why it is not valid (English, for logs and tests; pages say it in their words)


def normalize_case_number(text: str) -> str:
    """Half-width, upper case, no spaces: ``" ｄ3sx 2025 0528 0018 "`` → ``"D3SX202505280018"``."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(text.split()).upper()


def parse_case_number(text: str) -> ParsedCaseNumber:
    """Parse ``text``; never raises. Unknown formats come back with ``valid=False``."""
    number = normalize_case_number(text)
    if not number:
        return ParsedCaseNumber(number, False, problem="empty")
    match = _PATTERN.match(number)
    if not match:
        return ParsedCaseNumber(number, False, problem="unknown format")
    raw = match["date"]
    try:
        received = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return ParsedCaseNumber(number, False, problem=f"impossible date {raw}")
    if received.year < _FIRST_YEAR:
        return ParsedCaseNumber(number, False, problem=f"date {raw} before {_FIRST_YEAR}")
    letter, province = match["letter"], match["province"]
    return ParsedCaseNumber(
        text=number,
        valid=True,
        letter=letter,
        channel=CHANNEL_LETTERS.get(letter, ""),
        round=int(match["round"]),
        province_code=province,
        province_name=PROVINCE_CODES.get(province, ""),
        received_on=received,
        sequence=int(match["seq"]),
    )
