"""Django admin of the progress app: the warning job's health page and its "run now" action, and the
view-only admins of reports, warnings, extensions, escalations and notifications."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from zhenggai.progress import actions
from zhenggai.progress.actions import IndicatorInput, ReportInput
from zhenggai.progress.choices import EscalationKind, RunStatus
from zhenggai.progress.models import Notification, PlanSchedule, WarningRun
from zhenggai.progress.tasks import scan_warnings
from zhenggai.testing import WorldTestCase

NOW = datetime(2026, 3, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
RUNS = reverse("admin:progress_warningrun_changelist")
TRACEBACK = 'Traceback (most recent call last):\n  File "jobs.py", line 1\nOperationalError: disk I/O error'


def run_at(started: datetime, status=RunStatus.SUCCEEDED, error: str = "", seconds: int = 3) -> WarningRun:
    return WarningRun.objects.create(
        as_of=started.date(),
        status=status,
        started_at=started,
        finished_at=started + timedelta(seconds=seconds),
        item_count=4 if status == RunStatus.SUCCEEDED else 0,
        error=error,
    )


@time_machine.travel(NOW, tick=False)
class ProgressAdminTestCase(WorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        admin_user = w.users["system"]
        admin_user.is_staff = admin_user.is_superuser = True
        admin_user.save(update_fields=["is_staff", "is_superuser"])
        PlanSchedule.objects.create(plan=w.plans["A"], starts_on=date(2026, 1, 1))
        a1 = w.problems["a1"]
        cls.report = actions.submit_report(
            a1,
            ReportInput(
                date(2026, 2, 1),
                date(2026, 2, 28),
                "二月进展",
                percent=Decimal(30),
                indicators=[IndicatorInput("整治加油站", "座", Decimal(50), target=Decimal(172))],
            ),
            acting_user=w.users["unit_A1"],
        )
        actions.request_extension(a1, acting_user=w.users["unit_A1"], requested_raw="2027年6月30日前", reasons="资金")
        actions.record_escalation(a1, acting_user=w.users["office_A"], kind=EscalationKind.REMINDER, note="请加快")
        actions.mute_unit(w.units["A2"], acting_user=w.users["office_A"], reason="机构调整")
        Notification.objects.create(user=w.users["unit_A1"], day=date(2026, 3, 15), subject="预警提醒", body="…")

    def setUp(self) -> None:
        self.login("system")


class ChangelistTestCase(ProgressAdminTestCase):
    def test_every_changelist_opens(self):
        scan_warnings.enqueue(None, "manual")  # a run with warning rows
        for model in (
            "warningrun",
            "warningitem",
            "progressreport",
            "deadlineextension",
            "escalation",
            "notification",
            "planschedule",
            "notificationmute",
        ):
            with self.subTest(model=model):
                response = self.client.get(reverse(f"admin:progress_{model}_changelist"))
                self.assertEqual(response.status_code, 200)
                self.assertGreaterEqual(response.context["cl"].result_count, 1)

    def test_a_report_is_shown_with_its_indicators_but_cannot_be_changed(self):
        url = reverse("admin:progress_progressreport_change", args=[self.report.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "整治加油站")
        self.assertNotContains(response, 'name="_save"')
        self.assertEqual(self.client.post(url, {"narrative": "改"}).status_code, 403)
        self.assertEqual(self.client.get(reverse("admin:progress_progressreport_add")).status_code, 403)
        delete = reverse("admin:progress_progressreport_delete", args=[self.report.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)

    def test_read_only_models_offer_no_add_page(self):
        for model in ("warningrun", "warningitem", "deadlineextension", "escalation", "notification"):
            with self.subTest(model=model):
                self.assertEqual(self.client.get(reverse(f"admin:progress_{model}_add")).status_code, 403)

    def test_schedules_and_mutes_are_editable(self):
        self.assertEqual(self.client.get(reverse("admin:progress_planschedule_add")).status_code, 200)
        self.assertEqual(self.client.get(reverse("admin:progress_notificationmute_add")).status_code, 200)

    def test_non_staff_users_are_sent_to_the_login(self):
        self.login("office_A")
        response = self.client.get(RUNS)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response["Location"])


class JobHealthTestCase(ProgressAdminTestCase):
    def test_a_failed_run_shows_its_error(self):
        run_at(NOW - timedelta(hours=30))
        failed = run_at(NOW - timedelta(hours=6), RunStatus.FAILED, TRACEBACK)
        response = self.client.get(RUNS)
        self.assertContains(response, '<code id="job-last-failure-error">OperationalError: disk I/O error</code>')
        self.assertContains(response, 'id="job-failure-is-latest"')
        self.assertContains(response, "OperationalError: disk I/O error", count=2)  # summary and the list column
        change = self.client.get(reverse("admin:progress_warningrun_change", args=[failed.pk]))
        self.assertEqual(change.status_code, 200)
        self.assertContains(change, 'id="run-error"')
        self.assertContains(change, "File &quot;jobs.py&quot;, line 1")  # the whole traceback
        self.assertNotContains(change, 'name="_save"')

    def test_an_old_last_success_is_stale(self):
        old = run_at(NOW - timedelta(hours=30))  # older than WARNING_STALE_HOURS (26)
        response = self.client.get(RUNS)
        self.assertContains(response, 'data-stale="true"')
        self.assertContains(response, 'id="job-stale"')
        self.assertContains(response, '<span id="job-age-hours">30.0</span>')
        self.assertContains(response, reverse("admin:progress_warningrun_change", args=[old.pk]))
        self.assertContains(response, 'id="job-no-failure"')

    @override_settings(WARNING_STALE_HOURS=48)
    def test_the_threshold_comes_from_the_settings(self):
        run_at(NOW - timedelta(hours=30))
        response = self.client.get(RUNS)
        self.assertContains(response, 'data-stale="false"')
        self.assertContains(response, 'id="job-fresh"')

    def test_without_any_successful_run_the_flags_are_stale(self):
        run_at(NOW - timedelta(hours=1), RunStatus.FAILED, "boom")
        response = self.client.get(RUNS)
        self.assertContains(response, 'id="job-never-succeeded"')
        self.assertContains(response, 'id="job-stale"')
        self.assertContains(response, '<code id="job-last-failure-error">boom</code>')

    def test_the_immediate_backend_has_no_queue(self):
        response = self.client.get(RUNS)
        self.assertContains(response, 'id="job-queue-immediate"')

    @override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
    def test_the_database_queue_is_counted(self):
        response = self.client.post(RUNS, {"action": "run_warning_scan"})
        self.assertEqual(response.status_code, 302)
        waiting = DBTaskResult.objects.get(task_path=scan_warnings.module_path)
        self.assertEqual(waiting.args_kwargs["args"], [None, "manual"])
        self.assertFalse(WarningRun.objects.exists())  # queued for the worker, not run
        page = self.client.get(RUNS)
        self.assertContains(page, '<span id="job-queue-ready">1</span>')
        self.assertContains(page, '<span id="job-queue-running">0</span>')


class RunNowActionTestCase(ProgressAdminTestCase):
    def message_levels(self, response) -> list[int]:
        return [message.level for message in response.context["messages"]]

    def test_the_button_runs_a_scan_without_a_selection(self):
        page = self.client.get(RUNS)
        self.assertContains(page, 'id="run-scan-now"')
        response = self.client.post(RUNS, {"action": "run_warning_scan"}, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.message_levels(response), [messages.SUCCESS])
        run = WarningRun.objects.get()
        self.assertEqual((run.trigger, run.status, run.as_of), ("manual", RunStatus.SUCCEEDED, date(2026, 3, 15)))
        self.assertGreater(run.item_count, 0)
        self.assertEqual(run.items.count(), run.item_count)
        self.assertContains(response, 'data-stale="false"')

    def test_the_action_also_runs_from_the_list_with_rows_selected(self):
        old = run_at(NOW - timedelta(days=3))
        response = self.client.post(
            RUNS, {"action": "run_warning_scan", "index": "0", "_selected_action": [old.pk]}, follow=True
        )
        self.assertEqual(self.message_levels(response), [messages.SUCCESS])
        newest = WarningRun.objects.order_by("-started_at", "-pk").first()
        self.assertEqual((newest.trigger, newest.status), ("manual", RunStatus.SUCCEEDED))
        self.assertEqual(WarningRun.objects.count(), 2)

    def test_a_staff_member_who_may_only_view_cannot_run_it(self):
        office = self.world.users["office_A"]
        office.is_staff = True
        office.save(update_fields=["is_staff"])
        office.user_permissions.add(Permission.objects.get(codename="view_warningrun"))
        self.login("office_A")
        page = self.client.get(RUNS)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'id="run-scan-now"')
        self.assertEqual(self.client.post(RUNS, {"action": "run_warning_scan"}).status_code, 403)
        self.assertFalse(WarningRun.objects.exists())
