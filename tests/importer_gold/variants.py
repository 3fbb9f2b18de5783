"""The same seed in other clothes, built at test time from the seed text (never committed).

Each builder takes the seed's text and returns ``(bytes, filename)`` for ``parse_bytes``:

* ``gb18030`` — GB18030 bytes of the text, nothing else changed.
* ``gb18030_noisy`` — GB18030 bytes with punctuation noise (:func:`noisy`): about a third of the
  marks ，：；（） and ,:;() swapped to the other width, spaces inside dates (``2018 年 6 月 30 日``),
  CRLF line ends and a few trailing spaces.  Seeded, so the bytes are the same on every run.
* ``html`` — a web page: one ``<p>`` per line inside site furniture (breadcrumb, footer, script).
* ``docx`` — a .docx, one paragraph per line.
* ``docx_table`` — a .docx whose body is one table of one column, one row per line.
* ``docx_table_split`` — the same table with two columns: a line that starts with a known label and a
  colon (``整改时限：2020年底前``) is split into a label cell and a value cell (``整改时限`` | ``2020年底前``);
  every other line is one cell merged across both columns.
* ``traditional`` — the text converted to traditional characters with OpenCC ``s2t`` (UTF-8).  The parse
  keeps the document's own (traditional) characters in its text values, so this variant is scored after
  folding the parse's strings back to simplified with the importer's own fold (``importer.fold.fold``,
  OpenCC ``t2s``): it measures structure and field extraction on traditional input, not the spelling of
  the values.  ``t2s∘s2t`` is not quite the identity (a few characters do not come back), which can cost a
  value here and there; that is part of what is measured.
* ``xlsx`` — problem-list seeds only (000, 003, 004): an .xlsx ledger built from the **parser's own
  output** for the plain text (:func:`ledger`), then parsed by the .xlsx reader.  It measures the .xlsx
  reader's round trip on real content, not the text parser: an error of the text parser is copied into the
  ledger and, if the reader reads it back faithfully, scored exactly as on the plain text.  Fields a
  ledger cannot carry are excluded from the gold for this variant (:data:`XLSX_EXCLUDED`).
"""

from __future__ import annotations

import copy
import html
import io
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from tests.importer_gold.scorer import fields_right, score

__all__ = [
    "LEDGER_SEEDS",
    "NOISE_SEED",
    "VARIANTS",
    "XLSX_EXCLUDED",
    "Variant",
    "docx_table",
    "docx_table_split",
    "gb18030",
    "gb18030_noisy",
    "ledger",
    "noisy",
    "traditional",
    "variant_gold",
    "variant_report",
    "xlsx",
]

Built = tuple[bytes, str]

# --- text formats ---------------------------------------------------------------------------------


def gb18030(text: str) -> Built:
    return text.encode("gb18030"), "seed.txt"


NOISE_SEED = 20240603
_WIDTHS = dict(zip("，：；（）,:;()", ",:;()，：；（）", strict=True))
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?")


def _spaced_date(match: re.Match[str]) -> str:
    year, month, day = match.groups()
    return f"{year} 年 {month} 月" + (f" {day} 日" if day else "")


def noisy(text: str, seed: int = NOISE_SEED) -> str:
    """``text`` with punctuation noise, the same for the same ``text`` and ``seed``.

    About a third of the marks ，：；（） become ,:;() and a third of ,:;() become ，：；（） (not between two
    ASCII letters or digits: ``09:29`` and ``1,000`` stay); dates get spaces (``2018 年 6 月 30 日``,
    ``2018 年 6 月``); about one line in eight gets one to three trailing spaces; lines end in CRLF.
    """
    rng = random.Random(seed)
    text = _DATE.sub(_spaced_date, text)
    chars = list(text)
    for index, char in enumerate(chars):
        if char not in _WIDTHS:
            continue
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        if char.isascii() and before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
            continue
        if rng.random() < 1 / 3:
            chars[index] = _WIDTHS[char]
    lines = "".join(chars).split("\n")
    lines = [line + " " * rng.randint(1, 3) if line and rng.random() < 1 / 8 else line for line in lines]
    return "\r\n".join(lines)


def gb18030_noisy(text: str) -> Built:
    return noisy(text).encode("gb18030"), "seed.txt"


def html_page(text: str) -> Built:
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>seed</title>'
        "<style>p{margin:0}</style><script>var x = 1;</script></head><body>"
        '<div class="nav"><a href="/">首页</a> &gt; <a href="/a">新闻中心</a> &gt; 通知公告</div>'
        f'<div class="article">{paragraphs}</div>'
        '<div class="footer"><p>扫一扫在手机打开当前页</p><p>版权所有 网站标识码 主办单位</p></div>'
        "</body></html>"
    )
    return page.encode("utf-8"), "seed.html"


def traditional(text: str) -> Built:
    import opencc

    return opencc.OpenCC("s2t").convert(text).encode("utf-8"), "seed.txt"


# --- .docx ----------------------------------------------------------------------------------------


def _docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_paragraphs(text: str) -> Built:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    return _docx_bytes(document), "seed.docx"


def docx_table(text: str) -> Built:
    """The body is one table of one column: one row per line of the text."""
    import docx

    document = docx.Document()
    document._body.clear_content()
    lines = text.splitlines()
    table = document.add_table(rows=len(lines), cols=1)
    for row, line in zip(table.rows, lines, strict=True):
        row.cells[0].text = line
    return _docx_bytes(document), "seed.docx"


# Labels of the problem-list fields; a line that starts with one and a colon is split in two cells.
FIELD_LABELS = (
    "原因分析",
    "整改目标",
    "整改时限",
    "整改期限",
    "责任单位",
    "配合单位",
    "责任领导",
    "责任人员",
    "督导单位",
    "整改措施",
    "整改进展",
    "整改进度",
    "审核意见",
)
_LABELLED = re.compile(rf"^\s*({'|'.join(FIELD_LABELS)})\s*[：:]\s*(.*)$", re.DOTALL)


def split_label(line: str) -> tuple[str, str] | None:
    """``("整改时限", "2020年底前")`` for ``整改时限：2020年底前``; None for a line without a known label."""
    match = _LABELLED.match(line)
    return (match[1], match[2]) if match else None


def docx_table_split(text: str) -> Built:
    """One table of two columns: label | value for labelled lines, one merged cell for the others."""
    import docx

    document = docx.Document()
    document._body.clear_content()
    lines = text.splitlines()
    table = document.add_table(rows=len(lines), cols=2)
    for row, line in zip(table.rows, lines, strict=True):
        label, value = split_label(line) or (None, line)
        if label is None:  # one cell spanning both columns (what Cell.merge makes, without its cost)
            first, second = row._tr.tc_lst
            row._tr.remove(second)
            first.grid_span, first.width = 2, first.width * 2
            row.cells[0].text = value
        else:
            row.cells[0].text, row.cells[1].text = label, value
    return _docx_bytes(document), "seed.docx"


# --- .xlsx ledger ---------------------------------------------------------------------------------

LEDGER_SEEDS = ("000", "003", "004")

# Gold slots an .xlsx ledger cannot carry, removed from the gold for the ``xlsx`` variant:
# * document.issuer / doc_number / date: they are in the document's head and signature, which a ledger
#   does not have; its title row holds only the inspection team (``<inspection>反馈问题整改台账``);
# * amendments: a change notice appended to the plan (004) is not a ledger row;
# * problem sub_items: a ledger row block is one problem; the reader has no sub-items (004 problem 17's
#   two aspects).  The parent problem's own slots (number, title, description, category, deadline, units,
#   measure count) stay in the gold; the ledger writes that parent with its own fields only.
XLSX_EXCLUDED = ("document.issuer", "document.doc_number", "document.date", "amendments", "problem.sub_items")


def _column_values(problem: dict) -> dict[str, str | None]:
    """The problem's cells, keyed by header label (without 整改措施 / 整改进展, which go by measure)."""
    targets = problem.get("targets") or []
    if len(targets) > 1:
        target_text = "\n".join(f"{index}.{t['text']}" for index, t in enumerate(targets, 1))
    else:
        target_text = targets[0]["text"] if targets else None
    deadline = problem.get("deadline") or {}
    return {
        "序号": problem.get("number_text"),
        "督察反馈问题": problem.get("description"),
        "原因分析": problem.get("cause"),
        "整改目标": target_text,
        "整改时限": deadline.get("raw"),
        "责任单位": "、".join(problem.get("responsible_units") or []) or None,
        "配合单位": "、".join(problem.get("cooperating_units") or []) or None,
        "责任领导": "、".join(problem.get("responsible_leaders") or []) or None,
        "责任人员": "、".join(problem.get("responsible_persons") or []) or None,
        "督导单位": "、".join(problem.get("supervising_units") or []) or None,
        "整改进度": problem.get("progress_status"),
    }


def _measure_cell(measure: dict) -> str:
    deadline = measure.get("deadline")
    return f"{measure.get('number_text') or ''}{measure['text']}" + (f"（{deadline['raw']}）" if deadline else "")


def ledger(parsed: dict) -> bytes:
    """An .xlsx ledger of a problem-list parse (``ParsedDocument.to_dict()``).

    A title row merged across the table (``<inspection>反馈问题整改台账``), the header 序号, 督察反馈问题,
    原因分析, 整改目标, 整改时限, 责任单位, 配合单位, 责任领导, 责任人员, 督导单位, 整改措施 — plus 整改进展
    and 整改进度 when the parse has measure progress / a problem status (003) — then, per problem, one row
    per measure (the measure with its deadline in parentheses, its progress beside it) with the problem's
    cells merged down over its rows.  A change of category is a row merged across the table.  Sub-items
    are not written (see :data:`XLSX_EXCLUDED`).
    """
    from openpyxl import Workbook

    problems = parsed.get("problems") or []
    every = [m for p in problems for m in p.get("measures") or []]
    header = ["序号", "督察反馈问题", "原因分析", "整改目标", "整改时限", "责任单位", "配合单位"]
    header += ["责任领导", "责任人员", "督导单位", "整改措施"]
    if any(m.get("progress") for m in every):
        header.append("整改进展")
    if any(p.get("progress_status") for p in problems):
        header.append("整改进度")
    width = len(header)
    workbook = Workbook()
    sheet = workbook.active
    inspection = (parsed.get("document") or {}).get("inspection") or ""
    sheet.append([f"{inspection}反馈问题整改台账"] + [None] * (width - 1))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(header)
    category = None
    for problem in problems:
        if problem.get("category") and problem["category"] != category:
            category = problem["category"]
            sheet.append([category] + [None] * (width - 1))
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
        values = _column_values(problem)
        measures = problem.get("measures") or [None]
        first = sheet.max_row + 1
        for index, measure in enumerate(measures):
            row = [values.get(label) if index == 0 else None for label in header]
            if measure is not None:
                row[header.index("整改措施")] = _measure_cell(measure)
                if "整改进展" in header:
                    row[header.index("整改进展")] = measure.get("progress")
            sheet.append(row)
        if len(measures) > 1:
            for column, label in enumerate(header, 1):
                if label not in ("整改措施", "整改进展"):
                    sheet.merge_cells(start_row=first, start_column=column, end_row=sheet.max_row, end_column=column)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx(text: str) -> Built:
    """The ledger of the plain text's parse (the parser's own output, see :func:`ledger`)."""
    from zhenggai.importer.parse import parse_bytes

    return ledger(parse_bytes(text.encode("utf-8"), "seed.txt").to_dict()), "seed.xlsx"


def variant_gold(gold: dict, excluded: tuple[str, ...]) -> dict:
    """``gold`` without the ``excluded`` slots (``document.<name>``, ``amendments``, ``problem.<name>``)."""
    gold = copy.deepcopy(gold)
    for slot in excluded:
        scope, _, name = slot.partition(".")
        if scope == "document":
            (gold.get("document") or {}).pop(name, None)
        elif scope == "problem":
            for problem in gold.get("problems") or []:
                problem.pop(name, None)
        else:
            gold.pop(scope, None)
    return gold


# --- the registry ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    from zhenggai.importer.fold import fold

    return fold(text)


@dataclass(frozen=True)
class Variant:
    name: str
    build: Callable[[str], Built]
    seeds: tuple[str, ...] | None = None  # None: every seed
    fold: Callable[[str], str] | None = None  # applied to the parse's strings before comparing
    excluded: tuple[str, ...] = ()  # gold slots the variant cannot carry (see variant_gold)
    same_as_plain: bool = False  # the old variants: must score exactly as the plain text does

    def applies_to(self, seed_id: str) -> bool:
        return self.seeds is None or seed_id in self.seeds


VARIANTS = {
    variant.name: variant
    for variant in (
        Variant("gb18030", gb18030, same_as_plain=True),
        Variant("html", html_page, same_as_plain=True),
        Variant("docx", docx_paragraphs, same_as_plain=True),
        Variant("docx_table", docx_table),
        Variant("docx_table_split", docx_table_split),
        Variant("gb18030_noisy", gb18030_noisy),
        Variant("traditional", traditional, fold=_fold),
        Variant("xlsx", xlsx, seeds=LEDGER_SEEDS, excluded=XLSX_EXCLUDED),
    )
}


def variant_report(variant: Variant, text: str, gold: dict) -> tuple[float, list[str]]:
    """Fields right of the parse of ``variant`` built from the seed ``text``, and the disagreements."""
    from zhenggai.importer.parse import parse_bytes

    data, filename = variant.build(text)
    parsed = parse_bytes(data, filename).to_dict()
    errors: list[str] = []
    share = fields_right(score(parsed, variant_gold(gold, variant.excluded), errors, fold=variant.fold))
    return share, errors
