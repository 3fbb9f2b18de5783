"""The periodic progress report (整改进展情况报告) as a .docx in the official document format.

``build_report(plan, as_of, *, title, issuer) -> bytes`` is the whole API for callers that only want
the file; ``compose(plan, as_of)`` gathers what goes in it (numbers from ``zhenggai.stats.engine``,
progress narratives as they stood on ``as_of``) and ``render(content, title=…, issuer=…)`` writes it,
so ``zhenggai.reports.actions`` can store the summary it printed. Nothing here writes to the database.

**Layout** (GB/T 9704-2012, 党政机关公文格式):

* A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; a 22-line grid: every body line is
  exactly 28.95 pt (579 twips) so 22 lines fill the 225 mm type area.
* Fonts are set on ``w:rFonts`` with ``w:eastAsia`` holding the Chinese face and ``w:ascii`` /
  ``w:hAnsi`` a Latin face for digits and letters; the font table names a fallback (``w:altName``)
  for the GB2312 / 方正 faces a computer without them substitutes (仿宋, 楷体, 宋体).
* Title: 二号 (22 pt) 方正小标宋简体 (fallback 宋体), bold, centred; under it the issuer and the
  as-of date in 三号 楷体.
* Body: 三号 (16 pt) 仿宋_GB2312, first line indented two characters, justified.
* Headings by level: 一、 黑体; （一） 楷体_GB2312; 1. 仿宋 bold; （1） 仿宋. The numbers are literal text
  (no Word list numbering), so they survive any conversion and read back as written.
* Footer: the page number as a ``PAGE`` field between dashes (— 1 —), 四号 宋体, centred.
* 附件 on a new page: a table per problem (序号, 整改问题, 整改时限, 整改措施及进展, 整改进度) — 003's
  shape: each measure with its deadline in parentheses and its 整改进展, the problem's 整改进度 being
  its pace on ``as_of``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from zhenggai.core.schedule import PACE_LABELS, Pace
from zhenggai.ledger.models import Category, Measure, Plan, Problem
from zhenggai.progress.models import ProgressReport
from zhenggai.progress.status import ledger_state
from zhenggai.stats.engine import NO_CATEGORY, Statistics, statistics
from zhenggai.stats.phrasing import chinese_date, summary_paragraph

__all__ = [
    "BODY_FONT",
    "HEADING1_FONT",
    "HEADING2_FONT",
    "LATIN_FONT",
    "LINE_PITCH",
    "MARGINS_MM",
    "TITLE_FONT",
    "ProblemEntry",
    "ReportContent",
    "build_report",
    "chinese_date",
    "compose",
    "render",
    "summary_text",
]

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING2_FONT: "楷体"}

MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINE_PITCH = Pt(28.95)  # 579 twips: 22 lines in the 225 mm type area
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(12)  # 小四

CHINESE_NUMERALS = "一二三四五六七八九十"
_LEADING_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百]+[）)])\s*")
NO_PROGRESS = "暂未报送整改进展。"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


# --- content ---------------------------------------------------------------------------------------


@dataclass
class MeasureEntry:
    number: str
    text: str
    deadline: str
    progress: str


@dataclass
class ProblemEntry:
    problem_id: int
    number: str
    title: str
    deadline: str
    pace_label: str
    measures: list[MeasureEntry] = field(default_factory=list)
    progress: str = ""  # a problem without measures: its own 整改进展


@dataclass
class ReportContent:
    plan_title: str
    as_of: date
    stats: Statistics
    summary: str
    categories: list[tuple[str, list[ProblemEntry]]]
    overdue: list[ProblemEntry]
    behind: list[ProblemEntry]
    # The inspection's complaint cases and accountability, as they stand when the report is written
    # (cases keep no as-of history in the statistics); empty when the inspection has none.
    cases_text: str = ""
    accountability_text: str = ""


def summary_text(plan_title: str, stats: Statistics) -> str:
    """The summary paragraph in the phrasing offices use (``stats.phrasing``: every number from ``stats``)."""
    return summary_paragraph(stats, f"《{plan_title}》")


def _latest_reports(report_ids: set[int]) -> dict[int, ProgressReport]:
    if not report_ids:
        return {}
    return {report.pk: report for report in ProgressReport.objects.filter(pk__in=report_ids).only("pk", "narrative")}


def compose(plan: Plan, as_of: date) -> ReportContent:
    """What the report of ``plan`` on ``as_of`` says.

    The numbers are ``statistics(plan's problems, as_of)``. A task's 整改进度 is its pace from
    ``ledger_state`` with the statistics' adjustment (a task the statistics count as closed reads
    完成整改 even when its measures have not caught up). A measure's 整改进展 is the narrative of the
    report ``ledger_state`` found for it on ``as_of`` — the latest period, highest version submitted
    by then, a problem-level report standing for each measure — so a report corrected later does not
    rewrite a report already published."""
    problems = Problem.objects.filter(plan=plan)
    stats = statistics(problems, as_of)
    states = ledger_state(problems, as_of)
    closed = set(stats.completion["all_tasks"].numerator_ids)

    rows = list(problems.filter(merged_into__isnull=True).select_related("category").order_by("position", "pk"))
    measures_of: dict[int, list[Measure]] = {}
    for measure in Measure.objects.filter(problem__in=[row.pk for row in rows]).order_by("position", "pk"):
        measures_of.setdefault(measure.problem_id, []).append(measure)
    report_ids = {item.report_id for state in states.values() for item in state.items if item.report_id}
    reports = _latest_reports(report_ids)

    def progress_of(problem_id: int, measure_id: int | None) -> str:
        state = states.get(problem_id)
        for item in state.items if state else []:
            if item.measure_id == measure_id and item.report_id in reports:
                return reports[item.report_id].narrative.strip() or NO_PROGRESS
        return NO_PROGRESS

    aspects: dict[int, list[Problem]] = {}
    for row in rows:
        if row.parent_id is not None:
            aspects.setdefault(row.parent_id, []).append(row)

    entries: dict[int, ProblemEntry] = {}
    by_category: dict[int | None, list[ProblemEntry]] = {}
    for row in rows:
        if row.parent_id is not None:
            continue
        state = states.get(row.pk)
        pace = state.pace if state else None
        if row.pk in closed and pace not in (Pace.COMPLETED, Pace.SIGNED_OFF):
            pace = Pace.COMPLETED
        entry = ProblemEntry(
            problem_id=row.pk,
            number=row.number_text,
            title=row.title,
            deadline=row.due_raw or "未明确",
            pace_label=PACE_LABELS.get(pace, "—") if pace else "—",
        )
        for holder in [row, *aspects.get(row.pk, [])]:
            prefix = f"{holder.number_text}{holder.title}：" if holder is not row else ""
            for index, measure in enumerate(measures_of.get(holder.pk, []), start=1):
                entry.measures.append(
                    MeasureEntry(
                        number=measure.number_text or f"{index}.",
                        text=prefix + measure.text,
                        deadline=measure.due_raw,
                        progress=progress_of(holder.pk, measure.pk),
                    )
                )
        if not measures_of.get(row.pk):
            entry.progress = progress_of(row.pk, None)
        entries[row.pk] = entry
        by_category.setdefault(row.category_id, []).append(entry)

    categories = [
        (category.title, by_category[category.pk])
        for category in Category.objects.filter(plan=plan).order_by("position", "pk")
        if category.pk in by_category
    ]
    if None in by_category:
        categories.append((NO_CATEGORY, by_category[None]))
    cases_text, accountability_text = _cases_and_accountability(plan)
    return ReportContent(
        cases_text=cases_text,
        accountability_text=accountability_text,
        plan_title=plan.title,
        as_of=as_of,
        stats=stats,
        summary=summary_text(plan.title, stats),
        categories=categories,
        overdue=[entries[pk] for pk in stats.overdue if pk in entries],
        behind=[entries[pk] for pk in stats.behind if pk in entries],
    )


# --- writing ----------------------------------------------------------------------------------------


def set_run_fonts(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set ``w:rFonts`` on a run or style: ``w:eastAsia`` for Chinese, ``w:ascii``/``w:hAnsi`` for the rest.

    ``element`` is a ``w:r``, a ``w:style`` or ``w:rPrDefault`` (anything with an ``rPr`` child);
    theme font attributes are dropped, since they would win over the names set here."""
    rpr = element.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        if element.tag == qn("w:r"):
            element.insert(0, rpr)
        else:
            element.append(rpr)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _add_fallbacks(document) -> None:
    """Name a fallback face (``w:altName``) in the font table for the faces few computers have."""
    for part in document.part.package.iter_parts():
        if not str(part.partname).endswith("/fontTable.xml"):
            continue
        root = etree.fromstring(part.blob)
        for name, alternative in FALLBACKS.items():
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), name)
            alt = etree.SubElement(font, qn("w:altName"))
            alt.set(qn("w:val"), alternative)
            charset = etree.SubElement(font, qn("w:charset"))
            charset.set(qn("w:val"), "86")  # GB2312
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _paragraph_style(document, name: str, east_asia: str, size, *, bold=False, align=None, indent=True, outline=None):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    set_run_fonts(style.element, east_asia)
    style.font.size = size
    style.font.bold = bold
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(32) if indent else Pt(0)
    if align is not None:
        fmt.alignment = align
    if outline is not None:
        outline_level = OxmlElement("w:outlineLvl")
        outline_level.set(qn("w:val"), str(outline))
        style.element.get_or_add_pPr().append(outline_level)
    return style


def _setup(document) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None:
        set_run_fonts(rpr_default, BODY_FONT)
    normal = document.styles["Normal"]
    set_run_fonts(normal.element, BODY_FONT)
    normal.font.size = BODY_SIZE
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    _paragraph_style(document, "ZG Body", BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _paragraph_style(
        document, "ZG Title", TITLE_FONT, TITLE_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    _paragraph_style(document, "ZG Subtitle", HEADING2_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph_style(document, "ZG Heading 1", HEADING1_FONT, BODY_SIZE, outline=0)
    _paragraph_style(document, "ZG Heading 2", HEADING2_FONT, BODY_SIZE, outline=1)
    _paragraph_style(document, "ZG Heading 3", BODY_FONT, BODY_SIZE, bold=True, outline=2)
    _paragraph_style(document, "ZG Heading 4", BODY_FONT, BODY_SIZE, outline=3)
    _paragraph_style(document, "ZG Attachment", HEADING1_FONT, BODY_SIZE, indent=False)
    _paragraph_style(document, "ZG Table", BODY_FONT, TABLE_SIZE, indent=False)
    table_style = document.styles["ZG Table"].paragraph_format
    table_style.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _add_fallbacks(document)

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(23)  # the page number sits about 7 mm below the type area
    _page_number_footer(section)


def add_field(paragraph, instruction: str, placeholder: str = "1"):
    """Append a complex field (``w:fldChar`` begin / ``w:instrText`` / separate / result / end)."""

    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    first = run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    runs = [first, run_with(instr)]
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    runs.append(run_with(separate))
    runs.append(paragraph.add_run(placeholder))
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    runs.append(run_with(end))
    return runs


def _page_number_footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    runs = [paragraph.add_run("— "), *add_field(paragraph, "PAGE"), paragraph.add_run(" —")]
    for run in runs:
        set_run_fonts(run._r, PAGE_NUMBER_FONT)
        run.font.size = PAGE_NUMBER_SIZE


def _cell_text(cell, text: str, *, bold: bool = False, align=None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = "ZG Table"
    if align is not None:
        paragraph.alignment = align
    paragraph.add_run(text).bold = bold or None


def _attachment_table(document, content: ReportContent) -> None:
    widths = [Mm(12), Mm(40), Mm(24), Mm(60), Mm(20)]
    headers = ["序号", "整改问题", "整改时限", "整改措施及整改进展", "整改进度"]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = width
        _cell_text(cell, header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
    header_props.append(repeat)
    number = 0
    for _title, entries in content.categories:
        for entry in entries:
            number += 1
            cells = table.add_row().cells
            for cell, width in zip(cells, widths, strict=True):
                cell.width = width
            _cell_text(cells[0], str(number), align=WD_ALIGN_PARAGRAPH.CENTER)
            _cell_text(cells[1], f"{entry.number}{entry.title}" if entry.number else entry.title)
            _cell_text(cells[2], entry.deadline)
            work = cells[3]
            first = True
            for measure in entry.measures:
                deadline = f"（{measure.deadline}）" if measure.deadline else ""
                for text in (f"{measure.number}{measure.text}{deadline}", f"整改进展：{measure.progress}"):
                    paragraph = work.paragraphs[0] if first else work.add_paragraph()
                    paragraph.style = "ZG Table"
                    paragraph.add_run(text)
                    first = False
            if not entry.measures:
                _cell_text(work, f"整改进展：{entry.progress}")
            _cell_text(cells[4], entry.pace_label, align=WD_ALIGN_PARAGRAPH.CENTER)


def render(content: ReportContent, *, title: str, issuer: str) -> bytes:
    """Write ``content`` as a .docx (layout in the module docstring)."""
    document = Document()
    _setup(document)
    document.core_properties.title = title
    document.core_properties.author = issuer
    document.core_properties.language = "zh-CN"

    document.add_paragraph(title, style="ZG Title")
    document.add_paragraph(
        f"{issuer}（{chinese_date(content.as_of)}）" if issuer else chinese_date(content.as_of), style="ZG Subtitle"
    )
    document.add_paragraph("", style="ZG Body")

    headings = iter(CHINESE_NUMERALS)
    document.add_paragraph(f"{next(headings)}、总体进展情况", style="ZG Heading 1")
    document.add_paragraph(content.summary, style="ZG Body")

    stats = content.stats
    document.add_paragraph(f"{next(headings)}、分类整改情况", style="ZG Heading 1")
    for index, (category, entries) in enumerate(content.categories, start=1):
        name = _LEADING_NUMBER.sub("", category) or category
        document.add_paragraph(f"（{chinese_number(index)}）{name}", style="ZG Heading 2")
        document.add_paragraph(
            f"本类共有整改任务{stats.tasks.by_category.get(category, 0)}项、"
            f"具体整改措施{stats.measures.by_category.get(category, 0)}项。",
            style="ZG Body",
        )
        for number, entry in enumerate(entries, start=1):
            document.add_paragraph(f"{number}.{entry.title}", style="ZG Heading 3")
            document.add_paragraph(f"整改时限：{entry.deadline}；整改进度：{entry.pace_label}。", style="ZG Body")

    if content.cases_text or content.accountability_text:
        document.add_paragraph(f"{next(headings)}、信访件办理和责任追究情况", style="ZG Heading 1")
        for text in (content.cases_text, content.accountability_text):
            if text:
                document.add_paragraph(text, style="ZG Body")

    if content.overdue or content.behind:
        document.add_paragraph(f"{next(headings)}、需要关注的问题", style="ZG Heading 1")
        groups = [("逾期未完成的整改任务", content.overdue), ("未达到序时进度的整改任务", content.behind)]
        for index, (label, entries) in enumerate([group for group in groups if group[1]], start=1):
            document.add_paragraph(f"（{chinese_number(index)}）{label}（{len(entries)}项）", style="ZG Heading 2")
            for number, entry in enumerate(entries, start=1):
                document.add_paragraph(f"（{number}）{entry.title}（整改时限：{entry.deadline}）", style="ZG Heading 4")

    document.add_paragraph(f"附件：{content.plan_title}整改进展情况表", style="ZG Body")
    document.paragraphs[-1].runs[0].add_break(WD_BREAK.PAGE)
    document.add_paragraph("附件", style="ZG Attachment")
    document.add_paragraph(f"{content.plan_title}整改进展情况表", style="ZG Title")
    document.add_paragraph(f"（截至{chinese_date(content.as_of)}）", style="ZG Subtitle")
    _attachment_table(document, content)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _cases_and_accountability(plan: Plan) -> tuple[str, str]:
    """The sentences on the plan's inspection's complaint cases in its jurisdiction (handed to it or below, or
    located there) and on the persons held accountable for the inspection's transferred problems."""
    from zhenggai.accountability.models import TransferredProblem
    from zhenggai.accountability.stats import for_problems
    from zhenggai.cases.models import Case
    from zhenggai.cases.stats import case_statistics, summary_sentence
    from zhenggai.organizations.models import path_prefix

    if not plan.inspection_id:
        return "", ""
    # Cases handed to the plan's jurisdiction or below, or located there (a province batch's cases in a city).
    where = path_prefix("batch__jurisdiction__path", plan.jurisdiction.path) | path_prefix(
        "region__path", plan.jurisdiction.path
    )
    cases = Case.objects.filter(batch__inspection_id=plan.inspection_id).filter(where)
    cases_text = summary_sentence(case_statistics(cases)) if cases.exists() else ""
    # The plan's jurisdiction's share only (a city plan does not speak for the province's accountability);
    # counts by rank and sanction, never names.
    transferred = TransferredProblem.objects.filter(inspection_id=plan.inspection_id).in_jurisdiction(plan.jurisdiction)
    accountability = for_problems(transferred) if transferred.exists() else None
    accountability_text = accountability.sentence() + "。" if accountability and accountability.person_ids else ""
    return cases_text, accountability_text


def build_report(plan: Plan, as_of: date, *, title: str, issuer: str) -> bytes:
    """The report of ``plan`` on ``as_of`` as .docx bytes."""
    return render(compose(plan, as_of), title=title, issuer=issuer)
