"""Posting the pages: handling form (saved, stale → 409), sign-off form, batch import (dry run, confirm, job)."""

from __future__ import annotations

from unittest import mock

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from zhenggai.cases import batch_import, import_views
from zhenggai.cases.choices import CaseStatus, ImportStatus
from zhenggai.cases.models import PENALTY_FIELDS, Case, CaseImportJob
from zhenggai.cases.synthetic import batch_workbook, synthetic_cases
from zhenggai.cases.tests.world import CasesWorldTestCase

REGIONS = ["甲一县", "甲二县", "乙一县"]


def handling_post(case: Case, **extra) -> dict:
    data = {name: 0 for name in PENALTY_FIELDS}
    data |= {
        "version": case.version,
        "findings": "true",
        "status": "closed",
        "handling": "已关停",
        "investigation": "属实",
    }
    return data | extra


class HandlingFormFlowTests(CasesWorldTestCase):
    def test_unit_saves_then_a_stale_form_is_a_conflict(self):
        case = self.cases["a1"]
        self.login("unit_A1")
        url = reverse("cases:case_handle", args=[case.pk])
        response = self.client.post(url, handling_post(case, closed_down=1))
        self.assertRedirects(response, reverse("cases:case_detail", args=[case.pk]))
        case.refresh_from_db()
        self.assertEqual((case.status, case.closed_down, case.handling), (CaseStatus.CLOSED, 1, "已关停"))
        stale = self.client.post(url, handling_post(case, version=case.version - 1, handling="另一版本"))
        self.assertEqual(stale.status_code, 409)
        case.refresh_from_db()
        self.assertEqual(case.handling, "已关停")

    def test_invalid_form_is_400(self):
        case = self.cases["a1"]
        self.login("office_A")
        response = self.client.post(
            reverse("cases:case_handle", args=[case.pk]), handling_post(case, status="signed_off")
        )
        self.assertEqual(response.status_code, 400)


class ImportPageFlowTests(CasesWorldTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Row errors are compared in English: the request and the job run in the reader's language.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.enterContext(translation.override("en"))

    def upload(self, data: bytes):
        return self.client.post(
            reverse("cases:batch_import", args=[self.batch.pk]), {"file": SimpleUploadedFile("batch.xlsx", data)}
        )

    def test_dry_run_then_confirm(self):
        self.login("office_P")
        before = Case.objects.count()
        response = self.upload(batch_workbook(synthetic_cases(30, regions=REGIONS)))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["plan"].ok)
        self.assertEqual(Case.objects.count(), before)  # a dry run writes nothing
        confirm = self.client.post(
            reverse("cases:batch_import", args=[self.batch.pk]), {"confirm": "1", "sha256": response.context["sha256"]}
        )
        self.assertRedirects(confirm, reverse("cases:batch_detail", args=[self.batch.pk]))
        self.assertEqual(Case.objects.count(), before + 30)
        again = self.client.post(
            reverse("cases:batch_import", args=[self.batch.pk]), {"confirm": "1", "sha256": response.context["sha256"]}
        )
        self.assertEqual(Case.objects.count(), before + 30)  # the session no longer holds it
        self.assertEqual(again.status_code, 302)

    def test_row_errors_are_listed_and_nothing_is_kept(self):
        self.login("office_P")
        cases = synthetic_cases(10, regions=REGIONS)
        cases[3].region = "丙县"
        cases[5].number = cases[4].number
        response = self.upload(batch_workbook(cases))
        self.assertEqual([e.row for e in response.context["errors"]], [6, 8])
        self.assertNotIn("sha256", response.context)
        self.assertContains(response, "丙县")

    def test_missing_column_message(self):
        self.login("office_P")
        response = self.upload(b"PK\x03\x04 broken")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Excel", status_code=400)

    @override_settings(EXPORT_SYNC_MAX_ROWS=5)
    def test_a_large_file_goes_to_a_background_job(self):
        self.login("office_P")
        before = Case.objects.count()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.upload(batch_workbook(synthetic_cases(40, regions=REGIONS)))
        job = CaseImportJob.objects.get()
        self.assertRedirects(response, reverse("cases:job_detail", args=[job.pk]))
        job.refresh_from_db()
        self.assertEqual((job.status, job.imported, job.rows_done, job.rows_total), (ImportStatus.DONE, 40, 40, 40))
        self.assertEqual(Case.objects.count(), before + 40)
        page = self.client.get(reverse("cases:job_progress", args=[job.pk]))
        self.assertContains(page, 'data-status="done"')
        self.login("office_A")  # not the requester
        self.assertEqual(self.client.get(reverse("cases:job_detail", args=[job.pk])).status_code, 404)

    @override_settings(EXPORT_SYNC_MAX_ROWS=5)
    def test_a_background_job_with_errors_imports_nothing(self):
        self.login("office_P")
        before = Case.objects.count()
        cases = synthetic_cases(12, regions=REGIONS)
        cases[7].units = [("不存在局", None)]
        with self.captureOnCommitCallbacks(execute=True):
            self.upload(batch_workbook(cases))
        job = CaseImportJob.objects.get()
        self.assertEqual(job.status, ImportStatus.FAILED)
        self.assertEqual(
            job.errors, [{"row": 10, "number": cases[7].number, "message": "Unknown responsible unit: 不存在局"}]
        )
        self.assertEqual(Case.objects.count(), before)

    def test_a_workbook_too_large_once_unpacked_is_refused(self):
        self.login("office_P")
        with mock.patch.object(batch_import, "MAX_UNCOMPRESSED_BYTES", 1000):
            response = self.upload(batch_workbook(synthetic_cases(5, regions=REGIONS)))
        self.assertContains(response, "too large once unpacked", status_code=400)
        self.assertFalse(CaseImportJob.objects.exists())

    @override_settings(EXPORT_SYNC_MAX_ROWS=5)
    def test_the_request_reads_only_as_far_as_deciding_needs(self):
        self.login("office_P")
        with mock.patch.object(import_views, "read_sheet", wraps=batch_import.read_sheet) as reading:
            with self.captureOnCommitCallbacks(execute=False):
                response = self.upload(batch_workbook(synthetic_cases(40, regions=REGIONS)))
        self.assertEqual(reading.call_args.kwargs, {"limit": 6})
        job = CaseImportJob.objects.get()
        self.addCleanup(job.file.storage.delete, job.file.name)
        self.assertRedirects(response, reverse("cases:job_detail", args=[job.pk]))
