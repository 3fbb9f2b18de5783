"""``zhenggai report`` and ``zhenggai stats`` on plan A of the report world (frozen clock: 2026-03-20)."""

from __future__ import annotations

import io
import json
import tempfile
from datetime import date
from pathlib import Path

from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from zhenggai.ledger.models import Measure, Problem
from zhenggai.reports.docx_report import compose
from zhenggai.reports.models import GeneratedReport
from zhenggai.reports.tests.world import AS_OF, ReportWorldTestCase
from zhenggai.stats.engine import statistics
from zhenggai.testing import frozen_at


class CommandTests(ReportWorldTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.clock = frozen_at(date(2026, 3, 20))
        self.clock.__enter__()
        self.addCleanup(self.clock.__exit__, None, None, None)

    def run_command(self, name: str, *args: str) -> str:
        out = io.StringIO()
        call_command(name, "--plan", str(self.plan.pk), *args, stdout=out)
        return out.getvalue()

    def test_stats_json_carries_totals_and_the_basis_of_every_count(self):
        data = json.loads(self.run_command("stats", "--as-of", AS_OF.isoformat()))
        stats = statistics(Problem.objects.filter(plan=self.plan), AS_OF)
        self.assertEqual((data["problems"]["total"], data["measures"]["total"]), (stats.tasks.total, 1))
        for part in ("by_status", "by_deadline", "by_claimed"):
            self.assertIn("basis", data["problems"][part])
            self.assertEqual(sum(data["problems"][part]["counts"].values()), stats.tasks.total)
        self.assertEqual(data["problems"]["by_status"]["counts"], stats.tasks.by_pace)
        self.assertEqual(data["completion"]["all_tasks"]["basis"], "all tasks")
        self.assertEqual(data["summary"], compose(self.plan, AS_OF).summary.replace("《甲市整改方案》", ""))

    def test_stats_text_is_the_summary_and_bad_dates_are_refused(self):
        self.assertTrue(
            self.run_command("stats", "--as-of", "2026-03-15", "--format", "text").startswith("截至2026年3月15日")
        )
        for as_of, message in (("2025-01-01", "before the plan existed"), ("2026-04-01", "in the future")):
            with self.assertRaisesMessage(CommandError, message):
                self.run_command("stats", "--as-of", as_of)
        with self.assertRaisesMessage(CommandError, "YYYY-MM-DD"):
            self.run_command("stats", "--as-of", "15.3.2026")
        with self.assertRaisesMessage(CommandError, "no plan"):
            call_command("stats", "--plan", "999999", stdout=io.StringIO())

    def test_stats_for_a_unit_and_the_units_under_it(self):
        out = io.StringIO()
        call_command("stats", "--unit", "甲一县", "--as-of", AS_OF.isoformat(), stdout=out)
        data = json.loads(out.getvalue())
        county = {self.world.problems[key].pk for key in ("a1", "a1dept", "coll")}  # coll: 各县区政府
        self.assertEqual(set(data["completion"]["all_tasks"]["denominator_ids"]), county)
        with self.assertRaisesMessage(CommandError, "--plan ID, --unit UNIT"):
            call_command("stats", stdout=io.StringIO())
        with self.assertRaisesMessage(CommandError, "no unit"):
            call_command("stats", "--unit", "不存在的单位", stdout=io.StringIO())

    def test_report_docx_holds_the_computed_summary_and_stores_nothing(self):
        out = self.tmp / "report.docx"
        self.run_command("report", "--as-of", AS_OF.isoformat(), "--format", "docx", "-o", str(out))
        text = "\n".join(p.text for p in Document(out).paragraphs)
        self.assertIn(compose(self.plan, AS_OF).summary, text)
        self.assertFalse(GeneratedReport.objects.exists())

    def test_report_save_makes_a_version_as_the_office(self):
        out = self.tmp / "saved.docx"
        with self.assertRaisesMessage(CommandError, "--user"):
            self.run_command("report", "--as-of", "2026-03-15", "-o", str(out), "--save")
        with self.assertRaisesMessage(CommandError, ""):
            self.run_command("report", "--as-of", "2026-03-15", "-o", str(out), "--save", "--user", "unit_a1")
        printed = self.run_command("report", "--as-of", "2026-03-15", "-o", str(out), "--save", "--user", "office_a")
        report = GeneratedReport.objects.get()
        self.assertIn(f"version=1 sha256={report.sha256}", printed)
        with report.file.open("rb") as stored:
            self.assertEqual(stored.read(), out.read_bytes())

    def test_report_xlsx_and_json(self):
        xlsx = self.tmp / "ledger.xlsx"
        printed = self.run_command("report", "--as-of", "2026-03-15", "--format", "xlsx", "-o", str(xlsx))
        sheet = load_workbook(xlsx, read_only=True).worksheets[0]
        self.assertTrue(any("措施一" in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row))
        self.assertIn("rows=", printed)
        data = json.loads(self.run_command("report", "--as-of", "2026-03-15", "--format", "json", "-o", "-"))
        measures = [m for c in data["categories"] for p in c["problems"] for m in p["measures"]]
        self.assertEqual(len(measures), Measure.objects.filter(problem__plan=self.plan).count())
        self.assertEqual(data["summary"], compose(self.plan, AS_OF).summary)

    def test_a_date_before_the_plan_writes_no_file(self):
        out = self.tmp / "never.docx"
        with self.assertRaisesMessage(CommandError, "nothing was written"):
            self.run_command("report", "--as-of", "2024-12-31", "-o", str(out))
        self.assertFalse(out.exists())
