"""The periodic report's section on complaint cases and accountability (reports.docx_report.compose)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from docx import Document

from zhenggai.cases import actions
from zhenggai.cases.models import Case
from zhenggai.cases.stats import case_statistics, summary_sentence
from zhenggai.cases.tests.world import CasesWorldTestCase
from zhenggai.reports.docx_report import compose, render


class ReportSectionTests(CasesWorldTestCase):
    def test_the_city_plan_counts_the_cases_located_in_the_city_with_each_rates_basis(self):
        office = self.world.users["office_P"]
        case = self.cases["a1"]
        actions.record_handling(
            case,
            acting_user=office,
            expected_version=case.version,
            changes={"findings": "true", "status": "closed", "ordered_to_correct": 2, "fine_amount": Decimal("3.5")},
        )
        content = compose(self.world.plans["A"], date.today())
        # a1, co, coll, land lie in 甲市; b1 (乙一县) does not.
        self.assertEqual(
            content.cases_text,
            "共受理交办信访件4件（重点件1件），已办结1件，办结率25.0%（计入阶段性办结为25.0%；属实件1件，"
            "其办结率为100.0%）；累计责令改正企业2家，处罚金额3.5万元。",
        )
        text = "".join(p.text for p in Document(io.BytesIO(render(content, title="报告", issuer="甲市"))).paragraphs)
        self.assertIn("三、信访件办理和责任追究情况", text)
        self.assertIn(content.cases_text, text)
        self.assertEqual(content.accountability_text, "")  # no transferred problem yet: no sentence

    def test_no_cases_no_sentence(self):
        self.assertEqual(summary_sentence(case_statistics(self.cases["a1"].__class__.objects.none())), "尚无交办信访件")

    def test_fine_amounts_are_written_as_plain_decimals(self):
        case = self.cases["a1"]
        for amount, written in (
            ("3200", "处罚金额3200万元"),
            ("3200.852", "处罚金额3200.852万元"),
            ("0.5", "处罚金额0.5万元"),
        ):
            with self.subTest(amount=amount):
                Case.objects.filter(pk=case.pk).update(fine_amount=Decimal(amount))
                sentence = summary_sentence(case_statistics(Case.objects.filter(pk=case.pk)))
                self.assertIn(written + "。", sentence)
