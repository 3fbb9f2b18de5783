"""Two refreshes of one problem at the same moment (PostgreSQL): they take turns on the problem's row,
so neither fails on the run's one-standing-per-problem rule and the run keeps one set of rows."""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import TransactionTestCase

from zhenggai.progress import jobs
from zhenggai.progress.models import ProblemStanding, ReportingShare, WarningItem
from zhenggai.testing import build_world

NOW = datetime(2026, 3, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.postgres_only
class RefreshProblemRaceTestCase(TransactionTestCase):
    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("concurrent writers are only meaningful on PostgreSQL; SQLite serialises them")
        self.world = build_world()

    def test_two_simultaneous_refreshes_leave_one_set_of_rows(self):
        problem = self.world.problems["a1"]
        with time_machine.travel(NOW, tick=False):
            run = jobs.run_warning_scan(date(2026, 3, 15), trigger="manual")
        expected = (
            WarningItem.objects.filter(run=run, problem=problem).count(),
            ReportingShare.objects.filter(run=run, problem=problem).count(),
        )
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def refresh() -> None:
            from django.db import connections

            try:
                with time_machine.travel(NOW, tick=False):
                    barrier.wait()
                    jobs.refresh_problem(problem.pk)
            except BaseException as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=refresh) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(ProblemStanding.objects.filter(run=run, problem=problem).count(), 1)
        found = (
            WarningItem.objects.filter(run=run, problem=problem).count(),
            ReportingShare.objects.filter(run=run, problem=problem).count(),
        )
        self.assertEqual(found, expected)
