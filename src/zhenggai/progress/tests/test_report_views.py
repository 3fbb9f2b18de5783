"""Submitting a progress report through the page; helpers shared by the other report-page tests.

The clock stands still on 2026-03-15 (Beijing time): with the default monthly schedule (window the
25th to the 5th) February's window has closed, so the form offers March, February, January and
December 2025.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.messages import constants, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from zhenggai.progress import actions
from zhenggai.progress.actions import ReportInput
from zhenggai.progress.models import Evidence, Indicator, ProgressReport
from zhenggai.testing import WorldTestCase

NOW = datetime(2026, 3, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def pdf_upload(name: str = "现场照片说明.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def indicator_rows(*rows: dict, total: int = 2, initial: int = 0) -> dict[str, str]:
    data = {
        "indicators-TOTAL_FORMS": str(max(total, len(rows))),
        "indicators-INITIAL_FORMS": str(initial),
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"indicators-{index}-{key}": value for key, value in row.items()})
    return data


def report_input(start: date, end: date, **overrides) -> ReportInput:
    values = {"period_start": start, "period_end": end, "narrative": "已完成管网排查。", "percent": Decimal(30)}
    values.update(overrides)
    return ReportInput(**values)


def messages_of(response, level: int) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == level]


@time_machine.travel(NOW, tick=False)
class ReportSubmitViewTestCase(WorldTestCase):
    def setUp(self):
        self.problem = self.world.problems["a1"]
        self.measure = self.problem.measures.get()
        self.url = reverse("progress:report_submit", args=[self.problem.pk]) + f"?measure={self.measure.pk}"

    def form_data(self, *indicators: dict, **overrides) -> dict:
        data = {
            "period": "2026-03-01",
            "narrative": "完成两个泵站的设备更换，剩余站点正在招标。",
            "percent": "40",
            "milestones": "招标公告已发布",
            "claimed_status": "in_progress",
            **indicator_rows(*indicators),
        }
        data.update(overrides)
        return data

    def test_anonymous_is_sent_to_login(self):
        for method in (self.client.get, self.client.post):
            response = method(self.url)
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_outsiders_get_404(self):
        for persona in ("unit_B1", "unit_A2", "office_B"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url).status_code, 404)
                self.assertEqual(self.client.post(self.url, self.form_data()).status_code, 404)

    def test_supervisor_and_reviewer_see_the_problem_but_get_403(self):
        for persona in ("supervisor_Aeco", "reviewer_A"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, self.form_data()).status_code, 403)
        self.assertFalse(ProgressReport.objects.exists())

    def test_form_offers_this_period_and_the_three_before(self):
        self.login("unit_A1")
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-testid="report-measure"')
        choices = response.context["form"].fields["period"].choices
        self.assertEqual(
            choices,
            [
                ("2026-03-01", "2026年3月"),
                ("2026-02-01", "2026年2月"),
                ("2026-01-01", "2026年1月"),
                ("2025-12-01", "2025年12月"),
            ],
        )

    def test_a_quarterly_plan_offers_quarters(self):
        actions.save_schedule(self.problem.plan, acting_user=self.world.users["office_A"], cadence="quarterly")
        self.login("unit_A1")
        choices = self.client.get(self.url).context["form"].fields["period"].choices
        # The last quarter of 2025 closed its window on 5 January, so the first quarter of 2026 is reported on.
        self.assertEqual([value for value, _label in choices], ["2026-01-01", "2025-10-01", "2025-07-01", "2025-04-01"])

    def test_unit_submits_a_report_with_an_indicator_and_evidence(self):
        self.login("unit_A1")
        data = self.form_data({"name": "改造站点", "unit": "座", "target": "172", "achieved": "160", "note": "含乡镇"})
        data["files"] = [pdf_upload(), pdf_upload("验收单.pdf")]
        response = self.client.post(self.url, data)
        report = ProgressReport.objects.get()
        self.assertRedirects(
            response, reverse("progress:report_history", args=[self.problem.pk]) + f"#report-{report.pk}"
        )
        self.assertEqual(report.measure, self.measure)
        self.assertEqual(report.unit, self.world.units["A1"])
        self.assertEqual(report.reporter, self.world.users["unit_A1"])
        self.assertEqual((report.period_start, report.period_end), (date(2026, 3, 1), date(2026, 3, 31)))
        self.assertEqual(report.percent, Decimal(40))
        self.assertEqual((report.version, report.is_current), (1, True))
        indicator = report.indicators.get()
        self.assertEqual(
            (indicator.name, indicator.unit, indicator.target, indicator.achieved, indicator.note),
            ("改造站点", "座", Decimal(172), Decimal(160), "含乡镇"),
        )
        files = list(report.evidence.order_by("pk"))
        self.assertEqual([f.original_name for f in files], ["现场照片说明.pdf", "验收单.pdf"])
        self.assertEqual({f.content_type for f in files}, {"application/pdf"})
        self.assertEqual(files[0].sha256, hashlib.sha256(PDF_BYTES).hexdigest())
        self.assertEqual(files[0].size, len(PDF_BYTES))

    def test_office_reports_on_the_whole_problem_and_blank_rows_are_skipped(self):
        self.login("office_A")
        url = reverse("progress:report_submit", args=[self.problem.pk])
        response = self.client.post(url, self.form_data(period="2026-02-01", percent=""))
        self.assertEqual(response.status_code, 302)
        report = ProgressReport.objects.get()
        self.assertIsNone(report.measure)
        self.assertIsNone(report.percent)
        self.assertEqual(report.unit, self.world.units["A"])
        self.assertFalse(report.indicators.exists())

    def test_percent_above_100_is_refused(self):
        self.login("unit_A1")
        response = self.client.post(self.url, self.form_data(percent="120"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("percent", response.context["form"].errors)
        self.assertContains(response, 'data-testid="error-percent"')
        self.assertFalse(ProgressReport.objects.exists())

    def test_an_indicator_without_a_unit_is_refused(self):
        self.login("unit_A1")
        response = self.client.post(self.url, self.form_data({"name": "改造站点", "unit": "", "achieved": "160"}))
        self.assertEqual(response.status_code, 200)
        self.assertIn("unit", response.context["formset"].forms[0].errors)
        self.assertContains(response, 'data-testid="indicator-error"')
        self.assertFalse(ProgressReport.objects.exists())
        self.assertFalse(Indicator.objects.exists())

    def test_an_executable_named_pdf_is_refused(self):
        self.login("unit_A1")
        data = self.form_data()
        data["files"] = [pdf_upload("整改报告.pdf", EXE_BYTES)]
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("files", response.context["form"].errors)
        self.assertContains(response, 'data-testid="error-files"')
        self.assertFalse(ProgressReport.objects.exists())
        self.assertFalse(Evidence.objects.exists())

    @override_settings(EVIDENCE_MAX_BYTES=64)
    def test_a_file_over_the_size_limit_is_refused(self):
        self.login("unit_A1")
        data = self.form_data()
        data["files"] = [pdf_upload(content=PDF_BYTES + b"%" * 100)]
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("files", response.context["form"].errors)
        self.assertFalse(ProgressReport.objects.exists())

    def test_a_period_not_offered_is_refused(self):
        self.login("unit_A1")
        response = self.client.post(self.url, self.form_data(period="2025-11-01"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("period", response.context["form"].errors)
        self.assertFalse(ProgressReport.objects.exists())

    def test_the_same_period_twice_gives_a_conflict_message(self):
        self.login("unit_A1")
        self.client.post(self.url, self.form_data())
        first = ProgressReport.objects.get()
        response = self.client.post(self.url, self.form_data(narrative="第二次填报"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(messages_of(response, constants.ERROR)), 1)
        self.assertContains(response, 'data-testid="conflict"')
        self.assertContains(response, reverse("progress:report_correct", args=[first.pk]))
        self.assertEqual(ProgressReport.objects.count(), 1)
        # Another period of the same measure is fine.
        self.assertEqual(self.client.post(self.url, self.form_data(period="2026-02-01")).status_code, 302)
        self.assertEqual(ProgressReport.objects.count(), 2)

    def test_a_measure_of_another_problem_is_404(self):
        other = self.world.problems["a1dept"]
        self.login("office_A")
        url = reverse("progress:report_submit", args=[other.pk]) + f"?measure={self.measure.pk}"
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_signed_off_problem_takes_no_reports(self):
        problem = self.world.problems["land_done"]
        self.login("office_A")
        response = self.client.get(reverse("progress:report_submit", args=[problem.pk]))
        self.assertRedirects(response, reverse("progress:report_history", args=[problem.pk]))
        self.assertEqual(len(messages_of(response, constants.WARNING)), 1)
