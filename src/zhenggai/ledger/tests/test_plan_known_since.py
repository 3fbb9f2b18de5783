"""Plan.known_since: the first day a plan speaks of, which reports and the schedule count from."""

from __future__ import annotations

from datetime import date

from zhenggai.ledger import actions as ledger
from zhenggai.progress.models import PlanSchedule
from zhenggai.testing import WorldTestCase, frozen_at


class KnownSinceTestCase(WorldTestCase):
    def new_plan(self, **fields):
        system, unit = self.world.users["system"], self.world.units["A"]
        inspection = ledger.create_inspection(acting_user=system, team="第九督察组", inspected_unit=unit, **fields)
        with frozen_at(date(2026, 5, 4)):
            return ledger.create_plan(
                acting_user=system, inspection=inspection, title="方案", jurisdiction=unit, level="city"
            )

    def test_the_issue_date_then_the_feedback_then_the_day_it_was_recorded(self):
        recorded = self.new_plan()
        self.assertEqual(recorded.known_since(), date(2026, 5, 4))
        answered = self.new_plan(feedback_date=date(2018, 1, 3))  # a plan known only from a progress report
        self.assertEqual(answered.known_since(), date(2018, 1, 3))
        answered.issue_date = date(2018, 6, 1)
        self.assertEqual(answered.known_since(), date(2018, 6, 1))

    def test_the_schedule_starts_there_unless_it_has_its_own_start(self):
        plan = self.new_plan(feedback_date=date(2018, 1, 3))
        self.assertEqual(PlanSchedule.for_plan(plan).start_date(), date(2018, 1, 3))
        self.assertEqual(PlanSchedule(plan=plan, starts_on=date(2018, 3, 1)).start_date(), date(2018, 3, 1))
