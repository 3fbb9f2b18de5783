"""A unit asks for more time on a problem or one of its measures."""

from __future__ import annotations

from django.urls import reverse

from zhenggai.progress.models import DeadlineExtension
from zhenggai.progress.tests.test_board_world import BoardTestCase

FORM = {"requested_raw": "2026年9月30日前", "reasons": "需等待省级批复"}


class ExtensionRequestTestCase(BoardTestCase):
    def url(self, key: str = "a1", measure=None) -> str:
        url = reverse("progress:extension_new", args=[self.pk(key)])
        return f"{url}?measure={measure.pk}" if measure else url

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.assertRedirects(self.client.get(self.url()), f"{reverse('login')}?next={self.url()}")

    def test_who_may_ask(self):
        for persona, status in {
            "unit_A1": 200,
            "system": 200,
            "office_A": 403,  # the office decides; it does not ask itself
            "supervisor_Aeco": 403,
            "reviewer_A": 403,
            "office_B": 404,
            "unit_B1": 404,
            "unit_A2": 404,
        }.items():
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url()).status_code, status)

    def test_the_current_deadline_is_shown(self):
        self.login("unit_A1")
        response = self.client.get(self.url(measure=self.a1_measure))
        self.assertContains(response, 'data-testid="current-deadline"')
        self.assertContains(response, self.a1_measure.due_raw)

    def test_asking_for_a_measure_writes_a_pending_request(self):
        county = self.login("unit_A1")
        response = self.client.post(self.url(measure=self.a1_measure), FORM)
        self.assertRedirects(response, reverse("progress:todo"))
        extension = DeadlineExtension.objects.get()
        self.assertEqual(
            (extension.problem, extension.measure, extension.status, extension.requested_by),
            (self.world.problems["a1"], self.a1_measure, "pending", county),
        )
        self.assertEqual(extension.requested_raw, "2026年9月30日前")

    def test_a_second_request_waits_for_the_first(self):
        self.login("unit_A1")
        self.client.post(self.url("coll"), FORM)
        again = self.client.post(self.url("coll"), FORM)
        self.assertEqual(again.status_code, 200)
        self.assertContains(again, 'data-testid="form-errors"')
        self.assertContains(again, 'data-testid="pending-extension"')
        self.assertEqual(DeadlineExtension.objects.count(), 1)

    def test_the_new_deadline_must_be_a_date_and_reasons_are_needed(self):
        self.login("unit_A1")
        response = self.client.post(self.url(), {"requested_raw": "尽快", "reasons": "x"})
        self.assertIn("requested_raw", response.context["form"].errors)
        response = self.client.post(self.url(), {"requested_raw": "2026年9月30日前", "reasons": " "})
        self.assertIn("reasons", response.context["form"].errors)
        self.assertFalse(DeadlineExtension.objects.exists())

    def test_a_measure_of_another_problem_is_not_found(self):
        self.login("unit_A1")
        self.assertEqual(self.client.get(self.url("coll", measure=self.a1_measure)).status_code, 404)
        self.assertEqual(self.client.get(self.url() + "?measure=abc").status_code, 404)
