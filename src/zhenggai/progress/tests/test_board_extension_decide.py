"""The plan's office decides on an extension request; the original deadline stays visible."""

from __future__ import annotations

from django.urls import reverse

from zhenggai.ledger.models import Measure
from zhenggai.progress import actions
from zhenggai.progress.models import DeadlineExtension
from zhenggai.progress.tests.test_board_world import BoardTestCase


class ExtensionDecideTestCase(BoardTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.extension = actions.request_extension(
            cls.world.problems["a1"],
            acting_user=cls.world.users["unit_A1"],
            measure=cls.a1_measure,
            requested_raw="2026年9月30日前",
            reasons="需等待省级批复",
        )

    def url(self) -> str:
        return reverse("progress:extension_decide", args=[self.extension.pk])

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.assertRedirects(self.client.get(self.url()), f"{reverse('login')}?next={self.url()}")

    def test_only_the_plans_office_decides(self):
        for persona, status in {
            "office_A": 200,
            "office_P": 200,  # the province office may change the city's plan too
            "system": 200,
            "unit_A1": 403,
            "supervisor_Aeco": 403,
            "reviewer_A": 403,
            "office_B": 404,
            "unit_B1": 404,
        }.items():
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url()).status_code, status)

    def test_the_page_shows_both_deadlines(self):
        self.login("office_A")
        response = self.client.get(self.url())
        self.assertContains(response, "2026年3月底前")
        self.assertContains(response, "2026年9月30日前")
        self.assertContains(response, 'data-testid="decision-form"')

    def test_approving_moves_the_deadline_and_keeps_the_old_one(self):
        office = self.login("office_A")
        response = self.client.post(self.url(), {"decision": "approve", "note": "同意"})
        self.assertRedirects(response, reverse("progress:extension_list"))
        self.extension.refresh_from_db()
        self.assertEqual((self.extension.status, self.extension.decided_by), ("approved", office))
        self.assertEqual(self.extension.previous_raw, "2026年3月底前")
        self.assertEqual(Measure.objects.get(pk=self.a1_measure.pk).due_raw, "2026年9月30日前")
        page = self.client.get(self.url())
        self.assertContains(page, 'data-testid="previous-raw">2026年3月底前')
        self.assertNotContains(page, 'data-testid="decision-form"')

    def test_rejecting_needs_a_reason(self):
        self.login("office_A")
        response = self.client.post(self.url(), {"decision": "reject", "note": ""})
        self.assertEqual(response.status_code, 200)
        self.assertIn("note", response.context["form"].errors)
        self.assertEqual(DeadlineExtension.objects.get().status, "pending")
        self.client.post(self.url(), {"decision": "reject", "note": "理由不充分"})
        self.extension.refresh_from_db()
        self.assertEqual((self.extension.status, self.extension.decision_note), ("rejected", "理由不充分"))
        self.assertEqual(Measure.objects.get(pk=self.a1_measure.pk).due_raw, "2026年3月底前")

    def test_a_request_is_decided_once(self):
        self.login("office_A")
        self.client.post(self.url(), {"decision": "reject", "note": "不同意"})
        again = self.client.post(self.url(), {"decision": "approve"})
        self.assertEqual(again.status_code, 200)
        self.assertContains(again, 'data-testid="form-errors"')
        self.assertEqual(DeadlineExtension.objects.get().status, "rejected")

    def test_refused_users_change_nothing(self):
        for persona in ("unit_A1", "office_B", "reviewer_A"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertIn(self.client.post(self.url(), {"decision": "approve"}).status_code, (403, 404))
        self.assertEqual(DeadlineExtension.objects.get().status, "pending")
