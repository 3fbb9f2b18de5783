"""generate_report with an office's template: filled from compose(), stored as a new frozen version."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from zhenggai.reports.actions import generate_report, retire_template, upload_template
from zhenggai.reports.docx_report import compose
from zhenggai.reports.models import GeneratedReport, ReportTemplate
from zhenggai.reports.tests.world import (
    AS_OF,
    CATEGORY,
    FEBRUARY_NOTE,
    ReportWorldTestCase,
    at,
    docx_text,
    make_template,
)
from zhenggai.testing import LIBREOFFICE, pdf_text

TITLE = "甲市整改落实情况阶段性报告"
TODAY = date(2026, 3, 16)
TEMPLATE = make_template(
    "{{ summary }}",
    "{{ title }}（{{ issuer }}，截至{{ as_of }}）",
    "{%p for c in categories %}",
    "类别：{{ c.name }}，任务{{ c.tasks }}项",
    "{%p for p in c.problems %}",
    "问题：{{ p.title }}｜{{ p.status }}｜{% for m in p.measures %}{{ m.text }}：{{ m.progress }}{% endfor %}",
    "{%p endfor %}",
    "{%p endfor %}",
    "共{{ tasks_total }}项整改任务、{{ measures_total }}项措施，已完成{{ completed }}项（{{ completion_rate }}），"
    "逾期{{ overdue_count }}项，滞后{{ behind_count }}项，销号{{ stats.tasks.by_pace.signed_off }}项。",
    table=[
        ["序号", "问题"],
        ["{%tr for p in behind %}", ""],
        ["{{ loop.index }}", "{{ p.title }}"],
        ["{%tr endfor %}", ""],
    ],
)


class GenerateWithTemplateTests(ReportWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.template = cls.upload(TEMPLATE, name="甲市模板", jurisdiction=cls.world.units["A"])

    @classmethod
    def upload(cls, data: bytes, name: str = "模板", **scope) -> ReportTemplate:
        return upload_template(
            SimpleUploadedFile("t.docx", data), acting_user=cls.world.users["office_A"], name=name, **scope
        )

    def generate(self, template: ReportTemplate | None, plan=None, persona: str = "office_A") -> GeneratedReport:
        with at(TODAY):
            return generate_report(
                plan or self.plan, acting_user=self.world.users[persona], as_of=AS_OF, title=TITLE, template=template
            )

    def stored(self, report: GeneratedReport) -> bytes:
        with report.file.open("rb") as handle:
            return handle.read()

    def refused(self, template: ReportTemplate, code: str) -> str:
        """The message on ``template`` (English, of the error ``code``); no version was stored."""
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            self.generate(template)
        self.assertFalse(GeneratedReport.objects.exists())
        self.assertEqual([error.code for error in caught.exception.error_dict["template"]], [code])
        return " ".join(caught.exception.message_dict["template"])

    def test_the_template_is_filled_with_the_computed_summary_and_numbers(self):
        report = self.generate(self.template)
        data = self.stored(report)
        self.assertEqual((report.template, report.version), (self.template, 1))
        self.assertEqual(report.sha256, hashlib.sha256(data).hexdigest())
        self.assertEqual(report.size, len(data))
        content = compose(self.plan, AS_OF)
        self.assertEqual(report.summary, content.summary)
        text = docx_text(data)
        lines = text.splitlines()
        self.assertEqual(lines[0], content.summary)  # written in three runs in the template
        self.assertIn(f"{TITLE}（甲市，截至2026年3月15日）", lines)
        stats = content.stats
        done = stats.completion["all_tasks"].numerator
        self.assertIn(
            f"共{stats.tasks.total}项整改任务、{stats.measures.total}项措施，已完成{done}项"
            f"（{done * 100 / stats.tasks.total:.1f}%），逾期{len(stats.overdue)}项，滞后{len(stats.behind)}项，"
            f"销号{stats.tasks.by_pace['signed_off']}项。",
            lines,
        )
        self.assertIn(f"类别：{CATEGORY[2:]}，任务2项", lines)
        self.assertIn(f"问题：问题a1｜未达到序时进度｜措施一：{FEBRUARY_NOTE}", lines)
        self.assertEqual(sum(line.startswith("问题：") for line in lines), stats.tasks.total)
        self.assertNotIn("{{", text)
        self.assertNotIn("{%", text)
        self.assertIn("问题a1", [p.title for p in content.behind])
        self.assertIn("问题a1", text.split("序号")[1])  # a table row per problem behind pace

    def test_each_generation_is_a_new_version_and_the_built_in_layout_stays_available(self):
        first = self.generate(self.template)
        second = self.generate(None)
        third = self.generate(self.template)
        self.assertEqual([r.version for r in (first, second, third)], [1, 2, 3])
        self.assertEqual([r.template for r in (first, second, third)], [self.template, None, self.template])
        self.assertIn("一、总体进展情况", docx_text(self.stored(second)))
        self.assertEqual(first.sha256, third.sha256)  # the same data and template give the same bytes

    def test_a_template_that_fails_on_this_plans_data_stores_nothing(self):
        # Fine on the sample (which has an overdue problem), but nothing of plan A is overdue on 03-15.
        template = self.upload(make_template("{{ overdue[0].title }}"), plan=self.plan)
        self.assertEqual(compose(self.plan, AS_OF).stats.overdue, [])
        message = self.refused(template, "render")
        self.assertIn("could not be filled in", message)
        self.assertIn("no element 0", message)

    def test_a_loop_over_a_number_is_a_clear_message(self):
        # A row written before the upload check existed (or by hand): generation checks too.
        data = make_template("{% for x in tasks_total %}{{ x }}{% endfor %}")
        template = ReportTemplate(
            name="坏模板",
            plan=self.plan,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=self.world.users["office_A"],
        )
        template.file.save("bad.docx", ContentFile(data), save=False)
        template.save()
        self.assertIn("'int' object is not iterable", self.refused(template, "render"))

    def test_a_retired_a_foreign_or_a_changed_template_is_refused(self):
        other = self.upload(make_template("{{ title }}"), plan=self.plan)
        retire_template(other, acting_user=self.world.users["office_A"])
        self.assertIn("retired", self.refused(other, "retired"))

        with at(TODAY):
            foreign = upload_template(
                SimpleUploadedFile("b.docx", TEMPLATE),
                acting_user=self.world.users["office_B"],
                name="乙市模板",
                plan=self.world.plans["B"],
            )
        self.assertIn("does not belong", self.refused(foreign, "foreign"))

        changed = self.upload(make_template("{{ issuer }}"), plan=self.plan)
        with changed.file.storage.open(changed.file.name, "wb") as handle:
            handle.write(make_template("{{ plan_title }}"))
        self.assertIn("no longer matches", self.refused(changed, "changed"))

    def test_the_jurisdictions_template_serves_its_plans_only(self):
        self.assertEqual(list(ReportTemplate.objects.for_plan(self.plan)), [self.template])
        self.assertEqual(list(ReportTemplate.objects.for_plan(self.world.plans["B"])), [])

    @pytest.mark.skipif(not LIBREOFFICE, reason="LibreOffice is not installed (nothing is downloaded)")
    def test_libreoffice_converts_a_template_report_to_pdf(self):
        report = self.generate(self.template)
        text = pdf_text(self.stored(report))
        if text is not None:
            self.assertIn("".join(report.summary.split())[:40], text)
