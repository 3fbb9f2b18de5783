"""Narrative plans (seeds 001, 002): chapters 「一、…」 with items 「（一）…」 and 「1.…」 in prose.

Segmentation: a chapter 「二、…」, a section 「（三）…」 or an item 「4.…」 starts where its label appears
with the next number in sequence (items may restart at 1 or run on across sections); an unlabelled
paragraph directly under a chapter (or after another unlabelled one, e.g. 「——…」) is an unnumbered
item; a line following an incomplete line (no 。；： or closing bracket at its end) continues it.
Parsing stops at the attachment line 「附件：…」.

Which items are general measures: every item (at any level) that carries a
「（责任单位：…；配合单位：…）」 parenthesis; if the document has no such parenthesis at all (002), every
「N.」 item.  Items without either are headings or context (总体要求, 保障措施, an item with sub-items).

Fields: ``category`` is the chapter title (without 「二、」), ``number_text`` the label as written
(「（一）」 or 「(一)」, 「1.」; None for an unnumbered paragraph), ``text`` the whole item without its
label, ``title`` its first sentence, unit lists split by ``units.split_names``, ``deadlines`` every
deadline phrase in the text (2017年底前, 到2020年, 2018年6月底前, 2019年前, 2018年内; a repeated phrase
once), parsed with ``Deadline.parse``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhenggai.importer.model import Deadline, GeneralMeasure, ParsedDocument
from zhenggai.importer.reports import CN_NUMERAL, extract_metadata, first_sentence, is_complete, join_lines
from zhenggai.importer.units import split_names

__all__ = ["find_deadline_phrases", "parse_narrative"]

_CHAPTER = re.compile(rf"^(?P<num>[{CN_NUMERAL}]{{1,3}})\s*、\s*")
_SECTION = re.compile(rf"^[（(]\s*(?P<num>[{CN_NUMERAL}]{{1,3}})\s*[)）]\s*")
_ITEM = re.compile(r"^(?P<num>\d{1,3})\s*[.．、](?!\d)\s*")
_ATTACHMENT = re.compile(r"^附\s*件?\s*\d*\s*[:：]")
_UNITS_PAREN = re.compile(
    r"[（(]\s*(?P<body>(?:责任|牵头|主责)单位\s*[:：][^()（）]*(?:[(（][^()（）]*[)）][^()（）]*)*)[)）]"
)
_UNITS_LABEL = re.compile(r"^(?P<label>责任|牵头|主责|配合|协助|参与)单位\s*[:：]\s*")
_DEADLINE_PHRASE = re.compile(
    r"(?P<to>到|至)?(?<!\d)\d{4}年(?:\d{1,2}月(?:\d{1,2}[日号])?)?(?P<suffix>年?[底末]以?前?|以?前|内)?"
)
_STATED = re.compile(r"(?:共\s*(?P<aspects>\d{1,3})\s*个方面\s*)?(?<!\d)(?P<tasks>\d{1,5})\s*项整改(?:任务|措施)")


@dataclass
class _Item:
    """A labelled or unlabelled element: level 0 chapter, 1 section, 2 numbered item, 3 paragraph."""

    level: int
    label: str | None
    chapter: str | None
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_lines(self.parts)


@dataclass
class _State:
    chapters: int = 0
    sections: int = 0
    items: int = 0
    chapter_title: str | None = None


def _label_item(line: str, state: _State) -> _Item | None:
    """A chapter, section or numbered item if ``line`` starts with the next label in sequence."""
    if (m := _CHAPTER.match(line)) and m["num"] == _cn(state.chapters + 1):
        state.chapters, state.sections, state.items = state.chapters + 1, 0, 0
        state.chapter_title = line[m.end() :].strip() or None
        return _Item(0, line[: m.end()].strip(), state.chapter_title, [line[m.end() :]])
    if state.chapters and (m := _SECTION.match(line)) and m["num"] == _cn(state.sections + 1):
        state.sections += 1
        return _Item(1, line[: m.end()].strip(), state.chapter_title, [line[m.end() :]])
    if state.chapters and (m := _ITEM.match(line)) and int(m["num"]) in (1, state.items + 1):
        state.items = int(m["num"])
        return _Item(2, line[: m.end()].strip(), state.chapter_title, [line[m.end() :]])
    return None


_CN_DIGITS = "零一二三四五六七八九"


def _cn(n: int) -> str:
    """1..99 as written in chapter labels: 一, 十, 十一, 二十一."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones else "") if n else "零"


def _is_heading(item: _Item | None) -> bool:
    """A one-line chapter or section label line: complete even without 。 at its end."""
    return item is not None and item.level < 2 and len(item.parts) == 1


def _segment(lines: list[str]) -> tuple[list[str], list[_Item]]:
    """Split the lines into the preamble (before chapter 一) and the items, up to 「附件：」."""
    state, preamble, items = _State(), [], []
    prev_complete = True
    for line in lines:
        if _ATTACHMENT.match(line):
            break
        current = items[-1] if items else None
        item = _label_item(line, state) if prev_complete else None
        if item is not None:
            items.append(item)
        elif current is None:
            preamble.append(line)
        elif prev_complete and (current.level == 0 or current.level == 3):
            items.append(_Item(3, None, state.chapter_title, [line]))
        else:
            current.parts.append(line)
        prev_complete = is_complete(line) or _is_heading(items[-1] if items else None)
    return preamble, items


def _units(text: str) -> tuple[list[str], list[str]] | None:
    """(responsible, cooperating) units from the last 「（责任单位：…；配合单位：…）」 in ``text``."""
    matches = list(_UNITS_PAREN.finditer(text))
    if not matches:
        return None
    responsible: list[str] = []
    cooperating: list[str] = []
    for chunk in re.split(r"[；;]\s*(?=(?:配合|协助|参与|责任|牵头)单位)", matches[-1]["body"]):
        m = _UNITS_LABEL.match(chunk.strip())
        if m is None:
            continue
        target = cooperating if m["label"] in ("配合", "协助", "参与") else responsible
        target.extend(split_names(chunk.strip()[m.end() :]))
    return responsible, cooperating


def find_deadline_phrases(text: str) -> list[str]:
    """Deadline phrases in prose: a year with 底/末/前/内 after it or 到/至 before it (2017年起 is not one)."""
    found: list[str] = []
    for m in _DEADLINE_PHRASE.finditer(text):
        if (m["to"] or m["suffix"]) and m[0] not in found:
            found.append(m[0])
    return found


def _measure(item: _Item, units: tuple[list[str], list[str]] | None) -> GeneralMeasure:
    text = item.text
    responsible, cooperating = units or ([], [])
    return GeneralMeasure(
        category=item.chapter,
        number_text=item.label,
        title=first_sentence(text),
        text=text,
        responsible_units=responsible,
        cooperating_units=cooperating,
        deadlines=[d for p in find_deadline_phrases(text) if (d := Deadline.parse(p)) is not None],
    )


def _select(items: list[_Item]) -> list[GeneralMeasure]:
    """Items with a 责任单位 parenthesis; failing any, the numbered 「N.」 items."""
    with_units = [(item, units) for item in items if item.level > 0 and (units := _units(item.text))]
    if with_units:
        return [_measure(item, units) for item, units in with_units]
    return [_measure(item, None) for item in items if item.level == 2 and item.text]


def _check_stated(parsed: ParsedDocument, preamble: list[str], items: list[_Item]) -> None:
    """Warn when the plan states a count of tasks it does not list one by one."""
    text = "".join(preamble) + "".join(item.text for item in items if item.level == 1)
    for m in _STATED.finditer(text):
        stated, found = int(m["tasks"]), len(parsed.general_measures)
        if stated != found:
            aspects = f" in {m['aspects']} aspects" if m["aspects"] else ""
            parsed.warn(
                "document",
                f"the plan states {stated} tasks{aspects} ({m[0]}); they are not listed one by one: "
                f"{found} numbered measures were found",
            )


def parse_narrative(lines: list[str]) -> ParsedDocument:
    """Parse a narrative plan's lines (as given by ``text.lines()``) into general measures."""
    parsed = ParsedDocument()
    parsed.document.kind = "narrative"
    lines = [line.strip() for line in lines if line and line.strip()]
    preamble, items = _segment(lines)
    extract_metadata(parsed, preamble[:6] or lines[:6])
    parsed.general_measures = _select(items)
    if not items:
        parsed.warn("document", "no chapters 「一、…」 found")
    elif not parsed.general_measures:
        parsed.warn("document", "no measures found (no 责任单位 parentheses and no numbered items)")
    _check_stated(parsed, preamble, items)
    return parsed
