"""Closing 公示 from the acceptance page: POST only, the plan's office, and only after the window."""

from __future__ import annotations

from django.contrib.messages import constants, get_messages
from django.urls import reverse

from zhenggai.acceptance.models import PublicNotice
from zhenggai.acceptance.tests.view_world import CLOSED, OBJECTED, AcceptanceViewTestCase, at


def errors(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == constants.ERROR]


class CloseNoticeViewTestCase(AcceptanceViewTestCase):
    today = CLOSED

    def setUp(self):
        super().setUp()
        self.request = self.ask()
        self.city(self.request)
        self.url = reverse("acceptance:close_notice", args=[self.request.pk])

    def test_who_may_close(self):
        self.assert_personas(
            self.url,
            {"reviewer_A": 403, "unit_A1": 403, "supervisor_Aeco": 403, "unit_B1": 404},
            method="post",
        )
        self.assertIsNone(PublicNotice.objects.get().closed_at)

    def test_get_is_not_allowed(self):
        self.login("office_A")
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_the_office_closes_after_the_window_and_the_sign_off_step_waits(self):
        self.login("office_A")
        response = self.client.post(self.url)
        self.assertRedirects(response, self.page_url() + f"#request-{self.request.pk}", fetch_redirect_response=False)
        self.request.refresh_from_db()
        self.assertEqual((self.request.status, self.request.position), ("in_review", 2))
        self.assertIsNotNone(PublicNotice.objects.get().closed_at)
        self.assertEqual(self.request.decisions.get(position=1).actor, self.user("office_A"))

    def test_the_province_office_may_close_a_city_plans_notice_too(self):
        self.login("office_P")
        self.assertEqual(self.client.post(self.url).status_code, 302)
        self.assertIsNotNone(PublicNotice.objects.get().closed_at)

    def test_while_the_window_runs_the_action_refuses_with_a_message(self):
        self.login("office_A")
        with at(OBJECTED):
            response = self.client.post(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(errors(response)), 1)
        self.assertIn("2026-03-09", errors(response)[0])
        self.assertIsNone(PublicNotice.objects.get().closed_at)

    def test_an_open_objection_blocks_closing(self):
        self.object_to(self.request)
        self.login("office_A")
        response = self.client.post(self.url)
        self.assertEqual(len(errors(response)), 1)
        self.assertIsNone(PublicNotice.objects.get().closed_at)

    def test_a_request_not_in_notice_sends_the_user_back(self):
        self.close(self.request)
        self.login("office_A")
        response = self.client.post(self.url)
        self.assertRedirects(response, self.page_url(), fetch_redirect_response=False)
        self.assertEqual(self.request.decisions.count(), 2)
