"""trends.compare (环比/同比 from the engine on three dates) and trends.series (snapshots at month ends,
missing points named)."""

from __future__ import annotations

from datetime import date

from django.test import SimpleTestCase

from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Problem
from zhenggai.stats.actions import take_snapshots
from zhenggai.stats.engine import statistics
from zhenggai.stats.models import DailySnapshot
from zhenggai.stats.tests.test_snapshots import SnapshotWorldTestCase
from zhenggai.stats.trends import compare, month_earlier, points, series, year_earlier


class EarlierDatesTestCase(SimpleTestCase):
    def test_the_same_day_clamped_to_the_month_end(self):
        cases = [
            (month_earlier, date(2026, 1, 31), date(2025, 12, 31)),  # across the year boundary
            (month_earlier, date(2026, 3, 31), date(2026, 2, 28)),
            (month_earlier, date(2024, 3, 30), date(2024, 2, 29)),
            (month_earlier, date(2026, 7, 15), date(2026, 6, 15)),
            (year_earlier, date(2024, 2, 29), date(2023, 2, 28)),  # leap day
            (year_earlier, date(2026, 1, 31), date(2025, 1, 31)),
        ]
        for function, day, expected in cases:
            with self.subTest(function=function.__name__, day=day):
                self.assertEqual(function(day), expected)

    def test_points_are_month_ends_then_the_last_day(self):
        self.assertEqual(
            points(date(2025, 11, 15), date(2026, 2, 10)),
            [date(2025, 11, 30), date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 10)],
        )
        self.assertEqual(points(date(2025, 11, 1), date(2025, 12, 31)), [date(2025, 11, 30), date(2025, 12, 31)])
        self.assertEqual(points(date(2024, 6, 1), date(2025, 12, 31), "year"), [date(2024, 12, 31), date(2025, 12, 31)])
        self.assertEqual(len(points(date(2026, 1, 30), date(2026, 2, 2), "day")), 4)
        with self.assertRaises(ValueError):
            points(date(2026, 1, 1), date(2026, 2, 1), "week")


class CompareTestCase(SnapshotWorldTestCase):
    """a1dept is completed on 2026-02-10; a2 is due 2025-06-30 (overdue from 07-01)."""

    def figures(self, comparison) -> dict:
        return {figure.key: figure for figure in comparison.figures}

    def test_each_date_is_the_engines_picture_of_that_date(self):
        problems = Problem.objects.filter(plan=self.plan_a)
        comparison = compare(problems, date(2026, 1, 31))
        self.assertEqual(
            comparison.dates,
            {"now": date(2026, 1, 31), "month": date(2025, 12, 31), "year": date(2025, 1, 31)},
        )
        for period, day in comparison.dates.items():
            with self.subTest(period=period):
                stats = statistics(problems, day)
                figures = self.figures(comparison)
                self.assertEqual(figures["tasks_closed"].values[period], stats.completion["all_tasks"].numerator)
                self.assertEqual(figures["overdue"].values[period], len(stats.overdue))
                self.assertEqual(figures["behind"].values[period], len(stats.behind))
                self.assertEqual(
                    figures["completion_due"].rates[period].denominator_ids,
                    stats.completion["due_by_as_of"].denominator_ids,
                )
        overdue = self.figures(comparison)["overdue"]
        # a2 became overdue between 2025-01-31 and 2025-12-31, and stayed so in January.
        self.assertEqual((overdue.values["year"], overdue.values["month"], overdue.values["now"]), (0, 1, 1))
        self.assertEqual((overdue.change("month"), overdue.change("year")), (0, 1))

    def test_a_completion_across_the_month_shows_in_the_month_change(self):
        problems = Problem.objects.filter(plan=self.plan_a)
        comparison = compare(problems, date(2026, 2, 28))
        self.assertEqual(comparison.dates["month"], date(2026, 1, 28))
        figures = self.figures(comparison)
        self.assertEqual(figures["tasks_closed"].change("month"), 1)  # a1dept, completed 02-10
        rate = figures["completion_all"]
        self.assertAlmostEqual(rate.change("month"), 1 / rate.rates["now"].denominator)
        self.assertEqual(rate.basis, "all tasks")
        self.assertEqual(rate.shows, ("rate:all_tasks:numerator", "rate:all_tasks:denominator"))

    def test_a_leap_day_compares_with_the_last_day_of_february(self):
        comparison = compare(Problem.objects.filter(plan=self.plan_a), date(2028, 2, 29))
        self.assertEqual((comparison.dates["month"], comparison.dates["year"]), (date(2028, 1, 29), date(2027, 2, 28)))
        self.assertEqual(comparison.stats["year"].as_of, date(2027, 2, 28))

    def test_a_rate_without_denominator_has_no_change(self):
        # No task of plan B is due by 2025-06-01: the due-by rate has no value, so no change either.
        figures = self.figures(compare(Problem.objects.filter(plan=self.world.plans["B"]), date(2025, 6, 1)))
        self.assertIsNone(figures["completion_due"].values["now"])
        self.assertIsNone(figures["completion_due"].change("year"))

    def test_the_current_statistics_are_reused_and_must_match_the_date(self):
        problems = Problem.objects.filter(plan=self.plan_a)
        current = statistics(problems, date(2026, 3, 15))
        self.assertIs(compare(problems, date(2026, 3, 15), current=current).stats["now"], current)
        with self.assertRaises(ValueError):
            compare(problems, date(2026, 3, 16), current=current)


class SeriesTestCase(SnapshotWorldTestCase):
    def take(self, *days, plans=None):
        for day in days:
            take_snapshots(day, plans=plans, acting_user=None)

    def test_month_end_points_sum_the_plans_in_one_query(self):
        self.take(date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 15))
        self.take(date(2026, 1, 15))  # not a point: never read
        plans = [self.plan_a.pk, self.world.plans["B"].pk]
        with self.assertNumQueries(1):
            result = series(plans, start=date(2025, 12, 1), end=date(2026, 2, 15))
        self.assertEqual([p.day for p in result.points], [date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 15)])
        self.assertEqual(result.missing, [])
        rows = DailySnapshot.objects.filter(day=date(2026, 2, 15), unit=None)
        last = result.points[-1].values
        self.assertEqual(last["tasks_total"], sum(r.tasks_total for r in rows))
        self.assertEqual(last["tasks_closed"], sum(r.tasks_closed for r in rows))
        self.assertEqual(last["completion"], last["tasks_closed"] / last["tasks_total"])
        self.assertEqual(result.points[1].values["tasks_closed"] + 1, last["tasks_closed"])  # a1dept on 02-10

    def test_missing_snapshots_are_reported_not_zeroed(self):
        self.take(date(2025, 12, 31), date(2026, 2, 28))
        self.take(date(2026, 1, 31), plans=[self.plan_a])  # plan B has no snapshot that day
        result = series([self.plan_a.pk, self.world.plans["B"].pk], start=date(2025, 11, 1), end=date(2026, 2, 28))
        by_day = {p.day: p for p in result.points}
        self.assertEqual(result.missing, [date(2025, 11, 30), date(2026, 1, 31)])
        self.assertIsNone(by_day[date(2026, 1, 31)].values)
        self.assertEqual(by_day[date(2026, 1, 31)].missing_plan_ids, [self.world.plans["B"].pk])
        self.assertEqual(
            by_day[date(2025, 11, 30)].missing_plan_ids, sorted([self.plan_a.pk, self.world.plans["B"].pk])
        )
        self.assertEqual(result.to_dict()["missing"], ["2025-11-30", "2026-01-31"])

    def test_a_units_series_has_true_zeros_and_no_closed_measures(self):
        self.take(date(2026, 1, 31), date(2026, 2, 28))
        a1dept = self.world.units["A1dept"]
        # The unit's task lives in plan A; in plan B it holds none: a zero there, not a missing point.
        result = series(
            [self.plan_a.pk, self.world.plans["B"].pk], a1dept.pk, start=date(2026, 1, 1), end=date(2026, 2, 28)
        )
        self.assertEqual(result.missing, [])
        self.assertEqual(result.unit_name, a1dept.name)
        closed = [p.values["tasks_closed"] for p in result.points]
        self.assertEqual(closed, [0, 1])
        self.assertEqual([p.values["tasks_total"] for p in result.points], [1, 1])
        self.assertEqual(result.points[0].values["measures_closed"], 0)  # a1dept has no measures
        only_b = series([self.world.plans["B"].pk], a1dept.pk, start=date(2026, 1, 1), end=date(2026, 1, 31))
        self.assertEqual(only_b.points[0].values["tasks_total"], 0)

    def test_a_later_change_does_not_rewrite_a_snapshot(self):
        self.take(date(2026, 2, 28))
        before = series([self.plan_a.pk], start=date(2026, 2, 1), end=date(2026, 2, 28)).points[0].values
        a1 = Problem.objects.get(pk=self.world.problems["a1"].pk)
        ledger.update_problem(
            a1,
            acting_user=self.world.users["system"],
            expected_version=a1.version,
            changes={"status": ItemStatus.COMPLETED},
        )
        after = series([self.plan_a.pk], start=date(2026, 2, 1), end=date(2026, 2, 28)).points[0].values
        self.assertEqual(before, after)
