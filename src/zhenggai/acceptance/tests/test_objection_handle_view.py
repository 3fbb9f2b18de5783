"""Ruling on an objection filed during 公示: the plan's office dismisses or upholds it with a note."""

from __future__ import annotations

from django.urls import reverse

from zhenggai.acceptance.models import Objection, StepDecision
from zhenggai.acceptance.tests.view_world import OBJECTED, AcceptanceViewTestCase


class ObjectionHandleViewTestCase(AcceptanceViewTestCase):
    today = OBJECTED

    def setUp(self):
        super().setUp()
        self.request = self.ask()
        self.city(self.request)
        self.objection = self.object_to(self.request, text="下游仍有排污口。")
        self.url = reverse("acceptance:objection_handle", args=[self.objection.pk])

    def test_the_plans_offices_rule(self):
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

    def test_the_form_shows_the_objection(self):
        self.login("office_A")
        response = self.client.get(self.url)
        self.assertContains(response, "下游仍有排污口。")
        self.assertContains(response, "13900000000")

    def test_dismissing_keeps_the_notice_running(self):
        self.login("office_A")
        response = self.client.post(self.url, {"outcome": "dismiss", "note": "经现场核查，排污口已封堵。"})
        self.assertRedirects(
            response, self.page_url() + f"#objection-{self.objection.pk}", fetch_redirect_response=False
        )
        self.objection.refresh_from_db()
        self.assertEqual((self.objection.status, self.objection.handled_by), ("dismissed", self.user("office_A")))
        self.assertEqual(self.objection.handling_note, "经现场核查，排污口已封堵。")
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, "in_notice")

    def test_upholding_returns_the_request_with_a_signed_return(self):
        self.login("office_A")
        self.client.post(self.url, {"outcome": "uphold", "note": "核查属实。"})
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, "returned")
        returned = StepDecision.objects.get(position=1)
        self.assertEqual(returned.decision, "return")
        self.assertIn("核查属实。", returned.opinion)

    def test_a_note_is_required(self):
        self.login("office_A")
        response = self.client.post(self.url, {"outcome": "dismiss", "note": ""})
        self.assertEqual(response.status_code, 200)
        self.assertIn("note", response.context["form"].errors)
        self.assertEqual(Objection.objects.get().status, "open")

    def test_an_objection_already_handled_sends_the_user_back(self):
        self.dismiss(self.objection)
        self.login("office_P")
        response = self.client.post(self.url, {"outcome": "uphold", "note": "再议"})
        self.assertRedirects(response, self.page_url(), fetch_redirect_response=False)
        self.assertEqual(Objection.objects.get().status, "dismissed")
