"""Field-level helpers for labelled problem lists: labels, targets, per-target deadlines, measures.

Conventions (see :mod:`zhenggai.importer.plans` for the document-level ones):

* ``number_text`` is the label as written, with its list separator (、 or .) but without the sentence
  comma or colon after it: ``第一项`` (004 ``第一项，``), ``一、`` (000), ``(一)`` / ``（一）``, ``1.`` —
  the same convention as the report parser (``二十一、``).
* A target's text has its ``1.`` prefix and trailing 。；removed.  Numbered 整改时限 parts
  (``1.第1项目标2018年6月30日前完成，长期``) are matched to targets by the ``第N项目标`` reference
  (else by position); the deadline's ``raw`` is the part without ``1.`` and ``第1项目标``.
* A measure's ``text`` has no number prefix; a trailing parenthesis that reads as a deadline
  (``（2018年6月30日）``, ``（长期）``, ``（立即启动）``) becomes its ``deadline`` (``raw`` = the content)
  and is removed with the punctuation after it.  Items of one list share one numbering style and
  increase; a line that does not continue the numbering belongs to the item before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhenggai.core.deadlines import parse_deadline
from zhenggai.core.numerals import parse_chinese_int
from zhenggai.importer.model import Deadline, ParsedMeasure, ParsedTarget

__all__ = [
    "FIELD_LABEL",
    "MeasureList",
    "canonical_label",
    "is_reference",
    "label_text",
    "measure_from_text",
    "parse_measures",
    "parse_targets",
    "split_numbered",
]

_NUM = "〇零一二两三四五六七八九十百0-9"
FIELD_LABEL = re.compile(
    r"^(原因分析|整改目标|整改时限|整改期限|完成时限|责任单位|牵头单位|配合单位|责任领导|责任人员|责任人|督导单位|整改措施)"
    r"(?:\s*[:：]|\t)\s*(.*)$"  # label：value, or label and value in two table cells (a tab)
)
_CANONICAL = {"整改期限": "整改时限", "完成时限": "整改时限", "牵头单位": "责任单位", "责任人": "责任人员"}
_ITEM = re.compile(rf"^(?:(?P<paren>[（(](?P<pn>[{_NUM}]+)[）)])|(?P<dot>(?P<dn>\d{{1,3}})[.．、]))\s*(?P<rest>.*)$")
_NUMBERED_SPLIT = re.compile(r"[；;。]\s*(?=\d{1,2}[.．、])")
_NUMBERED_PREFIX = re.compile(r"^(\d{1,2})[.．、]\s*")
_TARGET_REF = re.compile(r"^第?(\d{1,2})项目标于?\s*")
_TRAILING_DEADLINE = re.compile(r"[（(]([^（）()]{1,60})[）)][。；;.，,]?$")
_TRIM = " \t。；;，,"
_MAX_NUMBER_JUMP = 3  # "1." then "3." is a gap (a censored item); "1." then "9." is not a new item


def canonical_label(label: str) -> str:
    """The standard name of a field label (整改期限 → 整改时限, 责任人 → 责任人员)."""
    return _CANONICAL.get(label, label)


def label_text(label: str) -> str:
    """A list label as written, without a sentence comma or colon: ``第一项，`` → ``第一项``; ``一、`` stays."""
    return label.strip().rstrip("，,:：").strip()


def is_reference(value: str) -> bool:
    """A 责任单位-style value that refers to another document instead of naming units."""
    return "《" in value and "确定" in value


def split_numbered(text: str) -> list[tuple[int | None, str]]:
    """Split ``1.…；2.…`` into (number, text) parts; unnumbered or out-of-sequence text is one part."""
    text = text.strip()
    parts = _NUMBERED_SPLIT.split(text)
    numbered: list[tuple[int | None, str]] = []
    for expected, part in enumerate(parts, start=1):
        match = _NUMBERED_PREFIX.match(part)
        if match is None or int(match[1]) != expected:
            return [(None, text.strip(_TRIM))]
        numbered.append((expected, part[match.end() :].strip(_TRIM)))
    return numbered


def _target_deadlines(deadline_text: str | None, count: int) -> list[Deadline | None]:
    """One deadline per target from a (possibly numbered) 整改时限 text."""
    if not deadline_text:
        return [None] * count
    parts = split_numbered(deadline_text)
    if len(parts) == 1 and parts[0][0] is None:
        return [Deadline.parse(deadline_text)] * count
    out: list[Deadline | None] = [None] * count
    for position, (_, part) in enumerate(parts):
        ref = _TARGET_REF.match(part)
        index = int(ref[1]) - 1 if ref else position
        if 0 <= index < count:
            out[index] = Deadline.parse(part[ref.end() :] if ref else part)
    return out


def parse_targets(target_text: str | None, deadline_text: str | None) -> list[ParsedTarget]:
    """Targets of a problem, each with its own deadline where the 整改时限 gives one."""
    if not target_text:
        return []
    texts = [text for _, text in split_numbered(target_text)]
    deadlines = _target_deadlines(deadline_text, len(texts))
    return [ParsedTarget(text, deadline) for text, deadline in zip(texts, deadlines, strict=True)]


@dataclass
class MeasureList:
    """Measures of one problem, plus what did not fit: text before the first item, numbering gaps."""

    measures: list[ParsedMeasure] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    gaps: list[tuple[int, int]] = field(default_factory=list)


def _item_label(line: str) -> tuple[str, int, str, str] | None:
    """(style, number, label, rest) of a numbered line, or None."""
    match = _ITEM.match(line)
    if match is None:
        return None
    style = "paren" if match["paren"] else "dot"
    try:
        number = parse_chinese_int(match["pn"] or match["dn"])
    except ValueError:
        return None
    return style, number, match["paren"] or match["dot"], match["rest"]


def measure_from_text(number_text: str | None, text: str) -> ParsedMeasure:
    """A measure; a trailing parenthesis that reads as a deadline (（2018年6月30日）, （长期）) is its deadline."""
    text = text.strip()
    match = _TRAILING_DEADLINE.search(text)
    if match and parse_deadline(match[1]).recognised:
        return ParsedMeasure(number_text, text[: match.start()].rstrip(), Deadline.parse(match[1]))
    return ParsedMeasure(number_text, text)


def parse_measures(lines: list[str]) -> MeasureList:
    """Numbered measures (``（一）…`` or ``1.…``) or, without numbering, one measure of all lines."""
    result = MeasureList()
    items: list[tuple[str, list[str]]] = []
    style: str | None = None
    last = 0
    for line in lines:
        label = _item_label(line)
        if label and (style is None or label[0] == style) and last < label[1] <= last + _MAX_NUMBER_JUMP:
            if label[1] != last + 1 and style is not None:
                result.gaps.append((last, label[1]))
            style, last = label[0], label[1]
            items.append((label_text(label[2]), [label[3]]))
        elif items:
            items[-1][1].append(line)
        else:
            result.preamble.append(line)
    if not items:
        text = "\n".join(result.preamble)
        result.preamble = []
        result.measures = [measure_from_text(None, text)] if text.strip() else []
        return result
    result.measures = [measure_from_text(number, "\n".join(parts)) for number, parts in items]
    return result
