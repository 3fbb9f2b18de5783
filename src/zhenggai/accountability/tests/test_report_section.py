"""The periodic report speaks of the accountability of the plan's jurisdiction only, by counts, never names."""

from __future__ import annotations

from datetime import date

from zhenggai.accountability.models import TransferredProblem
from zhenggai.accountability.stats import for_problems
from zhenggai.accountability.tests.world import HIDDEN_NAME, PUBLISHED_NAME, AccountabilityWorldTestCase
from zhenggai.reports.docx_report import compose


class ReportSectionTests(AccountabilityWorldTestCase):
    def test_a_city_plan_counts_its_citys_share(self):
        plan = self.world.plans["A"]  # 甲市: problem 1 is investigated in 甲市, 2 in 乙市, 3 by the province
        city = for_problems(TransferredProblem.objects.filter(handling_unit=self.world.units["A"]))
        everything = for_problems(TransferredProblem.objects.filter(inspection=self.inspection))
        self.assertLess(len(city.person_ids), len(everything.person_ids))
        text = compose(plan, date.today()).accountability_text
        self.assertEqual(text, city.sentence() + "。")
        self.assertNotIn(HIDDEN_NAME, text)
        self.assertNotIn(PUBLISHED_NAME, text)
