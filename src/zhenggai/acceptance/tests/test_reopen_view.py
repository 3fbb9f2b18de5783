"""Reopening a signed-off problem (问题反弹): the plan's offices, with a reason; the history keeps the sign-off."""

from __future__ import annotations

from django.urls import reverse

from zhenggai.acceptance.models import Reopening
from zhenggai.acceptance.tests.view_world import SIGNED, AcceptanceViewTestCase


class ReopenViewTestCase(AcceptanceViewTestCase):
    today = SIGNED

    def setUp(self):
        super().setUp()
        self.url = reverse("acceptance:reopen", args=[self.problem.pk])

    def test_the_plans_offices_reopen(self):
        self.signed_off_request()
        self.assert_personas(
            self.url,
            {
                "office_A": 200,
                "office_P": 200,
                "reviewer_A": 403,
                "unit_A1": 403,
                "supervisor_Aeco": 403,
                "unit_B1": 404,
            },
        )

    def test_reopening_needs_a_reason_and_keeps_the_sign_off_in_the_history(self):
        self.signed_off_request()
        self.login("office_A")
        response = self.client.post(self.url, {"reason": " "})
        self.assertIn("reason", response.context["form"].errors)
        self.assertFalse(Reopening.objects.exists())
        response = self.client.post(self.url, {"reason": "群众举报河道再次出现黑臭"})
        self.assertRedirects(response, self.page_url() + "#reopenings", fetch_redirect_response=False)
        reopening = Reopening.objects.get()
        self.assertEqual((reopening.kind, reopening.reason), ("rebound", "群众举报河道再次出现黑臭"))
        self.problem.refresh_from_db()
        self.assertEqual(self.problem.status, "in_progress")
        self.assertTrue(self.problem.history.filter(status="signed_off").exists())

    def test_a_problem_not_signed_off_sends_the_office_back(self):
        self.login("office_A")
        self.assertRedirects(self.client.get(self.url), self.page_url(), fetch_redirect_response=False)
        self.assertRedirects(
            self.client.post(self.url, {"reason": "x"}), self.page_url(), fetch_redirect_response=False
        )
        self.assertFalse(Reopening.objects.exists())
