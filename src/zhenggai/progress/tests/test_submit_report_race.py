"""Two submissions of the same period at the same moment (PostgreSQL): one wins, the other is told."""

from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import TransactionTestCase

from zhenggai.core.errors import ConflictError
from zhenggai.progress import actions
from zhenggai.progress.actions import ReportInput
from zhenggai.progress.models import ProgressReport
from zhenggai.testing import build_world


@pytest.mark.postgres_only
class SamePeriodRaceTestCase(TransactionTestCase):
    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("concurrent writers are only meaningful on PostgreSQL; SQLite serialises them")
        self.world = build_world()

    def test_one_of_two_simultaneous_reports_wins(self):
        problem = self.world.problems["a1"]
        measure = problem.measures.get()
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def submit(user_key: str, text: str) -> None:
            from django.db import connections

            try:
                with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
                    barrier.wait()
                    actions.submit_report(
                        problem,
                        ReportInput(date(2026, 2, 1), date(2026, 2, 28), text, percent=Decimal(40)),
                        acting_user=self.world.users[user_key],
                        measure=measure,
                    )
                outcomes.append("saved")
            except ConflictError:
                outcomes.append("conflict")
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=submit, args=("unit_A1", "甲填报")),
            threading.Thread(target=submit, args=("office_A", "整改办代填")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(outcomes), ["conflict", "saved"])
        self.assertEqual(ProgressReport.objects.filter(measure=measure, is_current=True).count(), 1)

    def test_one_of_two_simultaneous_corrections_wins(self):
        problem = self.world.problems["a1"]
        unit = self.world.users["unit_A1"]
        with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
            report = actions.submit_report(
                problem, ReportInput(date(2026, 2, 1), date(2026, 2, 28), "初报", percent=Decimal(20)), acting_user=unit
            )
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def correct(percent: int) -> None:
            from django.db import connections

            try:
                with time_machine.travel(datetime(2026, 3, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
                    barrier.wait()
                    actions.correct_report(
                        report,
                        ReportInput(date(2026, 2, 1), date(2026, 2, 28), "更正", percent=Decimal(percent)),
                        acting_user=unit,
                        reason="数字有误",
                    )
                outcomes.append("saved")
            except ConflictError:
                outcomes.append("conflict")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=correct, args=(p,)) for p in (25, 30)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(outcomes), ["conflict", "saved"])
        versions = list(
            ProgressReport.objects.filter(problem=problem).order_by("version").values_list("version", "is_current")
        )
        self.assertEqual(versions, [(1, False), (2, True)])
