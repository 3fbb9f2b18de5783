"""The statistics page from the plans' stored statistics (``stats.stored``): the same page as computed live
for whoever sees whole plans, live for anything else, kept current by a change, pruned, and of a fixed
query count."""

from __future__ import annotations

import json
from datetime import date, timedelta

import time_machine
from django.urls import reverse

from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Plan, Problem
from zhenggai.progress import signals
from zhenggai.stats.actions import KEEP_DAYS, prune_plan_statistics, refresh_plan_statistics, store_plan_statistics
from zhenggai.stats.combine import without_ids
from zhenggai.stats.engine import statistics
from zhenggai.stats.models import PlanStatistics
from zhenggai.stats.tasks import take_daily_snapshots
from zhenggai.testing import WorldTestCase, frozen_at

URL = reverse("stats:statistics")
TODAY = date(2026, 3, 15)


def row_measures(row: PlanStatistics) -> int:
    return json.loads(row.counts)["measures"]["total"]


def page_numbers(response) -> str:
    """Everything the page prints from the statistics, as text (order included); the ids behind the
    numbers too when a number's rows were asked for (``?show=``), the only time the page reads them."""
    context = response.context
    stats = context["stats"].to_dict()
    numbers = {
        "stats": stats if context["show"] else without_ids(stats),
        "tables": context["tables"],
        "rates": [(str(label), rate.numerator, rate.denominator) for label, rate, _n, _d in context["rates"]],
        "shown": [problem.pk for problem in context["shown"]],
    }
    return json.dumps(numbers, ensure_ascii=False, default=str)


class StoredStatisticsTestCase(WorldTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.clock = frozen_at(TODAY)
        self.clock.start()
        self.addCleanup(self.clock.stop)

    def get(self, persona: str, **params):
        self.login(persona)
        return self.client.get(URL, params)

    def keep_today(self) -> None:
        for plan_id in Plan.objects.values_list("pk", flat=True):
            refresh_plan_statistics(plan_id, TODAY)

    def test_whole_plans_are_served_stored_and_say_the_same_as_computed(self):
        cases = [("system", {}), ("office_P", {}), ("office_A", {}), ("office_A", {"plan": self.world.plans["A"].pk})]
        cases += [
            ("system", {"show": "tasks:pace:behind"}),
            ("system", {"as_of": TODAY.isoformat(), "show": "overdue"}),
        ]
        live = [page_numbers(self.get(persona, **params)) for persona, params in cases]
        self.keep_today()
        for (persona, params), computed in zip(cases, live, strict=True):
            with self.subTest(persona=persona, params=params):
                response = self.get(persona, **params)
                self.assertContains(response, 'data-testid="stats-source" data-source="stored"')
                self.assertEqual(page_numbers(response), computed)
        self.assertEqual(json.loads(live[0])["stats"]["tasks"]["total"], 7)  # plans A and B: not empty

    def test_part_of_a_plan_or_a_day_without_rows_is_computed(self):
        self.keep_today()
        for persona, params in (
            ("unit_A1", {}),  # sees a1 and coll of plan A, not the whole plan
            ("office_A", {"unit": self.world.units["A1"].pk}),  # a county: part of plan A
            ("system", {"as_of": "2026-03-14"}),
        ):
            with self.subTest(persona=persona, params=params):
                self.assertContains(self.get(persona, **params), 'data-source="computed"')

    def test_a_unit_whose_problems_are_whole_plans_is_served_stored(self):
        computed = page_numbers(self.get("office_P", unit=self.world.units["B"].pk))  # 乙市: plan B, whole
        self.keep_today()
        stored = self.get("office_P", unit=self.world.units["B"].pk)
        self.assertContains(stored, 'data-source="stored"')
        self.assertEqual(page_numbers(stored), computed)

    def test_a_change_recomputes_its_plan_for_today(self):
        self.keep_today()
        before = PlanStatistics.objects.get(day=TODAY, plan=self.world.plans["A"])
        problem = self.world.problems["a2"]
        signals._state.ids = None  # what set-up left pending never commits
        with time_machine.travel(timedelta(minutes=5)), self.captureOnCommitCallbacks(execute=True):
            ledger.update_problem(
                problem,
                acting_user=self.world.users["system"],
                expected_version=problem.version,
                changes={"status": ItemStatus.COMPLETED},
            )
        after = PlanStatistics.objects.get(day=TODAY, plan=self.world.plans["A"])
        self.assertGreater(after.taken_at, before.taken_at)
        self.assertEqual(PlanStatistics.objects.get(day=TODAY, plan=self.world.plans["B"]).taken_at, before.taken_at)
        stored = self.get("system", show="rate:all_tasks:numerator")
        self.assertContains(stored, 'data-source="stored"')
        self.assertIn(problem.pk, [shown.pk for shown in stored.context["shown"]])
        PlanStatistics.objects.all().delete()
        self.assertEqual(page_numbers(stored), page_numbers(self.get("system", show="rate:all_tasks:numerator")))

    def test_a_new_problem_or_measure_recomputes_its_plan(self):
        self.keep_today()
        signals._state.ids = None
        plan = self.world.plans["B"]
        with time_machine.travel(timedelta(minutes=5)), self.captureOnCommitCallbacks(execute=True):
            problem = ledger.create_problem(plan, acting_user=self.world.users["system"], title="新增问题")
        row = PlanStatistics.objects.get(day=TODAY, plan=plan)
        self.assertEqual(row.problem_count, 2)
        self.assertContains(self.get("office_B"), 'data-source="stored"')
        with time_machine.travel(timedelta(minutes=10)), self.captureOnCommitCallbacks(execute=True):
            ledger.add_measure(problem, acting_user=self.world.users["system"], text="新增措施")
        self.assertEqual(self.get("office_B").context["stats"].measures.total, 1 + row_measures(row))

    def test_a_row_counting_other_problems_than_the_plan_has_is_not_served(self):
        self.keep_today()
        PlanStatistics.objects.filter(plan=self.world.plans["B"]).update(problem_count=2)  # a missed refresh
        self.assertContains(self.get("office_B"), 'data-source="computed"')
        self.assertContains(self.get("office_A", plan=self.world.plans["A"].pk), 'data-source="stored"')

    def test_an_older_computation_does_not_replace_a_newer_row(self):
        self.keep_today()
        plan = self.world.plans["A"]
        newer = PlanStatistics.objects.get(day=TODAY, plan=plan)
        stats = statistics(Problem.objects.filter(plan=plan), TODAY)
        store_plan_statistics(plan.pk, TODAY, stats, newer.taken_at - timedelta(seconds=1))
        self.assertEqual(PlanStatistics.objects.get(day=TODAY, plan=plan).pk, newer.pk)

    def test_a_change_already_seen_is_not_computed_again(self):
        self.keep_today()
        taken = PlanStatistics.objects.get(day=TODAY, plan=self.world.plans["A"]).taken_at
        self.assertFalse(refresh_plan_statistics(self.world.plans["A"].pk, TODAY, since=taken))
        self.assertTrue(refresh_plan_statistics(self.world.plans["A"].pk, TODAY, since=taken + timedelta(seconds=1)))

    def test_the_daily_job_keeps_yesterday_and_today_for_every_plan(self):
        take_daily_snapshots.call(None, "command")
        days = set(PlanStatistics.objects.values_list("day", "plan_id"))
        plans = set(Plan.objects.values_list("pk", flat=True))
        self.assertEqual(days, {(day, plan) for day in (TODAY - timedelta(days=1), TODAY) for plan in plans})

    def test_old_days_are_pruned_but_month_ends(self):
        plan = self.world.plans["B"]
        days = [TODAY - timedelta(days=n) for n in (0, KEEP_DAYS, KEEP_DAYS + 1, KEEP_DAYS + 2)]
        days.append(date(2025, 12, 31))
        for day in days:
            PlanStatistics.objects.create(
                day=day, plan=plan, data="{}", taken_at=self.world.users["system"].date_joined
            )
        self.assertEqual(prune_plan_statistics(TODAY), 2)
        kept = set(PlanStatistics.objects.values_list("day", flat=True))
        self.assertEqual(kept, {TODAY, TODAY - timedelta(days=KEEP_DAYS), date(2025, 12, 31)})

    def test_query_count_does_not_grow_with_plans(self):
        self.keep_today()
        self.get("system")  # warm the session
        # session, user, the plans seen by problem count, their sizes, their stored statistics of the day
        # (without ids),
        # the form's plan choices, the form's unit choices
        with self.assertNumQueries(7):
            self.assertContains(self.client.get(URL), 'data-source="stored"')
        system = self.world.users["system"]
        for n in range(3):
            plan = ledger.create_plan(
                acting_user=system,
                inspection=self.world.plans["A"].inspection,
                title=f"追加方案{n}",
                jurisdiction=self.world.units["B"],
                level=self.world.plans["B"].level,
            )
            ledger.create_problem(plan, acting_user=system, title="追加问题", deadline="2026年6月30日前")
        self.keep_today()
        with self.assertNumQueries(7):
            self.assertContains(self.client.get(URL), 'data-source="stored"')
