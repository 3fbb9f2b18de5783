"""Deciding the step a request waits at: who may, pass and return, and states with nothing to decide."""

from __future__ import annotations

from unittest import mock

from django.contrib.messages import get_messages
from django.urls import reverse

from zhenggai.acceptance import actions
from zhenggai.acceptance.models import AcceptanceRequest, StepDecision
from zhenggai.acceptance.signatures import verify
from zhenggai.acceptance.tests.view_world import ALL_MET, CITY_STEP, AcceptanceViewTestCase, at
from zhenggai.core.errors import ConflictError


class DecideViewTestCase(AcceptanceViewTestCase):
    today = CITY_STEP

    def setUp(self):
        super().setUp()
        self.request = self.ask()
        self.url = reverse("acceptance:decide", args=[self.request.pk])

    def test_the_city_decides_the_city_step(self):
        self.assert_personas(
            self.url,
            {
                "office_A": 200,
                "reviewer_A": 200,
                "office_P": 403,
                "unit_A1": 403,
                "supervisor_Aeco": 403,
                "unit_B1": 404,
            },
        )

    def test_the_page_shows_what_is_decided(self):
        self.login("reviewer_A")
        response = self.client.get(self.url)
        self.assertContains(response, 'data-testid="request-summary"')
        self.assertContains(response, self.request.report)
        self.assertEqual(response.context["step"].name, "市级验收")

    def test_a_pass_is_signed_and_opens_the_notice(self):
        self.login("reviewer_A")
        response = self.client.post(self.url, {"decision": "pass", "opinion": "同意"})
        self.assertRedirects(response, self.page_url() + f"#request-{self.request.pk}", fetch_redirect_response=False)
        decision = StepDecision.objects.get()
        self.assertEqual(
            (decision.decision, decision.opinion, decision.actor), ("pass", "同意", self.user("reviewer_A"))
        )
        self.assertTrue(verify(decision).ok)
        self.request.refresh_from_db()
        self.assertEqual((self.request.status, self.request.position), ("in_notice", 1))
        self.assertTrue(self.request.notices.exists())

    def test_a_return_needs_an_opinion(self):
        self.login("office_A")
        response = self.client.post(self.url, {"decision": "return", "opinion": "  "})
        self.assertEqual(response.status_code, 200)
        self.assertIn("opinion", response.context["form"].errors)
        self.assertFalse(StepDecision.objects.exists())
        response = self.client.post(self.url, {"decision": "return", "opinion": "缺少第三方监测报告"})
        self.assertEqual(response.status_code, 302)
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, "returned")

    def test_an_unknown_decision_is_a_form_error(self):
        self.login("office_A")
        response = self.client.post(self.url, {"decision": "maybe"})
        self.assertIn("decision", response.context["form"].errors)

    def test_the_requester_may_not_decide_even_as_administrator(self):
        self.request.status = "withdrawn"
        self.request.save()
        with at(CITY_STEP):
            own = actions.request_acceptance(
                self.problem, acting_user=self.user("system"), report="自查", signed_by_head="王五", checklist=ALL_MET
            )
        self.assertEqual(self.status_as("system", reverse("acceptance:decide", args=[own.pk])), 403)

    def test_nothing_to_decide_sends_the_user_back(self):
        self.city(self.request)  # now in 公示: closed, not decided
        self.login("office_A")
        self.assertRedirects(self.client.get(self.url), self.page_url(), fetch_redirect_response=False)
        self.assertRedirects(
            self.client.post(self.url, {"decision": "pass"}), self.page_url(), fetch_redirect_response=False
        )
        self.assertEqual(StepDecision.objects.count(), 1)

    def test_two_reviewers_at_once_one_wins_the_other_gets_a_message(self):
        self.login("office_A")
        form = self.client.get(self.url)
        self.assertEqual(form.status_code, 200)
        self.city(self.request)  # the reviewer signs first
        response = self.client.post(self.url, {"decision": "pass"})
        self.assertRedirects(response, self.page_url(), fetch_redirect_response=False)
        self.assertEqual(StepDecision.objects.count(), 1)
        self.assertEqual(AcceptanceRequest.objects.get().status, "in_notice")

    def test_a_conflict_in_the_action_becomes_a_message(self):
        self.login("reviewer_A")
        with mock.patch.object(actions, "decide_step", side_effect=ConflictError("有人刚刚作出了决定")):
            response = self.client.post(self.url, {"decision": "pass"})
        self.assertRedirects(response, self.page_url(), fetch_redirect_response=False)
        self.assertEqual([str(m) for m in get_messages(response.wsgi_request)], ["有人刚刚作出了决定"])
