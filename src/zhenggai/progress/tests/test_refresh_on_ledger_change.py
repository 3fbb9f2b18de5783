"""A deadline change or a reassignment refreshes today's warnings and the in-app digests of those concerned."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.test import TestCase

from zhenggai.ledger import actions as ledger
from zhenggai.progress import signals
from zhenggai.progress.models import Notification, PlanSchedule, WarningItem
from zhenggai.progress.tasks import scan_warnings
from zhenggai.testing import build_world

DAY = datetime(2026, 3, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


class RefreshOnLedgerChangeTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        PlanSchedule.objects.create(plan=cls.world.plans["A"], starts_on=date(2026, 1, 1))

    def setUp(self) -> None:
        # TestCase's class-level transaction never commits, so the flush build_world() registered
        # there never runs; start this test's changes with an empty pending set.
        signals._state.ids = None
        self.clock = time_machine.travel(DAY, tick=False)
        self.clock.start()
        self.addCleanup(self.clock.stop)
        self.run_ = scan_warnings.enqueue(None, "schedule").return_value["run"]
        mail.outbox.clear()

    def behind(self, measure) -> tuple[str, str]:
        rows = WarningItem.objects.filter(run_id=self.run_, measure=measure, kind="behind")
        return tuple(rows.values_list("grade", "reason").get())

    def test_a_later_deadline_regrades_the_behind_warning_at_once(self):
        measure = self.world.problems["a1"].measures.get()
        self.assertEqual(self.behind(measure), ("red", "落后序时进度82.2个百分点"))  # due 2026-03-31
        with self.captureOnCommitCallbacks(execute=True):
            ledger.update_measure(
                measure, acting_user=self.world.users["office_A"], changes={"deadline": "2027年年底前"}
            )
        self.assertEqual(self.behind(measure), ("yellow", "落后序时进度10.1个百分点"))  # due 2027-12-31
        self.assertEqual(mail.outbox, [])  # digests are rebuilt in the app, never mailed twice

    def test_a_new_responsible_unit_gets_the_problem_in_its_digest(self):
        problem = self.world.problems["a1"]
        unit_user = self.world.users["unit_A2"]
        self.assertFalse(Notification.objects.filter(user=unit_user, body__contains=problem.title).exists())
        with self.captureOnCommitCallbacks(execute=True):
            ledger.assign(problem, "cooperating", unit=self.world.units["A2"], acting_user=self.world.users["system"])
        digest = Notification.objects.get(user=unit_user, day=DAY.date())
        self.assertIn(problem.title, digest.body)
        self.assertIsNone(digest.emailed_at)
