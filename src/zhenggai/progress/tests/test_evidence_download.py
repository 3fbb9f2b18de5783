"""Downloading an evidence file: only for those who see its report, always as an attachment."""

from __future__ import annotations

from datetime import date

import time_machine
from django.urls import reverse

from zhenggai.progress import actions
from zhenggai.progress.models import Evidence
from zhenggai.progress.tests.test_report_views import NOW, PDF_BYTES, pdf_upload, report_input
from zhenggai.testing import WorldTestCase


class EvidenceDownloadTestCase(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        problem = cls.world.problems["a1"]
        with time_machine.travel(NOW, tick=False):
            report = actions.submit_report(
                problem,
                report_input(date(2026, 3, 1), date(2026, 3, 31), files=[pdf_upload("验收材料 第1批.pdf")]),
                acting_user=cls.world.users["unit_A1"],
                measure=problem.measures.get(),
            )
        cls.evidence = report.evidence.get()
        cls.url = reverse("progress:evidence_download", args=[cls.evidence.pk])

    def test_those_who_see_the_problem_download_the_file(self):
        for persona in ("unit_A1", "office_A", "supervisor_Aeco", "reviewer_A", "office_P", "system"):
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(b"".join(response.streaming_content), PDF_BYTES)
                self.assertEqual(response["Content-Type"], "application/pdf")
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                disposition = response["Content-Disposition"]
                self.assertTrue(disposition.startswith("attachment"))
                self.assertIn("filename*=utf-8''%E9%AA%8C%E6%94%B6%E6%9D%90%E6%96%99", disposition)

    def test_the_stored_content_type_is_sent(self):
        Evidence.objects.filter(pk=self.evidence.pk).update(content_type="image/png")
        self.login("unit_A1")
        response = self.client.get(self.url)
        self.assertEqual(response["Content-Type"], "image/png")
        # Reading to the end lets the test client close the file. (response.close() would send
        # request_finished, which closes the test's database connection on PostgreSQL.)
        b"".join(response.streaming_content)

    def test_outsiders_get_404(self):
        for persona in ("unit_B1", "unit_A2", "office_B", "no_unit"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False)

    def test_unknown_or_missing_files_are_404(self):
        self.login("system")
        self.assertEqual(self.client.get(reverse("progress:evidence_download", args=[999999])).status_code, 404)
        Evidence.objects.filter(pk=self.evidence.pk).update(file="evidence/2026/03/not-there.pdf")
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_only_get_and_head(self):
        self.login("unit_A1")
        self.assertEqual(self.client.post(self.url).status_code, 405)
        self.assertEqual(self.client.head(self.url).status_code, 200)
