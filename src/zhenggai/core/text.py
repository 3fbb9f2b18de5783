"""Text normalisation shared by the parsers and the fuzzy matching of unit names.

Plan documents arrive copy-pasted from PDFs and web pages, so the same deadline or
unit name shows up with full-width digits, ideographic spaces and stray spaces
inside dates.  Everything here is pure Python (no Django) and side-effect free.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["match_key", "normalize", "squeeze_spaces_in_dates"]

# Chinese punctuation that NFKC would turn into ASCII look-alikes.  We keep the
# Chinese forms so normalised text still reads as Chinese prose (，≠ , for humans).
_KEEP_CHINESE = "，；：（）！？"
_KEEP_SPLIT = re.compile(f"([{_KEEP_CHINESE}])")
_WHITESPACE = re.compile(r"\s+")
# A space between a number and a date unit (or 前, as in "31 前完成") is never meaningful.
_NUMERAL = "0-9〇零○一二两三四五六七八九十"
_DATE_SPACES = re.compile(rf"(?<=[{_NUMERAL}])\s+(?=[年月日号前])|(?<=[年月])\s+(?=[{_NUMERAL}])")


def normalize(text: str) -> str:
    """Return ``text`` in NFKC form with whitespace collapsed and trimmed.

    Full-width digits, letters and spaces become half-width (``２０１８`` → ``2018``),
    but the Chinese punctuation marks ，；：（）！？ are kept as they are; 。、「」“”
    are untouched by NFKC anyway.
    """
    parts = _KEEP_SPLIT.split(text)
    text = "".join(p if p in _KEEP_CHINESE else unicodedata.normalize("NFKC", p) for p in parts)
    return _WHITESPACE.sub(" ", text).strip()


def squeeze_spaces_in_dates(text: str) -> str:
    """Remove spaces between numbers and 年/月/日, e.g. ``2018 年 12 月 31 日`` → ``2018年12月31日``."""
    return _DATE_SPACES.sub("", text)


def match_key(text: str) -> str:
    """Key for fuzzy comparison of names: NFKC, no whitespace or punctuation, case-folded.

    ``"（西藏）自治区 生态环境厅"`` and ``"(西藏)自治区生态环境厅"`` give the same key.
    """
    text = unicodedata.normalize("NFKC", text)
    # Unicode categories P* (punctuation, incl. ·—-（）) and Z*/C* (spaces, controls) are dropped.
    kept = (ch for ch in text if unicodedata.category(ch)[0] not in "PZC")
    return "".join(kept).casefold()
