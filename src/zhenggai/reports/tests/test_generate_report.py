"""generate_report: numbered frozen versions in the private storage, and who may generate them."""

from __future__ import annotations

import hashlib
import io
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from zhenggai.reports.actions import generate_report
from zhenggai.reports.models import GeneratedReport
from zhenggai.reports.tests.world import AS_OF, BUILT_ON, ReportWorldTestCase, at

TITLE = "甲市整改落实情况阶段性报告"
TODAY = date(2026, 3, 16)


class GenerateReportTests(ReportWorldTestCase):
    def generate(self, persona: str = "office_A", as_of: date = AS_OF, title: str = TITLE) -> GeneratedReport:
        with at(TODAY):
            return generate_report(self.plan, acting_user=self.world.users[persona], as_of=as_of, title=title)

    def stored_bytes(self, report: GeneratedReport) -> bytes:
        with report.file.open("rb") as handle:
            return handle.read()

    def test_each_generation_is_a_new_version_and_both_files_stay(self):
        first = self.generate()
        second = self.generate()
        self.assertEqual((first.version, second.version), (1, 2))
        self.assertNotEqual(first.file.name, second.file.name)
        self.assertTrue(first.file.name.startswith(f"reports/plan-{self.plan.pk}/"))
        for report in (first, second):
            data = self.stored_bytes(report)
            self.assertEqual(report.sha256, hashlib.sha256(data).hexdigest())
            self.assertEqual(report.size, len(data))
            self.assertEqual(report.created_by, self.world.users["office_A"])
            self.assertEqual(report.as_of, AS_OF)
            self.assertEqual(report.issuer, "甲市")
            text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
            self.assertIn(report.summary, text)
        self.assertIn("共有6项整改任务、1项具体措施", first.summary)
        self.assertEqual(list(GeneratedReport.objects.filter(plan=self.plan).values_list("version", flat=True)), [2, 1])

    def test_versions_count_per_plan(self):
        self.generate()
        with at(TODAY):
            other = generate_report(
                self.world.plans["B"], acting_user=self.world.users["office_B"], as_of=AS_OF, title="乙市报告"
            )
        self.assertEqual(other.version, 1)

    def test_a_stored_report_cannot_be_changed_or_deleted(self):
        report = self.generate()
        report.title = "改过的标题"
        with self.assertRaises(ValueError):
            report.save()
        with self.assertRaises(ValueError):
            report.delete()
        report.refresh_from_db()
        self.assertEqual(report.title, TITLE)

    def test_a_date_before_the_plan_existed_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.generate(as_of=date(2026, 1, 9))  # plan A was recorded on 2026-01-10
        self.assertIn("as_of", caught.exception.message_dict)
        self.assertIn("2026年1月10日", caught.exception.message_dict["as_of"][0])
        self.assertEqual(self.generate(as_of=BUILT_ON).version, 1)  # the first day itself is fine
        self.assertEqual(GeneratedReport.objects.count(), 1)

    def test_a_future_date_and_an_empty_title_are_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.generate(as_of=date(2026, 3, 17), title=" ")
        self.assertEqual(set(caught.exception.message_dict), {"as_of", "title"})

    def test_only_the_plans_office_or_an_administrator_generates(self):
        for persona in ("unit_A1", "office_B", "reviewer_A", "supervisor_Aeco"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                self.generate(persona)
        self.assertFalse(GeneratedReport.objects.exists())
        self.assertEqual(self.generate("office_P").version, 1)  # the province's office is above city A
        self.assertEqual(self.generate("system").version, 2)
