"""statistics(problems, as_of): counts, rates with their basis, lists and per-unit numbers on the persona world.

The world is built on 2026-01-10 (so land_done is signed off that day and plan B starts then); plan A
starts on 2026-01-01; a2 (due 2025-06-30) is recorded completed on 2026-02-01 (late) and b1 (due
2026-12-31) on 2026-03-20.
"""

from __future__ import annotations

import json
from datetime import date

from django.test import TestCase

from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Category, Problem
from zhenggai.progress.models import PlanSchedule
from zhenggai.stats.engine import NO_CATEGORY, deadline_group, statistics
from zhenggai.testing import build_world
from zhenggai.testing import frozen_at as at

MID_MARCH = date(2026, 3, 15)
CATEGORY = "一、例行督察反馈问题"


def complete(problem: Problem, user, on: date) -> None:
    with at(on):
        problem.refresh_from_db()
        ledger.update_problem(
            problem, acting_user=user, expected_version=problem.version, changes={"status": ItemStatus.COMPLETED}
        )


class StatisticsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        with at(date(2026, 1, 10)):
            cls.world = build_world()
        w = cls.world
        cls.p = {key: problem.pk for key, problem in w.problems.items()}
        PlanSchedule.objects.create(plan=w.plans["A"], starts_on=date(2026, 1, 1))
        category = Category.objects.create(plan=w.plans["A"], title=CATEGORY)
        Problem.objects.filter(pk__in=[cls.p["a1"], cls.p["a2"]]).update(category=category)
        complete(w.problems["a2"], w.users["system"], date(2026, 2, 1))
        complete(w.problems["b1"], w.users["system"], date(2026, 3, 20))

    def stats(self, as_of: date = MID_MARCH):
        return statistics(Problem.objects.all(), as_of)

    def ids(self, *keys: str) -> list[int]:
        return [self.p[key] for key in keys]

    def unit(self, stats, name: str):
        return next(unit for unit in stats.units if unit.unit_name == name)

    def test_task_counts_by_pace_deadline_category_and_lead_unit(self):
        tasks = self.stats().tasks
        self.assertEqual(tasks.total, 7)
        self.assertEqual(
            {pace: n for pace, n in tasks.by_pace.items() if n},
            {"behind": 4, "completed": 1, "signed_off": 1, "long_term": 1},
        )
        self.assertEqual(sum(tasks.by_pace.values()), 7)
        self.assertEqual(
            tasks.by_deadline,
            {"due_by_as_of": 1, "due_later": 5, "no_date_immediate_or_long_term": 1, "other": 0},
        )
        self.assertEqual(tasks.by_category, {CATEGORY: 2, NO_CATEGORY: 5})
        self.assertEqual(
            tasks.by_lead_unit,
            {
                "甲一县": 1,
                "甲一县住建局": 1,
                "甲二县": 1,
                "各县区政府": 1,
                "甲市自然资源局": 1,  # land_open passed to the successor (机构改革)
                "甲市国土资源局": 1,  # land_done was closed, so it stays with the predecessor
                "乙一县": 1,
            },
        )

    def test_measure_counts(self):
        measures = self.stats().measures  # 措施一 of a1, due 2026-03-31, nothing reported
        self.assertEqual(measures.total, 1)
        self.assertEqual(measures.by_pace["behind"], 1)
        self.assertEqual(measures.by_deadline["due_later"], 1)
        self.assertEqual(measures.by_category, {CATEGORY: 1})
        self.assertEqual(measures.by_lead_unit, {"甲一县": 1})
        self.assertEqual(self.stats(date(2026, 4, 1)).measures.by_deadline["due_by_as_of"], 1)

    def test_deadline_groups(self):
        self.assertEqual(deadline_group(MID_MARCH, False, False, MID_MARCH), "due_by_as_of")
        self.assertEqual(deadline_group(date(2026, 3, 16), False, True, MID_MARCH), "due_later")
        self.assertEqual(deadline_group(None, True, False, MID_MARCH), "no_date_immediate_or_long_term")
        self.assertEqual(deadline_group(None, False, True, MID_MARCH), "no_date_immediate_or_long_term")
        self.assertEqual(deadline_group(None, False, False, MID_MARCH), "other")

    def test_completion_rates_carry_their_basis_and_rows(self):
        completion = self.stats().completion
        everything = completion["all_tasks"]
        self.assertEqual((everything.numerator, everything.denominator, everything.basis), (2, 7, "all tasks"))
        self.assertEqual(everything.as_of, MID_MARCH)
        self.assertEqual(everything.numerator_ids, self.ids("a2", "land_done"))
        self.assertEqual(
            everything.denominator_ids, self.ids("a1", "a1dept", "a2", "coll", "land_open", "land_done", "b1")
        )
        self.assertAlmostEqual(everything.value, 2 / 7)
        due = completion["due_by_as_of"]
        self.assertEqual((due.numerator, due.denominator, due.basis), (1, 1, "tasks due by the as-of date"))
        self.assertEqual((due.numerator_ids, due.denominator_ids), (self.ids("a2"), self.ids("a2")))

    def test_overdue_and_behind_lists_in_ledger_order(self):
        stats = self.stats()
        self.assertEqual(stats.overdue, [])  # a2 is late but closed
        self.assertEqual(stats.behind, self.ids("a1", "a1dept", "land_open", "b1"))
        january = self.stats(date(2026, 1, 20))
        self.assertEqual(january.overdue, self.ids("a2"))
        # b1: 11 of 356 days gone, within the 5-point tolerance: not started rather than behind.
        self.assertEqual(january.behind, self.ids("a1", "a1dept", "a2", "land_open"))

    def test_per_unit_on_time_rate_and_mean_days_to_close(self):
        stats = self.stats()
        a2_unit = self.unit(stats, "甲二县")  # completed 2026-02-01, due 2025-06-30; plan A starts 01-01
        self.assertEqual((a2_unit.tasks, a2_unit.closed), (1, 1))
        self.assertEqual((a2_unit.on_time.numerator, a2_unit.on_time.denominator), (0, 1))
        self.assertEqual(a2_unit.on_time.basis, "completed tasks with a due date")
        self.assertEqual(a2_unit.on_time.denominator_ids, self.ids("a2"))
        self.assertEqual(a2_unit.mean_days_to_close, 31.0)
        land = self.unit(stats, "甲市国土资源局")  # signed off 2026-01-10, due 2026-12-31
        self.assertEqual((land.on_time.numerator, land.on_time.denominator, land.on_time.value), (1, 1, 1.0))
        self.assertEqual(land.mean_days_to_close, 9.0)
        b1_unit = self.unit(stats, "乙一县")  # not yet completed on 03-15
        self.assertEqual((b1_unit.closed, b1_unit.on_time.denominator, b1_unit.on_time.value), (0, 0, None))
        self.assertIsNone(b1_unit.mean_days_to_close)
        self.assertEqual(len(stats.units), 7)

    def test_two_as_of_dates_give_different_numbers(self):
        march, end_of_march = self.stats(), self.stats(date(2026, 3, 31))
        self.assertEqual(march.completion["all_tasks"].numerator, 2)
        self.assertEqual(end_of_march.completion["all_tasks"].numerator_ids, self.ids("a2", "land_done", "b1"))
        b1_unit = self.unit(end_of_march, "乙一县")  # completed 03-20; plan B started 01-10
        self.assertEqual((b1_unit.on_time.numerator, b1_unit.on_time.denominator), (1, 1))
        self.assertEqual(b1_unit.mean_days_to_close, 69.0)
        self.assertEqual(end_of_march.tasks.by_pace["completed"], 2)
        # Before any closure: nothing completed, a2 overdue.
        january = self.stats(date(2026, 1, 9))
        self.assertEqual(january.completion["all_tasks"].numerator, 0)
        self.assertEqual(january.completion["due_by_as_of"].denominator_ids, self.ids("a2"))
        self.assertEqual(january.tasks.by_pace["signed_off"], 0)

    def test_aspects_and_merged_problems_are_not_tasks(self):
        system = self.world.users["system"]
        parent = self.world.problems["a1dept"]
        aspect = ledger.create_problem(
            self.world.plans["A"], acting_user=system, title="方面一", number_text="（一）", deadline="2026年6月30日前"
        )
        Problem.objects.filter(pk=aspect.pk).update(parent=parent)
        Problem.objects.filter(pk=self.p["land_open"]).update(merged_into=self.world.problems["a1"])
        stats = self.stats()
        self.assertEqual(stats.tasks.total, 6)
        self.assertNotIn(aspect.pk, stats.completion["all_tasks"].denominator_ids)
        self.assertNotIn(self.p["land_open"], stats.behind)

    def test_to_dict_is_json(self):
        data = json.loads(json.dumps(self.stats().to_dict()))
        self.assertEqual(data["as_of"], "2026-03-15")
        self.assertEqual(data["completion"]["all_tasks"]["basis"], "all tasks")
        self.assertEqual(data["completion"]["all_tasks"]["numerator_ids"], self.ids("a2", "land_done"))
        self.assertEqual(data["units"][0]["on_time"]["as_of"], "2026-03-15")

    def test_a_visible_subset_counts_only_its_rows(self):
        user = self.world.users["unit_A2"]
        stats = statistics(Problem.objects.visible_to(user), MID_MARCH)
        self.assertEqual(stats.completion["all_tasks"].denominator_ids, self.ids("a2", "coll"))

    def test_the_query_count_does_not_depend_on_the_number_of_problems(self):
        # ledger_state: problems, measures, schedules, plans, history of signed-off problems, extensions,
        # revisions, the latest report per item (no report, so no evidence query), the newest reported late
        # period per item; then problem rows, lead assignments,
        # the counties/cities/provinces on the lead units' paths (regions), first completions. The whole
        # world adds one ledger_state query: the history of a2, a problem without measures completed in
        # the ledger. The count depends on which kinds of rows exist, not on how many.
        with self.assertNumQueries(13):
            statistics(Problem.objects.filter(pk=self.p["land_done"]), MID_MARCH)
        with self.assertNumQueries(14):
            statistics(Problem.objects.all(), MID_MARCH)
        system = self.world.users["system"]
        for n in range(5):
            problem = ledger.create_problem(
                self.world.plans["B"], acting_user=system, title=f"新问题{n}", deadline="2026年9月30日前"
            )
            ledger.assign(problem, "lead", unit=self.world.units["B1"], acting_user=system)
            ledger.add_measure(problem, acting_user=system, text="措施", deadline="2026年6月30日前")
        with self.assertNumQueries(14):
            stats = statistics(Problem.objects.all(), MID_MARCH)
        self.assertEqual((stats.tasks.total, stats.measures.total), (12, 6))


class DimensionsTestCase(StatisticsTestCase):
    """Region, level, claimed status, completions by month and the due-by cutoff (the parent's tests are not
    re-run: ``StatisticsTestCase`` methods are skipped here by name)."""

    def test_regions_are_the_nearest_county_city_or_province_on_the_lead_units_path(self):
        tasks = self.stats().tasks
        # a1, a1dept (a department under 甲一县) → 甲一县; a2 → 甲二县; coll (各县区政府 under 甲市) and both
        # land problems (departments under 甲市) → 甲市; b1 → 乙一县.
        self.assertEqual(tasks.by_region, {"甲一县": 2, "甲二县": 1, "甲市": 3, "乙一县": 1})
        self.assertEqual(tasks.rows["region:甲一县"], self.ids("a1", "a1dept"))
        self.assertEqual(
            tasks.by_level, {"county": 3, "department": 3, "collective": 1}
        )  # land_open's lead is 甲市自然资源局 after the succession: still a department

    def test_claimed_status_without_reports_is_none_and_follows_a_whole_problem_report(self):
        from zhenggai.progress.actions import ReportInput, submit_report

        self.assertEqual(self.stats().tasks.by_claimed["none"], 7)
        with at(date(2026, 3, 10)):
            submit_report(
                self.world.problems["a1"],
                ReportInput(
                    date(2026, 2, 1), date(2026, 2, 28), "基本完成，正在收尾", claimed_status="basically_completed"
                ),
                acting_user=self.world.users["system"],
            )
        tasks = self.stats().tasks
        self.assertEqual((tasks.by_claimed["basically_completed"], tasks.by_claimed["none"]), (1, 6))
        self.assertEqual(tasks.rows["claimed:basically_completed"], self.ids("a1"))
        self.assertEqual(tasks.by_deadline_claimed["due_later"]["basically_completed"], 1)
        # The claim is dated: the day before it was made, nobody had said anything.
        self.assertEqual(self.stats(date(2026, 3, 9)).tasks.by_claimed["none"], 7)

    def test_a_task_split_into_aspects_takes_its_aspects_claims(self):
        from zhenggai.progress.actions import ReportInput, submit_report

        system, plan = self.world.users["system"], self.world.plans["A"]
        parent = ledger.create_problem(plan, acting_user=system, title="分两个方面", deadline="2026年12月31日前")
        for n, claim in ((1, "completed"), (2, "basically_completed")):
            aspect = ledger.create_problem(plan, acting_user=system, title=f"方面{n}", parent=parent, deadline="")
            measure = ledger.add_measure(aspect, acting_user=system, text=f"措施{n}", deadline="2026年2月28日前")
            with at(date(2026, 3, 10)):
                submit_report(
                    aspect,
                    ReportInput(date(2026, 2, 1), date(2026, 2, 28), "已完成", claimed_status=claim),
                    acting_user=system,
                    measure=measure,
                )
        tasks = self.stats().tasks
        self.assertIn(parent.pk, tasks.rows["claimed:basically_completed"])  # one completed, one finishing
        self.assertEqual(tasks.total, 8)  # the aspects are not tasks

    def test_completions_by_month_from_the_plan_start_to_the_as_of_date(self):
        series = self.stats().completions_by_month
        self.assertEqual(
            [(row["month"], row["completed"], row["cumulative"]) for row in series],
            [("2026-01", 1, 1), ("2026-02", 1, 2), ("2026-03", 0, 2)],
        )
        self.assertEqual(series[0]["problem_ids"], self.ids("land_done"))
        self.assertEqual(series[-1]["cumulative"], self.stats().completion["all_tasks"].numerator)

    def test_a_due_by_cutoff_other_than_the_as_of_date(self):
        stats = statistics(Problem.objects.all(), MID_MARCH, due_by=date(2025, 12, 31))
        self.assertEqual(stats.tasks.by_deadline["due_by_as_of"], 1)  # a2 only
        rate = stats.completion["due_by_as_of"]
        self.assertEqual((rate.numerator, rate.denominator, rate.basis), (1, 1, "tasks due by 2025-12-31"))
        self.assertEqual(stats.overdue, [])  # overdue is still judged on the as-of date
        self.assertEqual(json.loads(json.dumps(stats.to_dict()))["due_by"], "2025-12-31")


for _name in [name for name in vars(StatisticsTestCase) if name.startswith("test_")]:
    setattr(DimensionsTestCase, _name, None)
