"""Parse rectification plans with labelled problem lists (seeds 004 and 000) into a ``ParsedDocument``.

Segmentation rules:

* A problem starts at ``第N项，…`` (004 style) or, when the document has none, at ``一、…`` (000
  style) — in both cases only if a field label (整改目标:, 原因分析:, 整改时限: …) follows within three
  lines.  ``number_text`` is the label as written with its separator: ``第一项``, ``一、``; ``description``
  is the rest of that paragraph and ``title`` its first sentence up to the first 。 (without it).
* A problem ends at the next problem, at any ``X、`` heading, at a signature block or at the end.
* ``X、…（N项）`` (or, in 004 style, ``X、…清单``) is a category heading; ``category`` is its text
  without the count; a count that differs from the problems found under it is a warning.
* A problem whose text before its first field has ``（一）`` aspects each followed by a field label is
  split into ``sub_items`` (number_text as written, e.g. ``(一)``); lines such as
  ``以上问题分2个方面进行整改。`` are not kept.
* Field values are the label's inline text (or the next line when empty).  Lines after 整改措施:, and
  unlabelled lines after other fields (000 writes measures without a label), are the measures.
* Unit and person fields are split by :func:`zhenggai.importer.units.split_names`, except a value that
  refers to another document (``《…》确定的整改责任单位``), which is kept whole with a warning.
* An amendment notice (``关于补充完善…的通知``) gives one :class:`Amendment` per ``…修改为:`` line;
  ``review_opinion`` is the 审核意见 text plus explanation paragraphs before the first change, and
  ``new_text`` runs to the next change, item or signature (paragraphs joined with ``\\n``).

Metadata: ``issuer`` and ``date`` from the first signature block (office lines above a date line),
else 发布日期 / a leading ``YYYY-MM-DD`` line; ``doc_number`` where the document's own title is followed
by ``（X〔YYYY〕N号）`` or a number stands alone on an early line; ``inspection`` from ``中央第…督察组``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from zhenggai.core.deadlines import parse_deadline
from zhenggai.core.numerals import parse_chinese_int, parse_number_label
from zhenggai.importer.model import Amendment, Deadline, DocumentInfo, ParsedDocument, ParsedProblem
from zhenggai.importer.plan_fields import (
    FIELD_LABEL,
    canonical_label,
    is_reference,
    label_text,
    parse_measures,
    parse_targets,
)
from zhenggai.importer.units import split_names

__all__ = ["parse_plan", "read_metadata"]

_CN = "〇零一二两三四五六七八九十百"
_START_A = re.compile(rf"^(第[{_CN}\d]+项)[，,、:：.．]\s*(.+)$")
_START_B = re.compile(rf"^([{_CN}]+、)\s*(.+)$")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_CATEGORY = re.compile(
    r"^[一二三四五六七八九十]+、\s*(?P<name>.+?)\s*[（(](?P<count>[\d一二三四五六七八九十]+)项[）)]$"
)
_ASPECT = re.compile(r"^([（(][一二三四五六七八九十]+[）)])\s*(.+)$")
_NOTICE = re.compile(r"^关于.{0,80}(?:补充|完善|修改|调整|变更).{0,80}的通知$")
_ITEM = re.compile(rf"^(?:[一二三四五六七八九十]+、\s*)?(第[{_CN}\d]+项)[，,、:：]?\s*(.*)$")
_OPINION = re.compile(r"^审核意见\s*[:：]\s*(.*)$")
_CHANGE = re.compile(
    r"^(整改时限|整改期限|整改目标|整改措施|责任单位|责任领导|责任人员|督导单位)修改为\s*[:：]?\s*(.*)$"
)
_CHANGE_FIELDS = {"整改时限": "deadline", "整改期限": "deadline", "整改目标": "target", "整改措施": "measures"}
_CHANGE_FIELDS |= {"责任单位": "responsible_units", "责任领导": "responsible_leaders"}
_CHANGE_FIELDS |= {"责任人员": "responsible_persons", "督导单位": "supervising_units"}
_ORG_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{2,24}(?:办公室|办公厅|委员会|人民政府|政府|党委|领导小组|局|厅)$")
_DATE_LINE = re.compile(rf"^(?:\d{{4}}|[{_CN}○]{{4}})年[\d{_CN}]{{1,3}}月[\d{_CN}]{{1,3}}日$")
_ISO_DATE = re.compile(r"(?:发布日期\s*[:：]\s*|^)(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s|$)")
_DOC_NUMBER = r"[\u4e00-\u9fff]{1,8}[〔\[【（(]\d{4}[〕\]】）)]\d{1,4}号"
_TITLE = re.compile(r"^关于印发《(.+?)》的通知$")
_INSPECTION = re.compile(r"中央第[一二三四五六七八九十\d]+[^，,。、；;\s]{0,12}?督察组")
_DECLARED = (
    re.compile(r"(\d+)类(\d+)项"),
    re.compile(r"(?:列出|梳理出的?|共计?|合计)()(\d+)项(?:具体)?(?:整改任务|整改措施|问题|任务)"),
)
_UNIT_FIELDS = {
    "责任单位": "responsible_units",
    "配合单位": "cooperating_units",
    "责任领导": "responsible_leaders",
    "责任人员": "responsible_persons",
    "督导单位": "supervising_units",
}
_EXPECTED = ("整改目标", "整改时限", "责任单位")
_LOOKAHEAD = 3


@dataclass
class _Leaf:
    """A parsed problem with the raw fields it was built from (for the completeness checks)."""

    problem: ParsedProblem
    fields: dict[str, str]


def parse_plan(lines: list[str]) -> ParsedDocument:
    """Parse the normalised ``lines`` of a plan (see :func:`zhenggai.importer.text.lines`)."""
    doc = ParsedDocument(document=read_metadata(lines))
    notice = next((i for i, line in enumerate(lines) if _NOTICE.match(line)), len(lines))
    body = lines[:notice]
    starts = _problem_starts(body)
    leaves: list[_Leaf] = []
    for index, start in enumerate(starts):
        end = _block_end(body, start, starts[index + 1] if index + 1 < len(starts) else len(body))
        doc.problems.append(_problem(body, start, end, doc, leaves))
    _assign_categories(body, starts, doc)
    _check_completeness(doc, leaves, _declared_total(body[: starts[0]] if starts else body))
    doc.amendments = _amendments(lines[notice:], doc)
    doc.document.kind = "amendment" if doc.amendments and not doc.problems else "plan"
    return doc


# --- segmentation -------------------------------------------------------------------------------


def _field_follows(lines: list[str], index: int) -> bool:
    return any(FIELD_LABEL.match(line) for line in lines[index + 1 : index + 1 + _LOOKAHEAD])


def _problem_starts(lines: list[str]) -> list[int]:
    for pattern in (_START_A, _START_B):
        starts = [i for i, line in enumerate(lines) if pattern.match(line) and _field_follows(lines, i)]
        if starts:
            return starts
    return []


def _block_end(lines: list[str], start: int, limit: int) -> int:
    for i in range(start + 1, limit):
        if _HEADING.match(lines[i]) or _is_signature(lines, i):
            return i
    return limit


def _is_signature(lines: list[str], index: int) -> bool:
    """An office line followed (possibly after more office lines) by a date line."""
    i = index
    while i < len(lines) and _ORG_LINE.match(lines[i]):
        i += 1
    return i > index and i < len(lines) and bool(_DATE_LINE.match(lines[i]))


def _number(label: str) -> int | None:
    return parse_number_label(label_text(label))


# --- problems -----------------------------------------------------------------------------------


def _problem(lines: list[str], start: int, end: int, doc: ParsedDocument, leaves: list[_Leaf]) -> ParsedProblem:
    match = _START_A.match(lines[start]) or _START_B.match(lines[start])
    assert match is not None  # start came from _problem_starts
    label, description = label_text(match[1]), match[2].strip()
    block = lines[start + 1 : end]
    aspects = _aspect_starts(block)
    if not aspects:
        return _leaf(label, description, block, doc, leaves)
    parent = ParsedProblem(_number(label), label, _title(description), description)
    for index, first in enumerate(aspects):
        last = aspects[index + 1] if index + 1 < len(aspects) else len(block)
        aspect = _ASPECT.match(block[first])
        assert aspect is not None
        sub = _leaf(aspect[1], aspect[2].strip(), block[first + 1 : last], doc, leaves, where=label)
        parent.sub_items.append(sub)
    return parent


def _aspect_starts(block: list[str]) -> list[int]:
    """Indexes of ``（一）`` aspect lines, if the problem is split into aspects before its first field."""
    first_field = next((i for i, line in enumerate(block) if FIELD_LABEL.match(line)), len(block))
    if not any(_ASPECT.match(line) for line in block[:first_field]):
        return []
    return [i for i, line in enumerate(block[:-1]) if _ASPECT.match(line) and FIELD_LABEL.match(block[i + 1])]


def _title(description: str) -> str:
    return description.split("。", 1)[0].strip()


def _fields(block: list[str]) -> tuple[dict[str, str], list[str]]:
    """Labelled values and the measure lines of one problem's block."""
    fields: dict[str, str] = {}
    measure_lines: list[str] = []
    pending: str | None = None  # a label whose value is on the next line
    seen_label = False
    for line in block:
        match = FIELD_LABEL.match(line)
        if match:
            seen_label, label, value = True, canonical_label(match[1]), match[2].strip()
            if label == "整改措施":
                measure_lines += [value] if value else []
                pending = None
            else:
                fields[label] = value
                pending = None if value else label
        elif pending:
            fields[pending], pending = line, None
        elif seen_label:
            measure_lines.append(line)
    return fields, measure_lines


def _leaf(
    label: str, description: str, block: list[str], doc: ParsedDocument, leaves: list[_Leaf], where: str = ""
) -> ParsedProblem:
    where = f"{where}{label}"
    fields, measure_lines = _fields(block)
    problem = ParsedProblem(_number(label), label, _title(description), description)
    problem.cause = fields.get("原因分析") or None
    problem.targets = parse_targets(fields.get("整改目标"), fields.get("整改时限"))
    problem.deadline = Deadline.parse(fields.get("整改时限"))
    _fill_units(problem, fields, doc, where)
    measures = parse_measures(measure_lines)
    problem.measures = measures.measures
    if measures.preamble:
        doc.warn(where, f"text before the first numbered measure is not a measure: {measures.preamble[0][:16]}…")
    for before, after in measures.gaps:
        doc.warn(where, f"measure numbers jump from {before} to {after}")
    _check_deadlines(problem, doc, where)
    leaves.append(_Leaf(problem, fields))
    return problem


def _fill_units(problem: ParsedProblem, fields: dict[str, str], doc: ParsedDocument, where: str) -> None:
    references = []
    for label, attribute in _UNIT_FIELDS.items():
        value = fields.get(label)
        if not value:
            continue
        if is_reference(value):
            references.append(label)
            setattr(problem, attribute, [value.strip().rstrip("。")])
        else:
            setattr(problem, attribute, split_names(value))
    if references:
        doc.warn(where, f"{'、'.join(references)} refer to another document; kept whole")


def _check_deadlines(problem: ParsedProblem, doc: ParsedDocument, where: str) -> None:
    deadlines = [problem.deadline] + [target.deadline for target in problem.targets]
    for deadline in deadlines:
        if deadline is not None and not deadline.understood:
            doc.warn(where, f"deadline not understood: {deadline.raw}")


# --- document-level checks ----------------------------------------------------------------------


def _assign_categories(lines: list[str], starts: list[int], doc: ParsedDocument) -> None:
    headings = [(i, m) for i, line in enumerate(lines) if (m := _CATEGORY.match(line))]
    if not headings and starts and _START_A.match(lines[starts[0]]):
        headings = [(i, m) for i, line in enumerate(lines[: starts[-1]]) if (m := _category_by_name(line))]
    counts: Counter[int] = Counter()
    for problem, start in zip(doc.problems, starts, strict=True):
        owner = next((index for index, (i, _) in reversed(list(enumerate(headings))) if i < start), None)
        if owner is not None:
            problem.category = headings[owner][1]["name"]
            counts[owner] += 1
    for index, (_, match) in enumerate(headings):
        stated = match.groupdict().get("count")
        if stated and parse_chinese_int(stated) != counts[index]:
            doc.warn(match["name"], f"category states {stated} problems, {counts[index]} found")


def _category_by_name(line: str) -> re.Match[str] | None:
    return re.match(r"^[一二三四五六七八九十]+、\s*(?P<name>.+清单)$", line)


def _declared_total(lines: list[str]) -> int | None:
    for line in lines:
        for pattern in _DECLARED:
            if match := pattern.search(line):
                return int(match[2])
    return None


def _check_completeness(doc: ParsedDocument, leaves: list[_Leaf], declared: int | None) -> None:
    expected = list(_EXPECTED)
    if leaves and sum("原因分析" in leaf.fields for leaf in leaves) * 2 >= len(leaves):
        expected.insert(0, "原因分析")
    for leaf in leaves:
        missing = [label for label in expected if not leaf.fields.get(label)]
        missing += [] if leaf.problem.measures else ["整改措施"]
        if missing:
            doc.warn(leaf.problem.number_text or "?", f"missing {'、'.join(missing)}")
    found = len(doc.problems)
    if declared is not None and declared != found:
        doc.warn("document", f"the document declares {declared} problems, {found} found")
    if leaves and _looks_truncated(leaves, declared, found):
        doc.warn(
            leaves[-1].problem.number_text or "?",
            f"document appears truncated after problem {leaves[-1].problem.number_text}",
        )
    numbers = [p.number for p in doc.problems]
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        doc.warn("document", f"problem numbers are not 1..{len(numbers)} in order: {numbers}")


def _looks_truncated(leaves: list[_Leaf], declared: int | None, found: int) -> bool:
    last = leaves[-1]
    measures = [m for leaf in leaves for m in leaf.problem.measures]
    dated = sum(m.deadline is not None for m in measures)
    undated_end = bool(last.problem.measures) and last.problem.measures[-1].deadline is None
    if undated_end and measures and dated >= 0.8 * len(measures):
        return True
    return declared is not None and found < declared and not last.fields.get("责任单位")


# --- amendments ---------------------------------------------------------------------------------


def _amendments(lines: list[str], doc: ParsedDocument) -> list[Amendment]:
    amendments: list[Amendment] = []
    number: int | None = None
    opinion: list[str] | None = None
    current: Amendment | None = None
    for index, line in enumerate(lines):
        if _is_signature(lines, index):
            break
        if item := _ITEM.match(line):
            number, opinion, current = _number(item[1]), None, None
        elif number is None:
            continue
        elif match := _OPINION.match(line):
            opinion, current = [match[1].strip()], None
        elif match := _CHANGE.match(line):
            review = "\n".join(part for part in opinion or [] if part) or None
            current = Amendment(number, _CHANGE_FIELDS[match[1]], review, match[2].strip())
            amendments.append(current)
        elif current is not None:
            current.new_text = f"{current.new_text}\n{line}".strip()
        elif opinion is not None:
            opinion.append(line)
    _check_amendments(amendments, doc)
    return amendments


def _check_amendments(amendments: list[Amendment], doc: ParsedDocument) -> None:
    known = {p.number for p in doc.problems}
    for amendment in amendments:
        if known and amendment.problem_number not in known:
            doc.warn(f"amendment {amendment.problem_number}", "the amended problem is not in this plan")
        if not amendment.new_text:
            doc.warn(f"amendment {amendment.problem_number}", f"no new text for {amendment.field}")


# --- metadata -----------------------------------------------------------------------------------


def read_metadata(lines: list[str]) -> DocumentInfo:
    """Issuer, document number, date and inspection team of a plan or notice."""
    info = DocumentInfo()
    info.issuer, info.date = _signature(lines)
    info.date = info.date or _published(lines)
    info.doc_number = _doc_number(lines)
    text = "\n".join(lines)
    if match := _INSPECTION.search(text):
        info.inspection = match[0]
    return info


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    for index in range(len(lines)):
        if _is_signature(lines, index):
            end = index
            while _ORG_LINE.match(lines[end]):
                end += 1
            due = parse_deadline(lines[end]).due_date
            return "、".join(lines[index:end]), due.isoformat() if due else None
    return None, None


def _published(lines: list[str]) -> str | None:
    for line in lines[:20]:
        if match := _ISO_DATE.search(line):
            year, month, day = (int(group) for group in match.groups())
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _doc_number(lines: list[str]) -> str | None:
    text = "\n".join(lines)
    for line in lines[:10]:
        if title := _TITLE.match(line):
            own = re.search(rf"《{re.escape(title[1])}》\s*[（(]({_DOC_NUMBER})[）)]", text)
            if own:
                return own[1]
    return next((line for line in lines[:20] if re.fullmatch(_DOC_NUMBER, line)), None)
