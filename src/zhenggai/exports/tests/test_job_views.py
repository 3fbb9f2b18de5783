"""The large-ledger pages: the download address sending a large plan through a job, the job page, its
polled fragment and its file, per persona."""

from __future__ import annotations

import io
from datetime import date

from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from zhenggai.exports.choices import ExportStatus
from zhenggai.exports.ledger_xlsx import SHEET_TITLE
from zhenggai.exports.models import ExportJob
from zhenggai.exports.tests.test_export_views import ID_COLUMN, Page
from zhenggai.exports.views import XLSX_CONTENT_TYPE
from zhenggai.ledger.models import Problem
from zhenggai.testing import WorldTestCase, frozen_at

TODAY = date(2026, 5, 15)


@override_settings(EXPORT_SYNC_MAX_ROWS=2)  # plan A (6 rows for its office, 1 for 甲一县) is "large" for an office
class JobViewTests(WorldTestCase):
    def setUp(self) -> None:
        clock = frozen_at(TODAY)
        clock.start()
        self.addCleanup(clock.stop)

    def download_url(self, plan: str = "A") -> str:
        return reverse("exports:ledger_download", args=[self.world.plans[plan].pk])

    def urls(self, job: ExportJob) -> dict[str, str]:
        names = ("job_detail", "job_progress", "job_download")
        return {name: reverse(f"exports:{name}", args=[job.pk]) for name in names}

    def start(self, persona: str = "office_A", *, run: bool = True) -> ExportJob:
        """POST to the download address as ``persona``: the job, run inside the request (immediate backend)."""
        self.login(persona)
        with self.captureOnCommitCallbacks(execute=run):
            response = self.client.post(self.download_url())
        job = ExportJob.objects.filter(requested_by=self.world.users[persona]).latest("pk")
        self.assertRedirects(response, self.urls(job)["job_detail"], fetch_redirect_response=False)
        return job

    def ids(self, data: bytes) -> set[str]:
        sheet = load_workbook(io.BytesIO(data))[SHEET_TITLE]
        return {sheet.cell(row, ID_COLUMN).value for row in range(3, sheet.max_row + 1)} - {None}

    def expected_ids(self, persona: str) -> set[str]:
        ids = set()
        for problem in Problem.objects.visible_to(self.world.users[persona]).filter(plan=self.world.plans["A"]):
            measures = list(problem.measures.all())
            ids |= {f"P{problem.pk}/M{m.pk}" for m in measures} if measures else {f"P{problem.pk}"}
        return ids

    def test_large_plan_offers_the_job_and_a_small_one_downloads_directly(self) -> None:
        self.login("office_A")
        response = self.client.get(self.download_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
        page = Page(response.content)
        self.assertEqual([tag["data-rows"] for tag in page("export-large")], [str(len(self.expected_ids("office_A")))])
        self.assertEqual(len(page("export-request-form")), 1)
        self.assertFalse(ExportJob.objects.exists())  # a GET starts nothing
        self.login("unit_A1")  # 甲一县 sees one row of plan A: under the limit
        response = self.client.get(self.download_url())
        self.assertEqual(response["Content-Type"], XLSX_CONTENT_TYPE)
        self.assertEqual(self.ids(b"".join(response.streaming_content)), self.expected_ids("unit_A1"))

    def test_request_then_page_then_download(self) -> None:
        job = self.start("office_A")
        self.assertEqual(job.status, ExportStatus.DONE)
        urls = self.urls(job)
        page = Page(self.client.get(urls["job_detail"]).content)
        [state] = page("export-job")
        self.assertEqual(state["data-status"], "done")
        self.assertEqual(state["data-rows-done"], state["data-rows-total"])
        self.assertNotIn("hx-trigger", state)  # finished: no more polling
        self.assertEqual([link["href"] for link in page("export-download-link")], [urls["job_download"]])
        response = self.client.get(urls["job_download"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], XLSX_CONTENT_TYPE)
        self.assertTrue(response["Content-Disposition"].startswith("attachment"))
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertEqual(self.ids(b"".join(response.streaming_content)), self.expected_ids("office_A"))
        # The download page now lists the job.
        page = Page(self.client.get(self.download_url()).content)
        self.assertEqual([row["data-job"] for row in page("export-job-row")], [str(job.pk)])

    def test_running_job_polls_every_two_seconds(self) -> None:
        job = self.start("office_A", run=False)
        self.assertEqual(job.status, ExportStatus.QUEUED)
        urls = self.urls(job)
        for url in (urls["job_detail"], urls["job_progress"]):
            with self.subTest(url=url):
                [state] = Page(self.client.get(url).content)("export-job")
                self.assertEqual(state["data-status"], "queued")
                self.assertEqual((state["hx-get"], state["hx-trigger"]), (urls["job_progress"], "every 2s"))
        self.assertEqual(self.client.get(urls["job_download"]).status_code, 404)  # not done yet
        # Asking again while it waits leads to the same job.
        response = self.client.post(self.download_url())
        self.assertRedirects(response, urls["job_detail"], fetch_redirect_response=False)
        self.assertEqual(ExportJob.objects.count(), 1)

    def test_failed_job_shows_the_error_and_offers_no_file(self) -> None:
        job = self.start("office_A", run=False)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error="RuntimeError: disk full")
        page = Page(self.client.get(self.urls(job)["job_progress"]).content)
        self.assertEqual(len(page("export-error")), 1)
        self.assertEqual(len(page("export-download-link")), 0)
        self.assertEqual(self.client.get(self.urls(job)["job_download"]).status_code, 404)

    def test_only_the_requester_reaches_the_job(self) -> None:
        """Another user who sees the plan would get rows it may not see: 404 for everyone but the requester."""
        office_job = self.start("office_A")
        unit_job = self.start("unit_A1")  # a POST always goes through a job, even under the limit
        self.assertEqual(self.ids(unit_job.file.open("rb").read()), self.expected_ids("unit_A1"))
        cases = [
            ("office_A", office_job, 200),
            ("office_A", unit_job, 404),
            ("unit_A1", unit_job, 200),
            ("unit_A1", office_job, 404),  # sees plan A, but the office's file holds more
            ("office_P", office_job, 404),  # the province office sees plan A too
            ("reviewer_A", office_job, 404),
            ("office_B", office_job, 404),  # another city
            ("no_unit", office_job, 404),  # an outsider
            ("system", office_job, 404),  # administrators included: the file is the requester's
        ]
        for persona, job, status in cases:
            self.login(persona)
            for name, url in self.urls(job).items():
                with self.subTest(persona=persona, job=job.pk, url=name):
                    self.assertEqual(self.client.get(url).status_code, status)
        self.client.logout()
        for url in self.urls(office_job).values():
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_requester_who_lost_sight_of_the_plan_gets_404(self) -> None:
        job = self.start("unit_A1")
        user = self.world.users["unit_A1"]
        type(user).objects.filter(pk=user.pk).update(unit=self.world.units["B1"])
        for url in self.urls(job).values():
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_request_refused_outside_the_plan(self) -> None:
        for persona in ("office_B", "no_unit"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.post(self.download_url()).status_code, 404)
                self.assertEqual(self.client.get(self.download_url()).status_code, 404)
        self.assertFalse(ExportJob.objects.exists())

    def test_query_counts(self) -> None:
        job = self.start("office_A")
        urls = self.urls(job)
        # session; user; the user's unit (its scope: an office's subtree path); the job joined to its plan,
        # restricted to the requester and to the plans the user sees in the same statement
        for name in ("job_detail", "job_progress", "job_download"):
            with self.subTest(url=name), self.assertNumQueries(4):
                response = self.client.get(urls[name])
                self.assertEqual(response.status_code, 200)
        # session; user; the user's unit; the plan; the row count (one aggregate); the user's recent jobs
        with self.assertNumQueries(6):
            self.assertEqual(self.client.get(self.download_url()).status_code, 200)
