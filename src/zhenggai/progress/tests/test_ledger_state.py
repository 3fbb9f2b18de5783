"""ledger_state: pace and warnings are a function of (ledger, as-of date)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.test import TestCase

from zhenggai.ledger import actions as ledger
from zhenggai.ledger.models import Problem
from zhenggai.progress import actions
from zhenggai.progress.actions import IndicatorInput, ReportInput
from zhenggai.progress.models import PlanSchedule
from zhenggai.progress.status import ledger_state
from zhenggai.testing import build_world
from zhenggai.testing import frozen_at as at


def kinds(item) -> list[tuple[str, str]]:
    return [(str(kind), str(grade)) for kind, grade, _reason in item.warnings]


class LedgerStateTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        w = cls.world
        PlanSchedule.objects.create(plan=w.plans["A"], starts_on=date(2026, 1, 1))
        cls.a1 = w.problems["a1"]
        cls.m1 = cls.a1.measures.get()  # 措施一, due 2026-03-31
        cls.m2 = ledger.add_measure(cls.a1, acting_user=w.users["system"], text="措施二", deadline="2026年12月31日前")
        with at(date(2026, 3, 2)):
            cls.feb = actions.submit_report(
                cls.a1,
                ReportInput(date(2026, 2, 1), date(2026, 2, 28), "完成方案编制", percent=Decimal(10)),
                acting_user=w.users["unit_A1"],
                measure=cls.m2,
            )

    def state(self, as_of: date, problem_key: str = "a1"):
        problem = self.world.problems[problem_key]
        return ledger_state(Problem.objects.filter(pk=problem.pk), as_of)[problem.pk]

    def items(self, as_of: date) -> dict:
        return {item.measure_id: item for item in self.state(as_of).items}

    def test_mid_march_both_measures_are_behind_and_the_unreported_one_has_missed_two_periods(self):
        items = self.items(date(2026, 3, 15))
        m1, m2 = items[self.m1.pk], items[self.m2.pk]
        self.assertEqual((m1.pace, m2.pace), ("behind", "behind"))
        # m2: 74 of 365 days gone (20.3 %), 10 % reported → 10.3 points behind: yellow.
        self.assertEqual(kinds(m2), [("behind", "yellow")])
        # m1: due 03-31 (16 days: not yet "due soon"), 82 % of its time gone, nothing reported: red;
        # January and February closed without a report: two missed periods, red.
        self.assertEqual(kinds(m1), [("behind", "red"), ("no_report", "red")])
        self.assertEqual(self.state(date(2026, 3, 15)).pace, "behind")

    def test_after_the_deadline_the_measure_is_overdue_instead_of_behind(self):
        items = self.items(date(2026, 4, 10))
        self.assertEqual(kinds(items[self.m1.pk])[0], ("overdue", "yellow"))  # 10 days late
        self.assertEqual(items[self.m1.pk].warnings[0][2], "逾期10天")

    def test_before_the_start_nothing_is_expected(self):
        items = self.items(date(2025, 12, 20))
        self.assertEqual({item.pace for item in items.values()}, {"not_started"})
        self.assertEqual([kinds(item) for item in items.values()], [[], []])

    def test_a_later_correction_does_not_rewrite_the_past(self):
        with at(date(2026, 4, 1)):
            actions.correct_report(
                self.feb,
                ReportInput(date(2026, 2, 1), date(2026, 2, 28), "完成方案编制并开工", percent=Decimal(30)),
                acting_user=self.world.users["unit_A1"],
                reason="漏报了开工情况",
            )
        self.assertEqual(self.items(date(2026, 3, 15))[self.m2.pk].facts.percent, 10.0)
        self.assertEqual(self.items(date(2026, 4, 10))[self.m2.pk].facts.percent, 30.0)

    def test_an_extension_counts_from_its_approval_on(self):
        with at(date(2026, 4, 2)):
            extension = actions.request_extension(
                self.a1,
                acting_user=self.world.users["unit_A1"],
                requested_raw="2026年6月30日前",
                reasons="设备到货推迟",
                measure=self.m1,
            )
        with at(date(2026, 4, 5)):
            actions.decide_extension(extension, acting_user=self.world.users["office_A"], approve=True)
        self.m1.refresh_from_db()
        self.assertEqual(self.m1.due_date, date(2026, 6, 30))
        self.assertEqual(self.items(date(2026, 4, 3))[self.m1.pk].facts.due, date(2026, 3, 31))  # before approval
        after = self.items(date(2026, 4, 10))[self.m1.pk]
        self.assertEqual(after.facts.due, date(2026, 6, 30))
        self.assertNotIn("overdue", [kind for kind, _g in kinds(after)])

    def test_a_completion_claim_without_evidence_is_flagged(self):
        with at(date(2026, 3, 20)):
            actions.submit_report(
                self.a1,
                ReportInput(
                    date(2026, 3, 1), date(2026, 3, 31), "全部完成", percent=Decimal(100), claimed_status="completed"
                ),
                acting_user=self.world.users["unit_A1"],
                measure=self.m1,
            )
        m1 = self.items(date(2026, 3, 21))[self.m1.pk]
        self.assertEqual((m1.pace, kinds(m1)), ("completed", [("evidence_missing", "yellow")]))

    def test_signed_off_and_long_term_items(self):
        from django.utils import timezone

        today = timezone.localdate()  # the world recorded the sign-off today
        self.assertEqual(self.state(today, "land_done").pace, "signed_off")
        self.assertEqual([kinds(i) for i in self.state(today, "land_done").items], [[]])
        self.assertNotEqual(self.state(date(2026, 3, 15), "land_done").pace, "signed_off")  # not yet then
        coll = self.state(date(2026, 3, 15), "coll")  # 立行立改，长期坚持: no date
        self.assertEqual(coll.pace, "long_term")
        self.assertNotIn("overdue", [k for item in coll.items for k, _g in kinds(item)])

    def test_the_query_count_does_not_depend_on_the_number_of_problems(self):
        one = Problem.objects.filter(pk=self.a1.pk)
        every = Problem.objects.all()
        # problems, measures, schedules, plans, extensions, revisions, the latest report per item, evidence,
        # the newest reported late period per item (one query per reporting rule in use: here one)
        with self.assertNumQueries(9):
            ledger_state(one, date(2026, 3, 15))
        with self.assertNumQueries(10):
            ledger_state(every, date(2026, 3, 15))  # + the history of the one signed-off problem


class IndicatorValidationTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def test_an_indicator_needs_a_unit_and_percent_stays_within_bounds(self):
        from django.core.exceptions import ValidationError

        problem = self.world.problems["a1"]
        data = ReportInput(
            date(2026, 2, 1),
            date(2026, 2, 28),
            "进展",
            percent=Decimal(120),
            indicators=[IndicatorInput("改造站点", "", Decimal(160), Decimal(172))],
        )
        with at(date(2026, 3, 2)), self.assertRaises(ValidationError) as caught:
            actions.submit_report(problem, data, acting_user=self.world.users["unit_A1"])
        self.assertEqual(set(caught.exception.message_dict), {"percent", "indicators"})


class ReportsOutliveNothingTestCase(TestCase):
    """A measure with progress reports cannot be deleted (nor replaced by an amendment) out from under them."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def test_deleting_a_reported_measure_is_refused(self):
        from django.core.exceptions import ValidationError

        problem = self.world.problems["a1"]
        measure = problem.measures.get()
        with at(date(2026, 3, 2)):
            actions.submit_report(
                problem,
                ReportInput(date(2026, 2, 1), date(2026, 2, 28), "进展", percent=Decimal(10)),
                acting_user=self.world.users["unit_A1"],
                measure=measure,
            )
        with self.assertRaises(ValidationError):
            ledger.delete_measure(measure, acting_user=self.world.users["office_A"])
        self.assertTrue(problem.measures.filter(pk=measure.pk).exists())

    def test_a_signed_off_problem_takes_no_extension_request(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError) as caught:
            actions.request_extension(
                self.world.problems["land_done"],
                acting_user=self.world.users["office_A"],
                requested_raw="2027年6月30日前",
                reasons="需要更多时间",
            )
        self.assertIn("problem", caught.exception.message_dict)


class AmendedDeadlineTestCase(TestCase):
    """An amendment changes a deadline from its effective date: earlier dates keep the old one."""

    @classmethod
    def setUpTestData(cls) -> None:
        from zhenggai.ledger.amendments import ProblemChange, amend_plan

        cls.world = build_world()
        PlanSchedule.objects.create(plan=cls.world.plans["A"], starts_on=date(2026, 1, 1))
        cls.a2 = cls.world.problems["a2"]  # 2025年6月30日前, no measures: the problem is its own item
        with at(date(2026, 2, 20)):
            amend_plan(
                cls.world.plans["A"],
                acting_user=cls.world.users["office_A"],
                changes=[ProblemChange(cls.a2, "deadline", "2026年9月30日前", opinion="时限与省级方案不一致")],
                doc_number="甲整改办〔2026〕3号",
                issue_date=date(2026, 2, 20),
                effective_on=date(2026, 3, 1),
            )

    def item(self, as_of: date):
        return ledger_state(Problem.objects.filter(pk=self.a2.pk), as_of)[self.a2.pk].items[0]

    def test_before_the_effective_date_the_old_deadline_holds(self):
        before = self.item(date(2026, 2, 25))
        self.assertEqual(before.facts.due, date(2025, 6, 30))
        self.assertIn(("overdue", "red"), kinds(before))
        after = self.item(date(2026, 3, 2))
        self.assertEqual(after.facts.due, date(2026, 9, 30))
        self.assertNotIn("overdue", [kind for kind, _grade in kinds(after)])
        self.assertEqual((before.pace, after.pace), ("behind", "behind"))  # nothing reported either way


class MissedPeriodsShortcutTestCase(TestCase):
    """``ledger_state`` counts missed periods from the newest reported late period alone (one row per item
    from the database); that must equal ``core.schedule.missed_periods`` walking the whole reported set."""

    def test_the_shortcut_equals_the_walk_for_random_reports(self):
        import random

        from zhenggai.core.schedule import late_period_starts, missed_periods
        from zhenggai.progress.status import _missed

        rng = random.Random(8)
        for cadence in ("monthly", "quarterly", "weekly"):
            for _ in range(200):
                since = date(2024, 1, 1) + timedelta(days=rng.randrange(700))
                as_of = since + timedelta(days=rng.randrange(400))
                late = late_period_starts(cadence, as_of, since)
                reported = {start for start in late if rng.random() < 0.3}
                reported |= {as_of, since - timedelta(days=40)}  # a current and an earlier period: ignored
                newest = max(reported & set(late), default=None)
                with self.subTest(cadence=cadence, since=since, as_of=as_of):
                    self.assertEqual(_missed(late, [newest, None]), missed_periods(cadence, as_of, reported, since))
