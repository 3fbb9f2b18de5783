"""A progress report imported: its 整改进度 and 整改进展 become progress reports dated as the report states."""

from __future__ import annotations

import copy
import os
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from zhenggai.importer.parse import parse_bytes
from zhenggai.imports.actions import import_document
from zhenggai.imports.models import ImportRecord
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.models import Problem
from zhenggai.progress.models import ProgressReport
from zhenggai.progress.status import ledger_state
from zhenggai.testing import WorldTestCase

SEEDS = Path(__file__).resolve().parents[4].parent / "shared" / "seeds"

SMALL_REPORT = """某市整改情况的报告

截至2019年3月，2项整改任务、3项具体措施按序推进。

附：整改情况

一、甲问题。

整改时限：2018年12月31日前完成。

整改进度：全面完成。

1.措施一（2018年6月30日）。

整改进展：已办结。

2.措施二（长期坚持）。

整改进展：持续开展。

二、乙问题。

整改时限：2020年12月31日前完成。

整改进度：序时推进。

1.措施三（2020年12月31日）。

整改进展：完成一半。
"""


@pytest.mark.usefixtures("seeds_dir")
class ReportProgressTestCase(WorldTestCase):
    def small_plan(self):
        """The plan the small report speaks of: two problems with two and one measures."""
        user, plan = self.world.users["system"], self.world.plans["A"]
        for number, deadline, measures in ((1, "2018年12月31日前完成", 2), (2, "2020年12月31日前完成", 1)):
            problem = ledger.create_problem(
                plan, acting_user=user, title=f"问题{number}", deadline=deadline, number=number
            )
            for index in range(measures):
                ledger.add_measure(problem, acting_user=user, text=f"措施{index + 1}", deadline="长期坚持")
        return plan

    def run_import(self, text: str, **kwargs):
        data = text.encode()
        return import_document(
            parse_bytes(data), acting_user=self.world.users["office_A"], source=data, title="测试", **kwargs
        )

    def test_seed_003_records_a_report_per_task_and_measure_on_its_date(self):
        data = Path(os.environ.get("ZHENGGAI_SEEDS", SEEDS)).glob("003_*.txt").__next__().read_bytes()
        result = import_document(
            parse_bytes(data),
            acting_user=self.world.users["office_A"],
            source=data,
            jurisdiction=self.world.units["A"],
            title="003",
        )
        self.assertEqual((result.problems, result.measures, result.reports), (45, 179, 45 + 179))
        reports = ProgressReport.objects.filter(problem__plan=result.plan)
        self.assertEqual(reports.filter(measure__isnull=True).count(), 45)
        self.assertEqual({str(day) for day in reports.values_list("period_end", flat=True).distinct()}, {"2019-03-31"})
        claims = sorted(reports.filter(measure__isnull=True).values_list("claimed_status", flat=True))
        self.assertEqual(
            (claims.count("completed"), claims.count("basically_completed"), claims.count("in_progress")), (25, 3, 17)
        )
        self.assertEqual(result.plan.inspection.feedback_date, date(2018, 1, 3))
        # The day before the report the ledger had no report; on its date it has them all.
        problems = Problem.objects.filter(plan=result.plan)
        before = ledger_state(problems, date(2019, 3, 30))
        on = ledger_state(problems, date(2019, 3, 31))
        self.assertFalse(any(state.claimed for state in before.values()))
        self.assertEqual(sum(1 for state in on.values() if state.claimed == "completed"), 25)

    def test_into_the_plan_it_reports_on_problems_are_matched_not_duplicated(self):
        plan = self.small_plan()
        problems_before = Problem.objects.filter(plan=plan).count()
        self.assertFalse(ProgressReport.objects.filter(problem__plan=plan).exists())
        result = self.run_import(SMALL_REPORT, plan=plan)
        self.assertEqual((result.problems, result.reports), (0, 5))
        self.assertEqual(Problem.objects.filter(plan=plan).count(), problems_before)
        first = Problem.objects.get(plan=plan, number=1)
        latest = ProgressReport.objects.filter(problem=first, measure__isnull=False).order_by("measure__position")
        self.assertEqual([r.narrative for r in latest], ["已办结。", "持续开展。"])
        self.assertEqual(ProgressReport.objects.get(problem=first, measure=None).claimed_status, "completed")
        self.assertEqual(ImportRecord.objects.filter(plan=plan, kind="report").count(), 1)

    def test_a_report_that_does_not_fit_the_plan_is_refused_whole(self):
        plan = self.small_plan()
        extra = SMALL_REPORT + "\n三、丙问题。\n\n整改时限：2019年底前。\n\n整改进度：全面完成。\n"
        with self.assertRaises(ValidationError) as caught:
            self.run_import(extra, plan=plan)
        self.assertIn("三、", " ".join(caught.exception.messages))
        self.assertFalse(ProgressReport.objects.filter(problem__plan=plan).exists())
        self.assertFalse(ImportRecord.objects.filter(plan=plan).exists())

    def test_a_number_named_twice_or_held_twice_is_refused(self):
        plan = self.small_plan()
        # The parser never repeats a number; a parse corrected by hand on the review page can.
        parsed = parse_bytes(SMALL_REPORT.encode())
        parsed.problems.append(copy.deepcopy(parsed.problems[0]))
        with translation.override("en"), self.assertRaisesMessage(ValidationError, "names problem 1 twice"):
            import_document(parsed, acting_user=self.world.users["office_A"], source=b"edited", plan=plan)
        ledger.create_problem(plan, acting_user=self.world.users["system"], title="重号", number=2, deadline="")
        with translation.override("en"), self.assertRaisesMessage(ValidationError, "two problems numbered 2"):
            self.run_import(SMALL_REPORT, plan=plan)
        self.assertFalse(ProgressReport.objects.filter(problem__plan=plan).exists())

    def test_an_as_of_given_by_the_importer_wins(self):
        plan = self.small_plan()
        self.run_import(SMALL_REPORT, plan=plan, as_of=date(2019, 2, 15))
        periods = set(ProgressReport.objects.filter(problem__plan=plan).values_list("period_start", "period_end"))
        self.assertEqual(periods, {(date(2019, 2, 1), date(2019, 2, 15))})
