"""Correcting a report: a new version with a reason; only the newest version can be corrected."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from unittest import mock

import time_machine
from django.contrib.messages import constants
from django.urls import reverse

from zhenggai.core.errors import ConflictError
from zhenggai.progress import actions
from zhenggai.progress.actions import IndicatorInput
from zhenggai.progress.models import ProgressReport
from zhenggai.progress.tests.test_report_views import NOW, indicator_rows, messages_of, pdf_upload, report_input
from zhenggai.testing import WorldTestCase


@time_machine.travel(NOW, tick=False)
class ReportCorrectViewTestCase(WorldTestCase):
    def setUp(self):
        self.problem = self.world.problems["a1"]
        self.measure = self.problem.measures.get()
        self.report = actions.submit_report(
            self.problem,
            report_input(
                date(2026, 3, 1),
                date(2026, 3, 31),
                indicators=[IndicatorInput("改造站点", "座", achieved=Decimal(150), target=Decimal(172))],
                files=[pdf_upload()],
            ),
            acting_user=self.world.users["unit_A1"],
            measure=self.measure,
        )
        self.url = reverse("progress:report_correct", args=[self.report.pk])

    def form_data(self, **overrides) -> dict:
        data = {
            "narrative": "更正：已完成三个泵站。",
            "percent": "55",
            "milestones": "",
            "claimed_status": "in_progress",
            "reason": "上次漏报一个泵站",
            **indicator_rows(
                {"name": "改造站点", "unit": "座", "target": "172", "achieved": "160"}, total=3, initial=1
            ),
        }
        data.update(overrides)
        return data

    def test_permissions(self):
        self.assertTrue(self.client.get(self.url)["Location"].startswith(reverse("login")))
        expected = {"unit_B1": 404, "unit_A2": 404, "supervisor_Aeco": 403, "office_A": 200, "unit_A1": 200}
        for persona, status in expected.items():
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url).status_code, status)
                if status != 200:
                    self.assertEqual(self.client.post(self.url, self.form_data()).status_code, status)
        self.assertEqual(ProgressReport.objects.count(), 1)

    def test_the_form_is_prefilled_from_the_report(self):
        self.login("unit_A1")
        response = self.client.get(self.url)
        self.assertEqual(response.context["form"]["narrative"].value(), "已完成管网排查。")
        self.assertEqual(response.context["form"]["percent"].value(), Decimal(30))
        first_row = response.context["formset"].forms[0]
        self.assertEqual((first_row["name"].value(), first_row["achieved"].value()), ("改造站点", Decimal(150)))
        self.assertEqual(len(response.context["formset"].forms), 3)
        self.assertContains(response, 'data-testid="carried-evidence"')

    def test_a_correction_makes_version_2_and_the_history_shows_both(self):
        self.login("unit_A1")
        data = self.form_data()
        data["files"] = [pdf_upload("补充材料.pdf")]
        response = self.client.post(self.url, data)
        new = ProgressReport.objects.get(version=2)
        self.assertRedirects(response, reverse("progress:report_history", args=[self.problem.pk]) + f"#report-{new.pk}")
        self.report.refresh_from_db()
        self.assertFalse(self.report.is_current)
        self.assertEqual((new.supersedes, new.is_current, new.percent), (self.report, True, Decimal(55)))
        self.assertEqual(new.correction_reason, "上次漏报一个泵站")
        self.assertEqual((new.period_start, new.measure), (self.report.period_start, self.measure))
        self.assertEqual(new.indicators.get().achieved, Decimal(160))
        self.assertEqual(
            set(new.evidence.values_list("original_name", flat=True)), {"补充材料.pdf", "现场照片说明.pdf"}
        )
        history = self.client.get(response["Location"]).content.decode()
        self.assertEqual(re.findall(r'data-version="(\d+)"', history), ["2", "1"])

    def test_a_reason_is_required(self):
        self.login("office_A")
        response = self.client.post(self.url, self.form_data(reason=""))
        self.assertEqual(response.status_code, 200)
        self.assertIn("reason", response.context["form"].errors)
        self.assertEqual(ProgressReport.objects.count(), 1)

    def test_percent_above_100_is_refused(self):
        self.login("office_A")
        response = self.client.post(self.url, self.form_data(percent="120"))
        self.assertIn("percent", response.context["form"].errors)
        self.assertEqual(ProgressReport.objects.count(), 1)

    def test_an_older_version_sends_the_user_back_with_a_message(self):
        self.login("unit_A1")
        self.client.post(self.url, self.form_data(), follow=True)
        expected = reverse("progress:report_history", args=[self.problem.pk]) + f"#report-{self.report.pk}"
        for response in (
            self.client.get(self.url, follow=True),
            self.client.post(self.url, self.form_data(), follow=True),
        ):
            self.assertEqual(response.redirect_chain, [(expected, 302)])
            warnings = [m for m in response.context["messages"] if m.level == constants.WARNING]
            self.assertEqual(len(warnings), 1)
        self.assertEqual(ProgressReport.objects.count(), 2)

    def test_a_correction_that_lost_the_race_gets_a_message(self):
        self.login("unit_A1")
        conflict = ConflictError("someone else corrected it")
        with mock.patch("zhenggai.progress.views.reports.actions.correct_report", side_effect=conflict):
            response = self.client.post(self.url, self.form_data())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(messages_of(response, constants.ERROR), ["someone else corrected it"])
        self.assertEqual(ProgressReport.objects.count(), 1)
