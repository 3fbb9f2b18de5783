"""build_report on plan A of the persona world, read back with python-docx."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from zhenggai.ledger.models import Problem
from zhenggai.reports.docx_report import (
    BODY_FONT,
    HEADING1_FONT,
    HEADING2_FONT,
    NO_PROGRESS,
    TITLE_FONT,
    build_report,
    compose,
)
from zhenggai.reports.tests.world import (
    AS_OF,
    FEBRUARY_NOTE,
    JANUARY_NOTE,
    LAND_NOTE,
    MARCH_NOTE,
    ReportWorldTestCase,
)
from zhenggai.stats.engine import statistics
from zhenggai.testing import LIBREOFFICE, pdf_text

TITLE = "甲市关于督察反馈问题整改进展情况的报告"
ISSUER = "甲市整改工作领导小组办公室"


def east_asian_font(style) -> str | None:
    """The w:eastAsia font a style names (walking up its base styles)."""
    while style is not None:
        rpr = style.element.find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


class BuildReportTests(ReportWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.data = build_report(cls.plan, AS_OF, title=TITLE, issuer=ISSUER)

    def setUp(self) -> None:
        self.doc = Document(io.BytesIO(self.data))
        self.stats = statistics(Problem.objects.filter(plan=self.plan), AS_OF)

    def paragraphs(self, style: str) -> list[str]:
        return [p.text for p in self.doc.paragraphs if p.style.name == style]

    def row_of(self, problem_key: str):
        title = self.world.problems[problem_key].title
        table = self.doc.tables[0]
        return next(row for row in table.rows if row.cells[1].text.endswith(title))

    def test_title_is_bold_in_the_title_face_and_centred(self):
        title = self.doc.paragraphs[0]
        self.assertEqual(title.text, TITLE)
        self.assertEqual(east_asian_font(title.style), TITLE_FONT)
        self.assertTrue(title.style.font.bold)
        self.assertEqual(title.style.font.size.pt, 22)
        self.assertIn(ISSUER, self.doc.paragraphs[1].text)
        self.assertIn("2026年3月15日", self.doc.paragraphs[1].text)

    def test_body_and_heading_fonts(self):
        body = self.doc.styles["ZG Body"]
        self.assertEqual(east_asian_font(body), BODY_FONT)
        self.assertEqual(body.font.size.pt, 16)
        self.assertAlmostEqual(body.paragraph_format.line_spacing.pt, 28.95, places=1)
        self.assertEqual(east_asian_font(self.doc.styles["Normal"]), BODY_FONT)
        self.assertEqual(east_asian_font(self.doc.styles["ZG Heading 1"]), HEADING1_FONT)
        self.assertEqual(east_asian_font(self.doc.styles["ZG Heading 2"]), HEADING2_FONT)
        fonts = self.doc.styles["ZG Body"].element.find(qn("w:rPr")).find(qn("w:rFonts"))
        self.assertEqual(fonts.get(qn("w:ascii")), "Times New Roman")  # digits and letters

    def test_a4_with_the_official_margins(self):
        section = self.doc.sections[0]
        for measured, expected in [
            (section.page_width, 210),
            (section.page_height, 297),
            (section.top_margin, 37),
            (section.bottom_margin, 35),
            (section.left_margin, 28),
            (section.right_margin, 26),
        ]:
            self.assertAlmostEqual(measured.mm, expected, delta=0.1)

    def test_footer_carries_a_page_field(self):
        footer = self.doc.sections[0].footer._element
        instructions = [node.text.strip() for node in footer.iter(qn("w:instrText"))]
        self.assertEqual(instructions, ["PAGE"])
        kinds = [node.get(qn("w:fldCharType")) for node in footer.iter(qn("w:fldChar"))]
        self.assertEqual(kinds, ["begin", "separate", "end"])

    def test_summary_quotes_the_statistics_engine(self):
        stats = self.stats
        summary = next(text for text in self.paragraphs("ZG Body") if text.startswith("截至"))
        everything, due = stats.completion["all_tasks"], stats.completion["due_by_as_of"]
        self.assertEqual((stats.tasks.total, stats.measures.total), (6, 1))
        self.assertEqual((everything.numerator, due.denominator, due.numerator), (2, 1, 1))
        # The phrasing itself is stats.phrasing's (tested there); here: the numbers are the engine's.
        for phrase in [
            f"《甲市整改方案》共有{stats.tasks.total}项整改任务、{stats.measures.total}项具体措施",
            f"已完成整改任务{everything.numerator}项",
            f"2026年3月15日前应完成的{due.denominator}项整改任务已完成{due.numerator}项",
            f"未达到序时进度{len(stats.behind)}项",
            f"应于2026年3月15日后完成的{stats.tasks.by_deadline['due_later']}项整改任务",
            f"需要立行立改、长期坚持的{stats.tasks.by_deadline['no_date_immediate_or_long_term']}项整改任务",
        ]:
            self.assertIn(phrase, summary)
        self.assertEqual(summary, compose(self.plan, AS_OF).summary)

    def test_numbered_headings_by_category(self):
        self.assertEqual(self.paragraphs("ZG Heading 1")[:2], ["一、总体进展情况", "二、分类整改情况"])
        categories = self.paragraphs("ZG Heading 2")
        self.assertEqual(categories[:2], ["（一）例行督察反馈问题", "（二）未分类"])
        self.assertIn("本类共有整改任务2项、具体整改措施1项。", self.paragraphs("ZG Body"))
        problems = self.paragraphs("ZG Heading 3")
        self.assertEqual(problems[:2], ["1.问题a1", "2.问题a2"])
        self.assertIn("1.问题a1dept", problems)

    def test_attachment_has_a_row_per_task_with_measures_and_progress(self):
        table = self.doc.tables[0]
        headers = [cell.text for cell in table.rows[0].cells]
        self.assertEqual(headers, ["序号", "整改问题", "整改时限", "整改措施及整改进展", "整改进度"])
        self.assertEqual(len(table.rows), 1 + self.stats.tasks.total)
        a1 = self.row_of("a1")
        self.assertEqual(a1.cells[2].text, "2026年12月31日前")
        work = a1.cells[3].text
        self.assertIn("措施一（2026年3月底前）", work)
        self.assertIn(f"整改进展：{FEBRUARY_NOTE}", work)  # the latest report submitted by 03-15
        self.assertNotIn(JANUARY_NOTE, work)
        self.assertNotIn(MARCH_NOTE, work)  # submitted on 03-20, after the report date
        self.assertEqual(a1.cells[4].text, "未达到序时进度")
        self.assertIn(f"整改进展：{LAND_NOTE}", self.row_of("land_open").cells[3].text)
        self.assertIn(NO_PROGRESS, self.row_of("a1dept").cells[3].text)
        self.assertEqual(self.row_of("a2").cells[4].text, "完成整改")
        self.assertEqual(self.row_of("land_done").cells[4].text, "完成交账销号")
        self.assertEqual(self.row_of("coll").cells[4].text, "长期坚持")

    def test_report_as_of_end_of_march_quotes_march(self):
        doc = Document(io.BytesIO(build_report(self.plan, AS_OF.replace(day=31), title=TITLE, issuer=ISSUER)))
        row = next(row for row in doc.tables[0].rows if row.cells[1].text.endswith("问题a1"))
        self.assertIn(MARCH_NOTE, row.cells[3].text)

    @pytest.mark.skipif(not LIBREOFFICE, reason="LibreOffice is not installed (nothing is downloaded)")
    def test_libreoffice_converts_it_to_pdf(self):
        text = pdf_text(self.data)
        if text is not None:
            self.assertIn(f"共有{self.stats.tasks.total}项整改任务", text)

    def test_overdue_tasks_are_named_in_january(self):
        january = date(2026, 1, 20)  # a2 was due 2025-06-30 and is only completed on 02-01
        doc = Document(io.BytesIO(build_report(self.plan, january, title=TITLE, issuer=ISSUER)))
        texts = [p.text for p in doc.paragraphs]
        self.assertIn("（一）逾期未完成的整改任务（1项）", texts)
        self.assertIn("（1）问题a2（整改时限：2025年6月30日前）", texts)
        summary = next(text for text in texts if text.startswith("截至"))
        self.assertIn("2026年1月20日前应完成的1项整改任务已完成0项，完成率0.0%；逾期未完成1项", summary)
