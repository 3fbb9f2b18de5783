"""The plan schedule page: read by those who see the plan, saved by its office, thresholds validated."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from zhenggai.progress.models import PlanSchedule
from zhenggai.testing import WorldTestCase


class PlanScheduleViewTestCase(WorldTestCase):
    def setUp(self) -> None:
        self.plan = self.world.plans["A"]
        self.url = reverse("progress:plan_schedule", args=[self.plan.pk])

    def data(self, **overrides) -> dict:
        values = {
            "cadence": "quarterly",
            "window_start_day": 20,
            "window_end_day": 10,
            "starts_on": "2026-01-01",
            "tolerance": "3",
            "due_soon_days": 10,
            "yellow_overdue_days": 1,
            "red_overdue_days": 20,
            "behind_yellow_points": "8",
            "behind_red_points": "25",
            "no_report_yellow_periods": 1,
            "no_report_red_periods": 2,
        }
        return values | overrides

    def test_the_office_saves_cadence_window_and_thresholds(self):
        self.login("office_A")
        self.assertContains(self.client.get(self.url), 'data-testid="save-schedule"')
        response = self.client.post(self.url, self.data())
        self.assertRedirects(response, self.url)
        schedule = PlanSchedule.objects.get(plan=self.plan)
        self.assertEqual(
            (schedule.cadence, schedule.window_start_day, schedule.starts_on), ("quarterly", 20, date(2026, 1, 1))
        )
        thresholds = schedule.threshold_values()
        self.assertEqual(
            (thresholds.due_soon_days, thresholds.red_overdue_days, thresholds.behind_red_points), (10, 20, 25.0)
        )
        self.assertEqual(schedule.history.count(), 1)

    def test_inconsistent_thresholds_are_refused(self):
        self.login("office_A")
        response = self.client.post(self.url, self.data(behind_yellow_points="40", behind_red_points="20"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-testid="form-errors"')
        self.assertFalse(PlanSchedule.objects.exists())

    def test_personas(self):
        for persona, get_status, post_status in (
            ("unit_A1", 200, 403),  # sees the plan through its problem, may not change the schedule
            ("reviewer_A", 200, 403),
            ("office_B", 404, 404),
            ("unit_B1", 404, 404),
        ):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url).status_code, get_status)
                self.assertEqual(self.client.post(self.url, self.data()).status_code, post_status)
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)
        self.assertFalse(PlanSchedule.objects.exists())
