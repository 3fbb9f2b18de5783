"""A problem's escalation record."""

from __future__ import annotations

from django.urls import reverse

from zhenggai.progress import actions
from zhenggai.progress.tests.test_board_world import BoardTestCase


class EscalationListTestCase(BoardTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        office = cls.world.users["office_A"]
        a1 = cls.world.problems["a1"]
        cls.first = actions.record_escalation(a1, acting_user=office, kind="reminder", to_unit=cls.world.units["A1"])
        cls.second = actions.record_escalation(a1, acting_user=office, kind="supervision", suggested_by_grade="yellow")

    def url(self, key: str = "a1") -> str:
        return reverse("progress:escalation_list", args=[self.pk(key)])

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.assertRedirects(self.client.get(self.url()), f"{reverse('login')}?next={self.url()}")

    def test_everyone_who_sees_the_problem_sees_its_record(self):
        for persona, status in {
            "office_A": 200,
            "unit_A1": 200,
            "supervisor_Aeco": 200,
            "reviewer_A": 200,
            "office_B": 404,
            "unit_B1": 404,
            "unit_A2": 404,
        }.items():
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url()).status_code, status)

    def test_newest_first_with_the_grade_that_suggested_it(self):
        self.login("unit_A1")
        response = self.client.get(self.url())
        self.assertEqual([e.pk for e in response.context["escalations"]], [self.second.pk, self.first.pk])
        self.assertContains(response, 'data-testid="suggested-by"', count=1)

    def test_only_those_who_may_escalate_get_the_new_button(self):
        self.login("office_A")
        self.assertContains(self.client.get(self.url()), 'data-testid="escalation-new"')
        self.login("unit_A1")
        self.assertNotContains(self.client.get(self.url()), 'data-testid="escalation-new"')

    def test_another_problem_has_its_own_record(self):
        self.login("office_A")
        self.assertEqual(list(self.client.get(self.url("a2")).context["escalations"]), [])
