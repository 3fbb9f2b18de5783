"""Progress reports (seed 003): a narrative, then an attachment that walks every problem.

The attachment (after a line 「附：…整改情况」) lists problems 「一、…」…「四十五、…」, each followed by
「整改时限：…」 and 「整改进度：…」 (a status phrase), then its measures 「1.…（2018年6月30日）」, each
followed by a paragraph 「整改进展：…」 (sometimes mislabelled 「整改进度：…」).

The text comes from a PDF, so paragraphs are broken mid-sentence at page breaks.  A line starts a
new element only if the line before it is *complete* (ends in 。；：！？ or a closing bracket/quote)
and it looks like the next element in sequence (problem N+1, measure M+1 or a 整改… label); every
other line continues the element before it.  Both full-width ，：（） and half-width ,:() are accepted.

Conventions (besides issue 3's): ``number_text`` is the label as written without spaces, with its
separator (「二十一、」, 「1.」); ``description``/``title`` exclude the label; a measure's ``text``
keeps the sentence-final 。 that followed its deadline parenthesis; continuation lines and repeated
整改进展 paragraphs are joined without a separator.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from zhenggai.core.deadlines import parse_deadline
from zhenggai.core.numerals import parse_chinese_int
from zhenggai.importer.model import Deadline, ParsedDocument, ParsedMeasure, ParsedProblem

__all__ = [
    "CN_NUMERAL",
    "extract_metadata",
    "first_sentence",
    "is_complete",
    "join_lines",
    "parse_report",
]

CN_NUMERAL = "〇零一二两三四五六七八九十百"
_COMPLETE_END = "。；;：:！!？?）)]】」』》”’"
_PROBLEM = re.compile(rf"^(?P<num>[{CN_NUMERAL}]{{1,4}})\s*(?P<sep>[、，,.．])\s*")
_MEASURE = re.compile(r"^(?P<num>\d{1,3})\s*(?P<sep>[.．、])(?!\d)\s*")
_FIELD = re.compile(r"^整改(?P<name>时限|进度|进展|情况)(?:\s*[:：]|\t)\s*")  # a tab: label and value in two cells
_ATTACHMENT = re.compile(r"^附(?:件)?\s*\d*\s*[:：]")
_TRAILING_PAREN = re.compile(r"[（(](?P<raw>[^（）()]{1,40})[)）](?P<tail>\s*[。.；;]?)\s*$")
_STATED = re.compile(r"(?<!\d)(?P<tasks>\d{1,5})\s*项整改任务\s*[、，,和及与]\s*(?P<measures>\d{1,5})\s*项具体措施")
_AS_OF = re.compile(r"截[至止]\s*(?P<y>\d{4})\s*年\s*(?:(?P<m>\d{1,2})\s*月)?\s*(?:(?P<d>\d{1,2})\s*日)?(?:底)?")
_FEEDBACK = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日[^，。；]{0,20}?反馈(?:了)?(?:督察)?意见"
)
_INSPECTION = re.compile(
    rf"(?:中央|省委省政府|省委、省政府|省委、省人民政府|自治区党委、政府)?第[{CN_NUMERAL}]+"
    r"(?:环境保护|生态环境保护|环保)督察组"
)
_ISSUER = re.compile(r"^(?P<issuer>.{2,30}?)(?:关于)?(?:贯彻)?(?:落实|整改落实)")
_WEB_DATE = re.compile(
    r"时间\s*[:：]\s*(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"|(?P<y2>\d{2,4})年(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日)"
)


def is_complete(line: str) -> bool:
    """Whether ``line`` ends a paragraph (。；： or a closing bracket); otherwise the next line continues it."""
    return bool(line) and line[-1] in _COMPLETE_END


def join_lines(parts: list[str]) -> str:
    """Join the pieces of a paragraph broken at page breaks (no separator: the text is Chinese)."""
    return "".join(p.strip() for p in parts).strip()


def first_sentence(text: str) -> str:
    """Text up to the first 。 (without it); the whole text if it has none."""
    head, _, _ = text.partition("。")
    return head.strip()


def extract_metadata(parsed: ParsedDocument, head: list[str]) -> None:
    """Fill issuer, inspection team and (web page) date from the first lines of a document."""
    info = parsed.document
    for line in head:
        if info.inspection is None and (m := _INSPECTION.search(line)):
            info.inspection = m[0]
        if info.date is None and (m := _WEB_DATE.search(line)):
            info.date = _web_date(m)
            parsed.warn("document", f"date taken from the page's publication line: {m[0]}")
        if info.feedback_date is None and (m := _FEEDBACK.search(line)):
            info.feedback_date = _web_date(m)
    title = next((line for line in head if _ISSUER.match(line) and ("方案" in line or "报告" in line)), None)
    if title and (m := _ISSUER.match(title)):
        info.issuer = m["issuer"]


def _web_date(m: re.Match[str]) -> str | None:
    year, month, day = (m["y"], m["m"], m["d"]) if m["y"] else (m["y2"], m["m2"], m["d2"])
    year_int = int(year) + (2000 if len(year) == 2 else 0)
    return f"{year_int:04d}-{int(month):02d}-{int(day):02d}"


@dataclass
class _Block:
    """One element of the attachment with its (possibly page-broken) lines."""

    kind: str  # "problem" | "measure" | "时限" | "进度" | "进展" | "情况" | "other"
    label: str | None
    number: int | None
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_lines(self.parts)


def _attachment_start(lines: list[str]) -> int:
    """Index of the first problem line 「一、」 of the attachment (0 if there is none)."""
    after = next((i + 1 for i, line in enumerate(lines) if _ATTACHMENT.match(line)), 0)
    for i in range(after, len(lines)):
        m = _PROBLEM.match(lines[i])
        if m and _cn_int(m["num"]) == 1 and _has_field_soon(lines, i):
            return i
    return len(lines)


def _has_field_soon(lines: list[str], start: int, window: int = 12) -> bool:
    return any(_FIELD.match(line) for line in lines[start + 1 : start + 1 + window])


def _cn_int(text: str) -> int | None:
    try:
        return parse_chinese_int(text)
    except ValueError:
        return None


def _classify(line: str, prev_complete: bool, problems: int, measures: int) -> _Block | None:
    """A new block if ``line`` starts the next element, else None (a continuation line)."""
    if m := _FIELD.match(line):
        return _Block(m["name"], None, None, [line[m.end() :]])
    if not prev_complete:
        return None
    if (m := _PROBLEM.match(line)) and _cn_int(m["num"]) == problems + 1:
        return _Block("problem", m["num"] + m["sep"], problems + 1, [line[m.end() :]])
    if problems and (m := _MEASURE.match(line)) and int(m["num"]) == measures + 1:
        return _Block("measure", m["num"] + m["sep"], measures + 1, [line[m.end() :]])
    return None


def _blocks(lines: list[str]) -> list[_Block]:
    """Segment the attachment into blocks, rejoining paragraphs broken at page breaks."""
    blocks: list[_Block] = [_Block("other", None, None)]
    problems = measures = 0
    prev_complete = True
    for line in lines:
        block = _classify(line, prev_complete, problems, measures)
        if block is None:
            blocks[-1].parts.append(line)
        else:
            blocks.append(block)
            if block.kind == "problem":
                problems, measures = problems + 1, 0
            elif block.kind == "measure":
                measures += 1
        prev_complete = is_complete(line)
    return blocks


def _strip_end(text: str) -> str:
    return text.rstrip("。；;，, ")


def _measure(block: _Block) -> ParsedMeasure:
    """A measure: text without its label and trailing deadline parenthesis."""
    text = block.text
    m = _TRAILING_PAREN.search(text)
    if m and parse_deadline(m["raw"]).recognised:
        body = text[: m.start()].rstrip()
        tail = m["tail"].strip()
        if tail and not body.endswith(("。", ".", "；", ";")):
            body += tail
        return ParsedMeasure(number_text=block.label, text=body, deadline=Deadline.parse(m["raw"]))
    return ParsedMeasure(number_text=block.label, text=text)


def _problem(block: _Block) -> ParsedProblem:
    description = block.text
    return ParsedProblem(
        number=block.number,
        number_text=block.label,
        title=first_sentence(description),
        description=description,
    )


def _add_progress(measure: ParsedMeasure, text: str) -> None:
    measure.progress = text if measure.progress is None else measure.progress + text


def _assemble(parsed: ParsedDocument, blocks: list[_Block]) -> None:
    """Turn blocks into problems and measures, attaching fields to the element they follow."""
    problem: ParsedProblem | None = None
    measure: ParsedMeasure | None = None
    for block in blocks:
        if block.kind == "problem":
            problem, measure = _problem(block), None
            parsed.problems.append(problem)
        elif problem is None:
            continue  # the attachment's title lines
        elif block.kind == "measure":
            measure = _measure(block)
            problem.measures.append(measure)
        elif block.kind == "时限":
            problem.deadline = Deadline.parse(_strip_end(block.text))
        elif block.kind in ("进度", "进展", "情况"):
            _progress_field(parsed, problem, measure, block)
        else:
            parsed.warn(f"problem {problem.number}", f"text not attached to any field: {block.text[:40]}")


def _progress_field(parsed: ParsedDocument, problem: ParsedProblem, measure: ParsedMeasure | None, b: _Block) -> None:
    """整改进度 before any measure is the problem's status; after a measure it is that measure's progress."""
    if measure is None:
        if b.kind == "进度":
            problem.progress_status = _strip_end(b.text) or None
        else:
            parsed.warn(f"problem {problem.number}", f"整改{b.kind} before any measure")
        return
    if b.kind == "进度":
        parsed.warn(f"problem {problem.number} measure {measure.number_text}", "整改进度 used for 整改进展")
    _add_progress(measure, b.text)


def _check(parsed: ParsedDocument, narrative: list[str]) -> None:
    """Warn about missing fields and about counts that differ from those the report states."""
    for problem in parsed.problems:
        where = f"problem {problem.number}"
        if problem.deadline is None:
            parsed.warn(where, "no 整改时限")
        if problem.progress_status is None:
            parsed.warn(where, "no 整改进度")
        for measure in problem.measures:
            if measure.deadline is None:
                parsed.warn(f"{where} measure {measure.number_text}", "no deadline in parentheses")
            if measure.progress is None:
                parsed.warn(f"{where} measure {measure.number_text}", "no 整改进展")
    text = "".join(narrative)
    if m := _STATED.search(text):
        _compare(parsed, "problems", int(m["tasks"]), len(parsed.problems))
        _compare(parsed, "measures", int(m["measures"]), parsed.measure_count())
    if m := _AS_OF.search(text):
        parsed.document.as_of = stated_as_of(m)
        parsed.warn("document", f"the report states its progress as of: {m[0]}")


def progress_claim(text: str) -> str | None:
    """The status a 整改进度 claims, in ``progress.choices.ClaimedStatus`` values: 全面完成/已完成/完成整改 →
    "completed"; 基本完成/正在收尾 → "basically_completed"; 尚未启动/未启动 → "not_started"; any other wording
    (序时推进, 取得阶段性成效, 正在推进 …) → "in_progress"; nothing written → None."""
    folded = re.sub(r"\s+", "", text or "")
    if not folded:
        return None
    if "基本完成" in folded or "正在收尾" in folded:
        return "basically_completed"
    if re.search(r"全面完成|(?<![未不])已完成|(?<![未不])完成整改|已整改到位|已办结", folded):
        return "completed"
    if re.search(r"尚未启动|未启动", folded):
        return "not_started"
    return "in_progress"


def stated_as_of(m: re.Match[str]) -> str | None:
    """截至2019年3月 → 2019-03-31 (month end), 截至2019年 → 2019-12-31, 截至2019年3月15日 → 2019-03-15."""
    year, month = int(m["y"]), int(m["m"]) if m["m"] else 12
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    day = int(m["d"]) if m["d"] else last
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= day <= last else None


def _compare(parsed: ParsedDocument, what: str, stated: int, found: int) -> None:
    if stated != found:
        parsed.warn("document", f"the report states {stated} {what} but {found} were found")


def parse_report(lines: list[str]) -> ParsedDocument:
    """Parse a progress report's lines (as given by ``text.lines()``) into a ``ParsedDocument``."""
    parsed = ParsedDocument()
    parsed.document.kind = "report"
    lines = [line.strip() for line in lines if line and line.strip()]
    start = _attachment_start(lines)
    narrative = lines[:start]
    extract_metadata(parsed, narrative[:5])
    _assemble(parsed, _blocks(lines[start:]))
    if not parsed.problems:
        parsed.warn("document", "no problem list (一、… with 整改时限) found")
    _check(parsed, narrative)
    return parsed
