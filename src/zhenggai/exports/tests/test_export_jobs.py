"""``request_export`` and the ``export_ledger`` task: progress, the stored file, failure, one job at a time."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import date, timedelta
from unittest import mock

from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext

from zhenggai.accounts.models import User
from zhenggai.exports import tasks
from zhenggai.exports.actions import STALE_AFTER, request_export
from zhenggai.exports.choices import ExportStatus
from zhenggai.exports.ledger_import import read_changes
from zhenggai.exports.ledger_xlsx import write_ledger
from zhenggai.exports.models import ExportJob
from zhenggai.importer.xlsx_reader import parse_xlsx
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.models import Measure, Problem
from zhenggai.testing import WorldTestCase, frozen_at

TODAY = date(2026, 5, 15)


class ExportJobTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        system = cls.world.users["system"]
        a1 = cls.world.problems["a1"]
        for n in range(2, 5):
            ledger.add_measure(a1, acting_user=system, text=f"措施{n}", number_text=f"（{n}）")

    def setUp(self) -> None:
        clock = frozen_at(TODAY)
        clock.start()
        self.addCleanup(clock.stop)
        self.files_before = self.stored_files()

    def stored_files(self) -> set[str]:
        """Every file under exports/ in the private storage (shared by the whole test run)."""
        root = ExportJob._meta.get_field("file").storage.path("exports")
        return {os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names}

    def request(self, persona: str = "office_A", plan: str = "A", *, run: bool = True) -> ExportJob:
        with self.captureOnCommitCallbacks(execute=run):
            job = request_export(self.world.plans[plan], acting_user=self.world.users[persona])
        job.refresh_from_db()
        return job

    def measure_rows(self, persona: str) -> int:
        """One row per measure of the problems the persona sees in plan A, one per problem without any."""
        problems = Problem.objects.visible_to(self.world.users[persona]).filter(plan=self.world.plans["A"])
        bare = sum(1 for problem in problems if not problem.measures.exists())
        return Measure.objects.filter(problem__in=problems).count() + bare

    def sync_export(self, persona: str) -> bytes:
        """What the synchronous download writes for the persona today."""
        user = self.world.users[persona]
        problems = Problem.objects.visible_to(user).filter(plan=self.world.plans["A"]).order_by("position", "pk")
        out = io.BytesIO()
        write_ledger(problems, out, title=f"{self.world.plans['A'].title}整改台账", as_of=TODAY)
        return out.getvalue()

    def stored(self, job: ExportJob) -> bytes:
        with job.file.open("rb") as handle:
            return handle.read()

    def test_job_runs_to_done_and_its_file_equals_the_synchronous_export(self) -> None:
        for persona in ("office_A", "unit_A1"):
            with self.subTest(persona=persona):
                job = self.request(persona)
                self.assertEqual(job.status, ExportStatus.DONE)
                self.assertEqual(job.error, "")
                self.assertEqual(job.rows_total, self.measure_rows(persona))
                self.assertEqual(job.rows_done, job.rows_total)
                self.assertEqual(job.percent, 100)
                self.assertEqual(job.as_of, TODAY)
                self.assertIsNotNone(job.started_at)
                self.assertIsNotNone(job.finished_at)
                self.assertLessEqual(job.started_at, job.finished_at)
                self.assertEqual(job.requested_by, self.world.users[persona])
                self.assertEqual(job.scope["unit_id"], self.world.users[persona].unit_id)
                data = self.stored(job)
                self.assertEqual(job.size, len(data))
                self.assertEqual(job.sha256, hashlib.sha256(data).hexdigest())
                self.assertTrue(job.file.name.startswith(f"exports/plan-{self.world.plans['A'].pk}/"))
                sync = self.sync_export(persona)
                self.assertEqual(parse_xlsx(data), parse_xlsx(sync))
                self.assertEqual(read_changes(data), read_changes(sync))
        office, unit = ExportJob.objects.filter(plan=self.world.plans["A"]).order_by("pk")
        self.assertLess(unit.rows_total, office.rows_total)  # the unit's file holds only its rows

    def test_progress_is_recorded_every_few_rows(self) -> None:
        seen: list[dict] = []
        running = tasks._running

        def spy(job_id: int, **fields) -> None:
            seen.append({**ExportJob.objects.values("status", "rows_done").get(pk=job_id), **fields})
            running(job_id, **fields)

        with mock.patch.object(tasks, "PROGRESS_EVERY", 2), mock.patch.object(tasks, "_running", spy):
            job = self.request()
        total = self.measure_rows("office_A")
        self.assertEqual(seen[0], {"status": "running", "rows_done": 0, "rows_total": total})
        middle = [update["rows_done"] for update in seen[1:-1]]
        self.assertTrue(middle, "no progress recorded between start and end")
        self.assertEqual(middle, sorted(middle))
        self.assertTrue(all(0 < rows < total for rows in middle))
        self.assertEqual(seen[-1]["status"], ExportStatus.DONE)
        self.assertEqual((job.rows_done, job.rows_total), (total, total))

    def test_failure_marks_failed_and_keeps_no_file(self) -> None:
        with (
            mock.patch.object(tasks, "write_ledger", side_effect=RuntimeError("disk full")),
            translation.override("en"),
        ):
            job = self.request()
        self.assertEqual(job.status, ExportStatus.FAILED)
        self.assertNotIn("disk full", job.error)  # the cause is logged, not shown
        self.assertIn(f"job {job.pk}", job.error)
        self.assertEqual(job.file.name, "")
        self.assertIsNone(job.size)
        self.assertEqual(job.sha256, "")
        self.assertIsNotNone(job.finished_at)
        self.assertEqual(self.stored_files(), self.files_before)
        # A failed job does not block the next request.
        again = self.request()
        self.assertNotEqual(again.pk, job.pk)
        self.assertEqual(again.status, ExportStatus.DONE)

    def test_a_job_given_up_while_writing_deletes_its_stored_file(self) -> None:
        real = tasks.write_ledger

        def given_up_meanwhile(problems, out, **kwargs):
            rows = real(problems, out, **kwargs)
            # another request took the job for lost while it was writing
            ExportJob.objects.filter(status=ExportStatus.RUNNING).update(status=ExportStatus.FAILED, error="lost")
            return rows

        with mock.patch.object(tasks, "write_ledger", given_up_meanwhile):
            job = self.request()
        self.assertEqual((job.status, job.error, job.file.name), (ExportStatus.FAILED, "lost", ""))
        self.assertEqual(self.stored_files(), self.files_before)

    def test_re_request_while_queued_or_running_returns_the_same_job(self) -> None:
        plan, office = self.world.plans["A"], self.world.users["office_A"]
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            first = request_export(plan, acting_user=office)
            second = request_export(plan, acting_user=office)
        self.assertEqual(second.pk, first.pk)
        self.assertEqual(len(callbacks), 1)  # one task queued
        self.assertEqual(first.status, ExportStatus.QUEUED)
        ExportJob.objects.filter(pk=first.pk).update(status=ExportStatus.RUNNING)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            third = request_export(plan, acting_user=office)
        self.assertEqual((third.pk, len(callbacks)), (first.pk, 0))
        # Another user, or another plan, gets a job of its own.
        with self.captureOnCommitCallbacks(execute=False):
            other = request_export(plan, acting_user=self.world.users["unit_A1"])
        self.assertNotEqual(other.pk, first.pk)
        self.assertEqual(ExportJob.objects.active().count(), 2)

    def test_a_task_runs_a_job_once(self) -> None:
        job = self.request()
        self.assertEqual(tasks.export_ledger.call(job.pk)["status"], "skipped")
        self.assertEqual(ExportJob.objects.get(pk=job.pk).finished_at, job.finished_at)

    def test_a_lost_job_is_given_up_and_replaced(self) -> None:
        lost = self.request(run=False)
        ExportJob.objects.filter(pk=lost.pk).update(
            status=ExportStatus.RUNNING, updated_at=timezone.now() - STALE_AFTER - timedelta(seconds=1)
        )
        fresh = self.request()
        self.assertNotEqual(fresh.pk, lost.pk)
        self.assertEqual(fresh.status, ExportStatus.DONE)
        lost.refresh_from_db()
        self.assertEqual(lost.status, ExportStatus.FAILED)
        self.assertIn("30", lost.error)

    def test_plan_out_of_sight(self) -> None:
        with self.assertRaises(PermissionDenied):
            request_export(self.world.plans["A"], acting_user=self.world.users["office_B"])
        self.assertFalse(ExportJob.objects.exists())
        # Sight lost between asking and running (the user moved to another county): failed, no file.
        job = self.request("unit_A1", run=False)
        User.objects.filter(pk=job.requested_by_id).update(unit=self.world.units["B1"])
        with self.assertRaises(tasks.ExportStopped):
            tasks.export_ledger.call(job.pk)
        job.refresh_from_db()
        self.assertEqual((job.status, job.file.name), (ExportStatus.FAILED, ""))
        self.assertEqual(job.error, gettext("You no longer see this plan."))
        self.assertEqual(self.stored_files(), self.files_before)

    def test_a_queue_that_refuses_the_task_fails_the_job(self) -> None:
        refusing = mock.Mock(**{"enqueue.side_effect": RuntimeError("queue down")})
        with mock.patch.object(tasks, "export_ledger", refusing), translation.override("en"):
            job = self.request()
        self.assertEqual(job.status, ExportStatus.FAILED)
        self.assertNotIn("queue down", job.error)
        self.assertIn("could not be queued", job.error)
