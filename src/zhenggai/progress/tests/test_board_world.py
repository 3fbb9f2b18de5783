"""The shared set-up of the scheduling-page tests, and a check that it says what the other modules assume.

The persona world is built on 2026-01-01 (so every history row, sign-off included, predates the
dates the pages are asked about); both plans report monthly from 2026-01-01 (window 25th – 5th).
County A1 reports on measure （一） of problem a1: January on time (3 Feb), February late (10 Mar),
March early (14 Mar). Tests run on a clock frozen at 2026-03-15 10:00 Beijing time.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from zhenggai.progress import actions
from zhenggai.progress.models import PlanSchedule, ProgressReport
from zhenggai.testing import WorldTestCase

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 15, 10, tzinfo=BEIJING)
TODAY = NOW.date()


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BEIJING)


def submit(user, problem, period_start: date, period_end: date, when: datetime, *, measure=None, percent=None):
    """Submit a report as ``user`` with the clock set to ``when``."""
    with time_machine.travel(when, tick=False):
        return actions.submit_report(
            problem,
            actions.ReportInput(
                period_start=period_start,
                period_end=period_end,
                narrative="按计划推进",
                percent=Decimal(percent) if percent is not None else None,
            ),
            acting_user=user,
            measure=measure,
        )


class BoardTestCase(WorldTestCase):
    """The world of ``zhenggai.testing`` built on 2026-01-01 plus schedules and A1's three reports."""

    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(at(2026, 1, 1, 9), tick=False):
            super().setUpTestData()
            for plan in cls.world.plans.values():
                PlanSchedule.objects.create(plan=plan, starts_on=date(2026, 1, 1))
        cls.a1_measure = cls.world.problems["a1"].measures.get()
        county = cls.world.users["unit_A1"]
        a1 = cls.world.problems["a1"]
        submit(county, a1, date(2026, 1, 1), date(2026, 1, 31), at(2026, 2, 3), measure=cls.a1_measure, percent=80)
        submit(county, a1, date(2026, 2, 1), date(2026, 2, 28), at(2026, 3, 10), measure=cls.a1_measure, percent=80)
        submit(county, a1, date(2026, 3, 1), date(2026, 3, 31), at(2026, 3, 14), measure=cls.a1_measure, percent=85)

    def setUp(self) -> None:
        super().setUp()
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def pk(self, key: str) -> int:
        return self.world.problems[key].pk


class BoardWorldTestCase(BoardTestCase):
    def test_the_clock_is_frozen_on_the_ides_of_march(self):
        from django.utils import timezone

        self.assertEqual(timezone.localdate(), TODAY)

    def test_the_three_reports_exist_with_their_submission_days(self):
        days = list(ProgressReport.objects.order_by("period_start").values_list("submitted_at", flat=True))
        self.assertEqual([timezone_day(d) for d in days], [date(2026, 2, 3), date(2026, 3, 10), date(2026, 3, 14)])

    def test_both_plans_start_on_new_year(self):
        self.assertEqual(set(PlanSchedule.objects.values_list("starts_on", flat=True)), {date(2026, 1, 1)})


def timezone_day(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()
