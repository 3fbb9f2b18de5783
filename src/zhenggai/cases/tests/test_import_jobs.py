"""``actions.request_import``: a job whose worker died no longer blocks the batch; a failed request leaves no file."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.db import DatabaseError
from django.utils import timezone

from zhenggai.cases import actions
from zhenggai.cases.choices import ImportStatus
from zhenggai.cases.models import CaseImportJob
from zhenggai.cases.synthetic import batch_workbook, synthetic_cases
from zhenggai.cases.tests.world import CasesWorldTestCase

storage = CaseImportJob._meta.get_field("file").storage


class RequestImportTests(CasesWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.data = batch_workbook(synthetic_cases(3, regions=["甲一县"]))

    def running_job(self, silent_for: timedelta) -> CaseImportJob:
        moment = timezone.now() - silent_for
        return CaseImportJob.objects.create(
            requested_by=self.world.users["office_P"],
            batch=self.batch,
            sha256="0" * 64,
            file="case-imports/lost.xlsx",
            status=ImportStatus.RUNNING,
            created_at=moment,
            updated_at=moment,
        )

    def request(self) -> CaseImportJob:
        job = actions.request_import(self.batch, self.data, acting_user=self.world.users["office_P"])
        self.addCleanup(storage.delete, job.file.name)
        return job

    def test_a_running_job_silent_too_long_is_failed_and_a_new_one_queued(self):
        lost = self.running_job(actions.STALE_IMPORT_AFTER + timedelta(minutes=1))
        job = self.request()
        self.assertNotEqual(job.pk, lost.pk)
        self.assertEqual(job.status, ImportStatus.QUEUED)
        lost.refresh_from_db()
        self.assertEqual(lost.status, ImportStatus.FAILED)
        self.assertTrue(lost.error)
        self.assertIsNotNone(lost.finished_at)

    def test_a_running_job_with_recent_progress_is_returned(self):
        busy = self.running_job(timedelta(minutes=5))
        self.assertEqual(actions.request_import(self.batch, self.data, acting_user=self.world.users["office_P"]), busy)
        busy.refresh_from_db()
        self.assertEqual(busy.status, ImportStatus.RUNNING)

    def test_a_failed_request_leaves_no_file_behind(self):
        folder = f"case-imports/batch-{self.batch.pk}"
        before = storage.listdir(folder)[1] if storage.exists(folder) else []
        with mock.patch.object(CaseImportJob, "save", side_effect=DatabaseError("lost connection")):
            with self.assertRaises(DatabaseError):
                actions.request_import(self.batch, self.data, acting_user=self.world.users["office_P"])
        after = storage.listdir(folder)[1] if storage.exists(folder) else []
        self.assertEqual(after, before)
