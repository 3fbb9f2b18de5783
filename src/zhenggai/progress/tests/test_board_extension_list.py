"""The office's list of extension requests: pending ones to decide, recent decisions with both deadlines."""

from __future__ import annotations

import re

from django.urls import reverse

from zhenggai.progress import actions
from zhenggai.progress.tests.test_board_world import BoardTestCase

URL = reverse("progress:extension_list")


def listed(response, testid: str) -> list[int]:
    body = response.content.decode()
    start = body.index(f'data-testid="{testid}"')
    section = body[start : body.index("</table>", start)]
    return [int(pk) for pk in re.findall(r'data-testid="extension-row" data-extension="(\d+)"', section)]


class ExtensionListTestCase(BoardTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        users, problems = cls.world.users, cls.world.problems
        cls.on_measure = actions.request_extension(
            problems["a1"],
            acting_user=users["unit_A1"],
            measure=cls.a1_measure,
            requested_raw="2026年9月30日前",
            reasons="a",
        )
        cls.on_problem = actions.request_extension(
            problems["a2"], acting_user=users["unit_A2"], requested_raw="2026年6月30日前", reasons="b"
        )
        cls.in_city_b = actions.request_extension(
            problems["b1"], acting_user=users["unit_B1"], requested_raw="2027年6月30日前", reasons="c"
        )

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.assertRedirects(self.client.get(URL), f"{reverse('login')}?next={URL}")

    def test_only_offices_and_administrators_open_it(self):
        for persona, status in {
            "office_A": 200,
            "office_B": 200,
            "system": 200,
            "unit_A1": 403,
            "reviewer_A": 403,
            "supervisor_Aeco": 403,
        }.items():
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(URL).status_code, status)

    def test_each_office_sees_the_requests_on_its_own_plans(self):
        self.login("office_A")
        self.assertEqual(listed(self.client.get(URL), "pending-extensions"), [self.on_measure.pk, self.on_problem.pk])
        self.login("office_B")
        response = self.client.get(URL)
        self.assertEqual(listed(response, "pending-extensions"), [self.in_city_b.pk])
        self.assertNotContains(response, reverse("ledger:problem_detail", args=[self.pk("a1")]))

    def test_a_decided_request_moves_down_with_its_old_and_new_deadline(self):
        office = self.login("office_A")
        actions.decide_extension(self.on_problem, acting_user=office, approve=True)
        response = self.client.get(URL)
        self.assertEqual(listed(response, "pending-extensions"), [self.on_measure.pk])
        self.assertEqual(listed(response, "decided-extensions"), [self.on_problem.pk])
        self.assertContains(response, 'data-testid="previous-raw">2025年6月30日前')
        self.assertContains(response, 'data-testid="requested-raw">2026年6月30日前')
        self.assertContains(response, 'data-testid="due-raw">2026年6月30日前')

    def test_rows_link_to_the_decision_page(self):
        self.login("office_A")
        self.assertContains(self.client.get(URL), reverse("progress:extension_decide", args=[self.on_measure.pk]))
