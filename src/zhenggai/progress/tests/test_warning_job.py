"""The warning job: a run per scan, its health recorded, refreshes, digests and the command."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from zhenggai.progress import actions, jobs, signals
from zhenggai.progress.actions import ReportInput
from zhenggai.progress.models import Notification, PlanSchedule, WarningItem, WarningRun
from zhenggai.progress.notify import send_digests
from zhenggai.progress.tasks import scan_warnings
from zhenggai.testing import build_world
from zhenggai.testing import frozen_at as at


class WarningJobTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        PlanSchedule.objects.create(plan=cls.world.plans["A"], starts_on=date(2026, 1, 1))
        PlanSchedule.objects.create(plan=cls.world.plans["B"], starts_on=date(2026, 1, 1))
        for key, user in (("unit_A1", "unit_a1@example.org"), ("office_A", "office_a@example.org")):
            cls.world.users[key].email = user
            cls.world.users[key].save(update_fields=["email"])

    def setUp(self) -> None:
        signals._state.ids = None  # the class-level transaction's pending refreshes never commit

    def test_a_scan_stores_a_run_with_its_items_and_health(self):
        with at(date(2026, 3, 15)):
            run = jobs.run_warning_scan(date(2026, 3, 15))
        self.assertEqual(run.status, "succeeded")
        self.assertEqual(run.item_count, WarningItem.objects.filter(run=run).count())
        self.assertGreater(run.item_count, 0)
        self.assertIsNotNone(run.duration_seconds)
        self.assertEqual(jobs.current_run(), run)

    def test_a_failing_scan_records_its_error_and_keeps_the_previous_warnings(self):
        with at(date(2026, 3, 14)):
            good = jobs.run_warning_scan(date(2026, 3, 14))
        with mock.patch("zhenggai.progress.jobs.ledger_state", side_effect=RuntimeError("disk full")):
            with self.assertRaises(RuntimeError):
                jobs.run_warning_scan(date(2026, 3, 15))
        failed = WarningRun.objects.get(status="failed")
        self.assertIn("disk full", failed.error)
        self.assertIsNotNone(failed.finished_at)
        self.assertEqual(jobs.current_run(), good)
        self.assertFalse(WarningItem.objects.filter(run=failed).exists())

    def test_a_report_refreshes_its_problem_in_todays_run(self):
        problem = self.world.problems["a1"]
        measure = problem.measures.get()
        with at(date(2026, 3, 15)):
            run = jobs.run_warning_scan(date(2026, 3, 15))
            before = set(WarningItem.objects.filter(run=run, measure=measure).values_list("kind", flat=True))
            self.assertIn("no_report", before)
            with self.captureOnCommitCallbacks(execute=True):
                actions.submit_report(
                    problem,
                    ReportInput(date(2026, 2, 1), date(2026, 2, 28), "已完成主体工程", percent=Decimal(85)),
                    acting_user=self.world.users["unit_A1"],
                    measure=measure,
                )
        after = set(WarningItem.objects.filter(run=run, measure=measure).values_list("kind", flat=True))
        self.assertNotIn("no_report", after)  # February is reported now
        self.assertNotIn("behind", after)  # 85 % against 82 % expected

    def test_the_scheduled_task_sends_one_digest_per_recipient_and_never_twice_a_day(self):
        with at(
            date(
                2026,
                3,
                15,
            ),
            hour=6,
        ):
            result = scan_warnings.enqueue(None, "schedule").return_value
        self.assertEqual(result["digests"], len(mail.outbox))
        recipients = sorted(address for message in mail.outbox for address in message.to)
        self.assertEqual(recipients, ["office_a@example.org", "unit_a1@example.org"])
        unit_digest = Notification.objects.get(user=self.world.users["unit_A1"], day=date(2026, 3, 15))
        self.assertIn("红灯", unit_digest.subject)
        self.assertNotIn(self.world.problems["b1"].title, unit_digest.body)  # only what the unit sees
        with at(date(2026, 3, 15), hour=7):
            scan_warnings.enqueue(None, "schedule")
        self.assertEqual(len(mail.outbox), 2)  # the second run rebuilt the digests without mailing again
        self.assertEqual(Notification.objects.filter(day=date(2026, 3, 15)).count(), unit_digest_count())

    def test_nothing_to_say_means_no_digest_and_muted_units_get_none(self):
        with at(date(2025, 6, 1)):  # before the start, and no deadline within 15 days: no warnings at all
            run = jobs.run_warning_scan(date(2025, 6, 1))
            self.assertEqual(run.item_count, 0)
            self.assertEqual(send_digests(run), 0)
        self.assertFalse(Notification.objects.exists())
        with at(date(2026, 3, 15)):
            actions.mute_unit(self.world.units["A1"], acting_user=self.world.users["office_A"], reason="机构调整")
            send_digests(jobs.run_warning_scan(date(2026, 3, 15)))
        self.assertFalse(Notification.objects.filter(user=self.world.users["unit_A1"]).exists())
        self.assertTrue(Notification.objects.filter(user=self.world.users["office_A"]).exists())


def unit_digest_count() -> int:
    return Notification.objects.values("user").distinct().count()


class WarningsCommandTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        PlanSchedule.objects.create(plan=cls.world.plans["A"], starts_on=date(2026, 1, 1))

    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("warnings", *args, stdout=out)
        return out.getvalue()

    def test_json_for_two_dates_differs_as_the_ledger_says(self):
        march = json.loads(
            self.run_command("--as-of", "2026-03-15", "--format", "json", "--plan", str(self.world.plans["A"].pk))
        )
        april = json.loads(
            self.run_command("--as-of", "2026-04-10", "--format", "json", "--plan", str(self.world.plans["A"].pk))
        )
        measure = self.world.problems["a1"].measures.get().pk
        kinds = lambda payload: {i["kind"] for i in payload["items"] if i["measure"] == measure}  # noqa: E731
        self.assertEqual(kinds(march), {"behind", "no_report"})
        self.assertEqual(kinds(april), {"overdue", "no_report"})
        self.assertEqual(sum(march["counts"].values()), len(march["items"]))
        self.assertFalse(WarningRun.objects.exists())  # printing does not store

    def test_save_stores_a_run_and_text_lists_grades_first(self):
        text = self.run_command("--as-of", "2026-03-15", "--save")
        self.assertEqual(WarningRun.objects.get().trigger, "command")
        lines = text.splitlines()
        self.assertTrue(lines[0].startswith("2026-03-15:"))
        grades = [line[1:3] for line in lines[1:]]
        order = {"红灯": 0, "黄牌": 1, "蓝签": 2}
        self.assertEqual(grades, sorted(grades, key=order.__getitem__))

    def test_a_bad_date_is_an_error(self):
        from django.core.management.base import CommandError

        with self.assertRaises(CommandError):
            self.run_command("--as-of", "2026-13-01")


class ScheduleChainTestCase(TestCase):
    """The daily scan re-enqueues itself once: asking again while one waits adds nothing."""

    def test_one_waiting_scan_at_a_time(self):
        from django.test import override_settings
        from django_tasks_db.models import DBTaskResult

        from zhenggai.progress.tasks import next_scan_time, schedule_next_scan

        database = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        with override_settings(TASKS=database), at(date(2026, 3, 15), hour=10):
            self.assertTrue(schedule_next_scan())
            self.assertFalse(schedule_next_scan())
            waiting = DBTaskResult.objects.get()
            self.assertEqual(waiting.run_after, next_scan_time())
            self.assertEqual(timezone_local_hour(waiting.run_after), 6)  # tomorrow at WARNING_SCAN_HOUR


def timezone_local_hour(moment) -> int:
    from django.utils import timezone

    return timezone.localtime(moment).hour
