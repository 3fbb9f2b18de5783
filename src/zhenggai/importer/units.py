"""Split 责任单位 / 责任领导 / 责任人员 / 督导单位 values into the document's own items.

Items are separated by 、，,；; but collective phrases stay whole.  The rules, applied only across
the enumeration comma 、 (a ，or ； always ends an item):

1. **Party–government pair.**  An item ending in 委/党委 followed by a bare government word
   (政府, 人民政府, 行署, 行政公署, optionally with a parenthesis such as 行署（政府）) is one
   collective: ``各县区党委、政府``, ``各地市委、行署（政府）``.
2. **Bare level prefix.**  A bare administrative level (市, 县, 区, 县区, 省, 中央, 自治区…)
   shares the words of the next item: ``市、县区国家机关``, ``中央、省属在武各单位``.
3. **Shared collective suffix.**  A run of place names (ending in 区/县/市/州/镇/乡/旗/村/园, with no
   unit suffix such as 厅/局/委/办/部/会/组/中心/政府), closed by an item ending in a collective
   suffix (管委会, 管理委员会, 党委, 政府, 人民政府, 行署), is one item:
   ``拉萨经开区、柳梧新区、空港新区管委会``.

Parenthesised text — （）()《》“”〔〕【】 — is never split.  Shared prefixes are not expanded
(``市审计局、环境保护局`` gives ``市审计局`` and ``环境保护局``); trailing 。 and spaces are stripped.
"""

from __future__ import annotations

import re

__all__ = ["split_names"]

_SEPARATORS = "、，,；;"
_OPEN, _CLOSE = "（(《“〔【[", "）)》”〕】]"
_TRIM = " \t\n。.，,；;、"

_GOVERNMENT = re.compile(r"^(?:人民政府|政府|行署|行政公署)(?:[（(][^）)]*[）)])?$")
_PARTY_END = re.compile(r"委$")
_BARE_LEVEL = re.compile(r"^(?:省|市|县|区|县区|县市区|乡|镇|乡镇|中央|自治区|地市|州|盟|旗)$")
_COLLECTIVE_END = re.compile(r"(?:管委会|管理委员会|党委|党委和政府|人民政府|政府|行署)(?:[（(][^）)]*[）)])?$")
_PLACE_END = re.compile(r"(?:区|县|市|州|镇|乡|旗|盟|村|园)$")
_UNIT_END = re.compile(
    r"(?:厅|局|委|办|部|会|室|院|处|组|中心|公司|政府|党委|行署|机关|单位|团体|站|所|队|集团|行|社|馆|校|庭)"
    r"(?:[（(][^）)]*[）)])?$"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    """(item, separator that follows it) pairs, splitting only outside brackets."""
    out: list[tuple[str, str]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _SEPARATORS and depth == 0:
            out.append((text[start:i].strip(), ch))
            start = i + 1
    out.append((text[start:].strip(), ""))
    return [(item, sep) for item, sep in out if item]


def _joins(left: str, right: str) -> bool:
    """Rules 1 and 2: does ``left、right`` form one collective item?"""
    if _PARTY_END.search(left) and _GOVERNMENT.match(right):
        return True
    return bool(_BARE_LEVEL.match(left))


def _is_place(name: str) -> bool:
    return bool(_PLACE_END.search(name)) and not _UNIT_END.search(name)


def _shared_suffix_start(items: list[tuple[str, str]], end: int) -> int:
    """Rule 3: first index of a run of suffix-less place names closed by the collective at ``end``."""
    start = end
    while start > 0 and items[start - 1][1] == "、" and _is_place(items[start - 1][0]):
        start -= 1
    return start


def _merge(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    merged: list[tuple[str, str]] = []
    for item, sep in items:
        if merged and merged[-1][1] == "、" and _joins(merged[-1][0], item):
            merged[-1] = (f"{merged[-1][0]}、{item}", sep)
            continue
        merged.append((item, sep))
        if _COLLECTIVE_END.search(item):
            start = _shared_suffix_start(merged, len(merged) - 1)
            if start < len(merged) - 1:
                merged[start:] = [("、".join(name for name, _ in merged[start:]), sep)]
    return merged


def split_names(text: str | None) -> list[str]:
    """The units or people named in ``text``, in order, each as written (see the module rules)."""
    if not text:
        return []
    items = _merge(_tokens(text.strip().strip(_TRIM)))
    return [name.strip(_TRIM) for name, _ in items if name.strip(_TRIM)]
