"""Seed 003 imported through the importer reproduces the counts it states, as of its own date.

003 says: "截至2019年3月 … 全区45项整改任务、179项具体措施 … 其中2018年12月底前应完成的28项整改任务基本完成
（25项全面完成、3项正在收尾），90项具体措施 …；应于2019年、2020年完成的14项整改任务、24项具体措施 …；需要立行
立改、长期坚持的3项整改任务、65项具体措施 …". Its attachment supports every task figure; for measures it
supports 87 / 24 / 68 by their own deadlines (three measures the summary counts as due by 2018 are marked
（长期坚持） in the attachment) — the engine counts what the attachment says.
"""

from __future__ import annotations

import io
import os
import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document

from zhenggai.importer.parse import parse_bytes
from zhenggai.imports.actions import import_document
from zhenggai.ledger.models import Problem
from zhenggai.stats.engine import statistics
from zhenggai.stats.phrasing import summary_paragraph
from zhenggai.testing import LIBREOFFICE, WorldTestCase, pdf_text

SEEDS = Path(__file__).resolve().parents[4].parent / "shared" / "seeds"
AS_OF = date(2019, 3, 31)


@pytest.mark.usefixtures("seeds_dir")
class Seed003TestCase(WorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        data = next(Path(os.environ.get("ZHENGGAI_SEEDS", SEEDS)).glob("003_*.txt")).read_bytes()
        cls.plan = import_document(
            parse_bytes(data),
            acting_user=cls.world.users["office_P"],
            source=data,
            jurisdiction=cls.world.units["P"],
            title="003",
        ).plan
        cls.stats = statistics(Problem.objects.filter(plan=cls.plan), AS_OF, due_by=date(2018, 12, 31))

    def labels(self, ids: list[int]) -> list[str]:
        by_pk = dict(Problem.objects.filter(pk__in=ids).values_list("pk", "number_text"))
        return [by_pk[pk] for pk in ids]

    def test_totals_and_deadline_groups(self):
        tasks, measures = self.stats.tasks, self.stats.measures
        self.assertEqual((tasks.total, measures.total), (45, 179))
        groups = ("due_by_as_of", "due_later", "no_date_immediate_or_long_term", "other")
        self.assertEqual([tasks.by_deadline[g] for g in groups], [28, 14, 3, 0])
        self.assertEqual([measures.by_deadline[g] for g in groups], [87, 24, 68, 0])

    def test_what_the_units_reported_per_deadline_group(self):
        cross = self.stats.tasks.by_deadline_claimed
        self.assertEqual(cross["due_by_as_of"], {"completed": 25, "basically_completed": 3})
        self.assertEqual(cross["due_later"], {"in_progress": 14})
        self.assertEqual(cross["no_date_immediate_or_long_term"], {"in_progress": 3})
        self.assertEqual(
            self.labels(self.stats.tasks.rows["claimed:basically_completed"]), ["三十四、", "三十六、", "四十、"]
        )

    def test_rates_carry_their_basis(self):
        everything, due = self.stats.completion["all_tasks"], self.stats.completion["due_by_as_of"]
        self.assertEqual((everything.numerator, everything.denominator, everything.basis), (25, 45, "all tasks"))
        self.assertEqual((due.numerator, due.denominator, due.basis), (25, 28, "tasks due by 2018-12-31"))
        self.assertEqual(set(due.numerator_ids), set(self.stats.tasks.rows["claimed:completed"]))
        self.assertEqual(self.labels(self.stats.overdue), ["三十四、", "三十六、", "四十、"])

    def test_the_summary_reads_like_the_document(self):
        text = summary_paragraph(self.stats, "全区")
        self.assertTrue(text.startswith("截至2019年3月31日，全区共有45项整改任务、179项具体措施。"), text)
        self.assertIn("2018年12月31日前应完成的28项整改任务基本完成（25项全面完成、3项正在收尾）", text)
        self.assertIn("应于2018年12月31日后完成的14项整改任务正在推进，24项具体措施正在推进", text)
        self.assertIn("需要立行立改、长期坚持的3项整改任务正在推进", text)
        self.assertIn("已完成整改任务25项，占整改任务总数的55.6%", text)

    def test_the_day_before_the_report_nothing_was_reported(self):
        before = statistics(Problem.objects.filter(plan=self.plan), date(2019, 3, 30))
        self.assertEqual(before.tasks.by_claimed["none"], 45)
        self.assertEqual(before.completion["all_tasks"].numerator, 0)

    def test_the_office_generates_the_report_as_of_the_documents_date(self):
        from zhenggai.reports.actions import generate_report

        report = generate_report(self.plan, acting_user=self.world.users["office_P"], as_of=AS_OF, title="整改情况")
        self.assertIn("28项整改任务基本完成（25项全面完成、3项正在收尾）", report.summary)
        self.assertEqual(report.version, 1)

    def test_the_generated_report_says_so_and_libreoffice_reads_it(self):
        """Done-when of issue 6: the .docx of 003 as of its date carries the stated counts, and opens."""
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "003.docx"
            call_command(
                "report", "--plan", str(self.plan.pk), "--as-of", "2019-03-31", "-o", str(out), stdout=io.StringIO()
            )
            text = "".join(p.text for p in Document(out).paragraphs)
            for phrase in ("45项整改任务、179项具体措施", "28项整改任务基本完成（25项全面完成、3项正在收尾）"):
                self.assertIn(phrase, text)
            if not LIBREOFFICE:
                self.skipTest("LibreOffice is not installed (nothing is downloaded)")
            text = pdf_text(out.read_bytes())
            if text is not None:
                self.assertIn("28项整改任务基本完成（25项全面完成、3项正在收尾）", text)
