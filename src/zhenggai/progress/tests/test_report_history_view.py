"""A problem's report history: every version, grouped by measure and period, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import time_machine
from django.urls import reverse

from zhenggai.progress import actions
from zhenggai.progress.actions import IndicatorInput
from zhenggai.progress.tests.test_report_views import NOW, pdf_upload, report_input
from zhenggai.testing import WorldTestCase


@time_machine.travel(NOW, tick=False)
class ReportHistoryViewTestCase(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with time_machine.travel(NOW, tick=False):
            cls.problem = cls.world.problems["a1"]
            cls.measure = cls.problem.measures.get()
            unit_user = cls.world.users["unit_A1"]
            cls.february = actions.submit_report(
                cls.problem,
                report_input(
                    date(2026, 2, 1),
                    date(2026, 2, 28),
                    indicators=[IndicatorInput("改造站点", "座", achieved=Decimal(100), target=Decimal(172))],
                    files=[pdf_upload()],
                ),
                acting_user=unit_user,
                measure=cls.measure,
            )
            cls.february_v2 = actions.correct_report(
                cls.february,
                report_input(date(2026, 2, 1), date(2026, 2, 28), percent=Decimal(35)),
                acting_user=unit_user,
                reason="百分比填错",
            )
            cls.march = actions.submit_report(
                cls.problem,
                report_input(date(2026, 3, 1), date(2026, 3, 31)),
                acting_user=unit_user,
                measure=cls.measure,
            )
        cls.url = reverse("progress:report_history", args=[cls.problem.pk])

    def report_ids(self, response) -> list[int]:
        return [int(pk) for pk in re.findall(r'data-report="(\d+)"', response.content.decode())]

    def test_anonymous_and_outsiders(self):
        self.assertTrue(self.client.get(self.url)["Location"].startswith(reverse("login")))
        for persona in ("unit_B1", "unit_A2"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_every_version_newest_first_grouped_by_measure_and_period(self):
        self.login("office_A")
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.report_ids(response), [self.march.pk, self.february_v2.pk, self.february.pk])
        groups = response.context["groups"]
        self.assertEqual([g.measure for g in groups], [None, self.measure])
        self.assertEqual([p.start for p in groups[1].periods], [date(2026, 3, 1), date(2026, 2, 1)])
        self.assertEqual([r.version for r in groups[1].periods[1].reports], [2, 1])
        body = response.content.decode()
        self.assertIn('data-testid="report-corrects"', body)
        self.assertIn("百分比填错", body)
        # The evidence is listed under both versions of February (carried forward), linked for download.
        self.assertEqual(body.count('data-testid="evidence-row"'), 2)
        evidence = self.february_v2.evidence.get()
        self.assertIn(reverse("progress:evidence_download", args=[evidence.pk]), body)
        self.assertIn(evidence.sha256[:12], body)

    def test_only_current_versions_get_a_correct_button_for_reporters(self):
        for persona in ("office_A", "unit_A1"):
            with self.subTest(persona=persona):
                self.login(persona)
                body = self.client.get(self.url).content.decode()
                self.assertEqual(body.count('data-testid="report-correct"'), 2)
                self.assertIn(reverse("progress:report_correct", args=[self.february_v2.pk]), body)
                self.assertNotIn(reverse("progress:report_correct", args=[self.february.pk]), body)
                self.assertIn('data-testid="report-new"', body)

    def test_a_supervisor_reads_the_history_without_buttons(self):
        self.login("supervisor_Aeco")
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.report_ids(response)), 3)
        self.assertNotContains(response, 'data-testid="report-correct"')
        self.assertNotContains(response, 'data-testid="report-new"')

    def test_query_count_does_not_grow_with_reports(self):
        self.login("office_A")
        # 1 session, 2 user, 3 user's unit (scope), 4 problem with plan/schedule/parent, 5 measures,
        # 6 reports with reporter and unit, 7 their indicators, 8 their evidence, 9 can_report (editable_by)
        with self.assertNumQueries(9):
            self.client.get(self.url)
        with time_machine.travel(NOW, tick=False):
            for month in (1, 12):
                year = 2026 if month == 1 else 2025
                start = date(year, month, 1)
                report = actions.submit_report(
                    self.problem,
                    report_input(
                        start,
                        date(year, month, 31),
                        indicators=[IndicatorInput("排查管网", "公里", achieved=Decimal(month))],
                        files=[pdf_upload()],
                    ),
                    acting_user=self.world.users["unit_A1"],
                )
                actions.correct_report(
                    report,
                    report_input(start, date(year, month, 31)),
                    acting_user=self.world.users["office_A"],
                    reason="补充",
                )
        with self.assertNumQueries(9):
            response = self.client.get(self.url)
        self.assertEqual(len(self.report_ids(response)), 7)
